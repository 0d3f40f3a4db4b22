"""The nomination actions and who may take them by default (configurable in the admin)."""

from __future__ import annotations

from django.db import migrations

SAME = "same_unit"
ABOVE = "unit_or_above"
PARENT = "holder_parent"

# code, name (vi), name (en), kind, excludes_author, excludes_beneficiary
ACTIONS = [
    ("nominations.register_candidates", "Đăng ký, lập danh sách", "Register candidates",
     "prepare", False, False),
    ("nominations.record_meeting", "Ghi biên bản họp bình xét", "Record the review meeting",
     "record", False, False),
    ("nominations.run_posting", "Niêm yết công khai, ghi ý kiến", "Run the public posting",
     "record", False, False),
    ("nominations.submit_dossier", "Trình hồ sơ đề nghị", "Submit the dossier", "prepare", False,
     False),
    ("nominations.appraise_dossier", "Thẩm định hồ sơ", "Appraise the dossier", "review", True,
     True),
    ("nominations.record_council", "Ghi kết quả Hội đồng Thi đua – Khen thưởng",
     "Record the council review", "record", False, True),
    ("nominations.decide_dossier", "Ký quyết định công nhận", "Sign the recognition decision",
     "decide", True, True),
    ("nominations.number_decision", "Cấp số quyết định, ghi nhận danh hiệu",
     "Number the decision and record the titles", "record", False, False),
    ("nominations.revoke_title", "Hủy bỏ, thu hồi danh hiệu", "Revoke a title", "decide", False,
     True),
]

RULES = [
    ("nominations.register_candidates", "village_head", SAME, ""),
    ("nominations.register_candidates", "culture_officer", ABOVE, "commune"),
    ("nominations.register_candidates", "office_chief", PARENT, ""),
    ("nominations.register_candidates", "committee_secretary", SAME, ""),
    ("nominations.record_meeting", "village_head", SAME, ""),
    ("nominations.record_meeting", "front_committee_head", SAME, ""),
    ("nominations.run_posting", "village_head", SAME, ""),
    ("nominations.run_posting", "culture_officer", ABOVE, "commune"),
    ("nominations.submit_dossier", "village_head", SAME, ""),
    ("nominations.submit_dossier", "culture_officer", ABOVE, "commune"),
    ("nominations.submit_dossier", "commune_chairman", SAME, ""),
    ("nominations.submit_dossier", "office_chief", PARENT, ""),
    ("nominations.appraise_dossier", "culture_officer", SAME, ""),
    ("nominations.appraise_dossier", "office_chief", PARENT, ""),
    ("nominations.appraise_dossier", "committee_secretary", SAME, ""),
    ("nominations.record_council", "council_member", SAME, ""),
    ("nominations.record_council", "culture_officer", SAME, ""),
    ("nominations.record_council", "office_chief", PARENT, ""),
    ("nominations.decide_dossier", "commune_chairman", SAME, ""),
    ("nominations.decide_dossier", "commune_vice_chairman", SAME, ""),
    ("nominations.decide_dossier", "provincial_chairman", SAME, ""),
    ("nominations.decide_dossier", "provincial_vice_chairman", SAME, ""),
    ("nominations.decide_dossier", "director", SAME, "department"),
    ("nominations.decide_dossier", "deputy_director", SAME, "department"),
    ("nominations.number_decision", "records_clerk", SAME, ""),
    ("nominations.number_decision", "records_clerk", PARENT, ""),
    ("nominations.revoke_title", "commune_chairman", SAME, ""),
    ("nominations.revoke_title", "provincial_chairman", SAME, ""),
    ("nominations.revoke_title", "director", SAME, "department"),
]


def seed(apps, schema_editor):
    Action = apps.get_model("approvals_org", "Action")
    ActionRule = apps.get_model("approvals_org", "ActionRule")
    Role = apps.get_model("approvals_org", "Role")
    for code, name, name_en, kind, author, beneficiary in ACTIONS:
        Action.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "kind": kind, "excludes_author": author,
                      "excludes_beneficiary": beneficiary},
        )
    roles = {r.code: r for r in Role.objects.all()}
    for code, role, reach, unit_kind in RULES:
        if role in roles:
            ActionRule.objects.get_or_create(
                action=Action.objects.get(code=code), role=roles[role], reach=reach,
                holder_unit_kind=unit_kind,
            )


def unseed(apps, schema_editor):
    apps.get_model("approvals_org", "Action").objects.filter(
        code__in=[row[0] for row in ACTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0002_dossiers"),
        ("approvals_org", "0004_unit_standing_agency"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
