"""Default roles of Vietnamese agencies and local government (configurable data)."""

from __future__ import annotations

from django.db import migrations

# code, name (vi), name_en, printed title, is_head, head_role code, signs_by_order
ROLES = [
    ("provincial_chairman", "Chủ tịch UBND tỉnh", "Provincial chairman", "Chủ tịch", True, "", False),
    ("provincial_vice_chairman", "Phó Chủ tịch UBND tỉnh", "Provincial vice-chairman",
     "Phó Chủ tịch", False, "provincial_chairman", False),
    ("director", "Giám đốc Sở", "Director", "Giám đốc", True, "", False),
    ("deputy_director", "Phó Giám đốc Sở", "Deputy director", "Phó Giám đốc", False, "director",
     False),
    ("office_chief", "Chánh Văn phòng", "Chief of the department office", "Chánh Văn phòng", True,
     "", False),
    ("office_reviewer", "Chuyên viên Văn phòng (kiểm tra thể thức)", "Office format reviewer",
     "Chuyên viên", False, "", False),
    ("records_clerk", "Văn thư", "Records clerk", "Văn thư", False, "", False),
    ("division_head", "Trưởng phòng", "Division head", "Trưởng phòng", True, "", False),
    ("deputy_division_head", "Phó Trưởng phòng", "Deputy division head", "Phó Trưởng phòng",
     False, "division_head", False),
    ("drafter", "Chuyên viên (soạn thảo)", "Drafter", "Chuyên viên", False, "", False),
    ("committee_head", "Trưởng Ban Chỉ đạo", "Steering committee head", "Trưởng ban", True, "",
     False),
    ("committee_standing_deputy", "Phó Trưởng ban Thường trực", "Standing deputy head",
     "Phó Trưởng ban Thường trực", False, "", False),
    ("committee_secretary", "Thư ký Ban Chỉ đạo", "Committee secretary", "Thư ký", False, "",
     False),
    ("committee_member", "Thành viên Ban Chỉ đạo", "Committee member", "Thành viên", False, "",
     False),
    ("commune_chairman", "Chủ tịch UBND xã", "Commune chairman", "Chủ tịch", True, "", False),
    ("commune_vice_chairman", "Phó Chủ tịch UBND xã", "Commune vice-chairman", "Phó Chủ tịch",
     False, "commune_chairman", False),
    ("culture_officer", "Công chức Văn hóa – Xã hội", "Culture officer", "Công chức Văn hóa – Xã hội",
     False, "", False),
    ("council_member", "Thành viên Hội đồng Thi đua – Khen thưởng", "Emulation council member",
     "Thành viên Hội đồng", False, "", False),
    ("village_head", "Trưởng thôn / Tổ trưởng tổ dân phố", "Village head", "Trưởng thôn", True, "",
     False),
    ("front_committee_head", "Trưởng ban Công tác Mặt trận", "Front work committee head",
     "Trưởng ban Công tác Mặt trận", False, "", False),
]


def seed(apps, schema_editor):
    Role = apps.get_model("approvals_org", "Role")
    by_code = {}
    for code, name, name_en, title, is_head, _head, by_order in ROLES:
        by_code[code], _ = Role.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "title": title, "is_head": is_head,
                      "signs_by_order": by_order},
        )
    for code, *_rest, head, _by_order in ROLES:
        if head:
            Role.objects.filter(code=code, head_role__isnull=True).update(head_role=by_code[head])


def unseed(apps, schema_editor):
    Role = apps.get_model("approvals_org", "Role")
    codes = [row[0] for row in ROLES]
    Role.objects.filter(code__in=codes).update(head_role=None)
    Role.objects.filter(code__in=codes, positions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals_org", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
