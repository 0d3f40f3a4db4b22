"""The emulation blocs' regulation, actions and who may take them (configurable data).

The signature period of the covenant is not set by any text found (DOMAIN.md §4.7, §9.7):
it is a configurable rule with ``confirmed=False``. So are the deciding level and time
limit of the provincial awards a bloc proposes for (Cờ thi đua, Bằng khen of the provincial
chairman), whose article in the 2022 Law is not quoted in DOMAIN.md.
"""

from __future__ import annotations

import datetime

from django.db import migrations

CODE = "emulation_blocs"
NAME = "Khối thi đua: giao ước, chấm điểm và đề nghị khen thưởng"
NAME_EN = "Emulation blocs: covenants, scoring and award proposals"
EFFECTIVE = datetime.date(2018, 1, 1)
LABEL = "Mặc định cấu hình được"
LEGAL_BASIS = (
    "Luật Thi đua, khen thưởng (2003, sửa đổi 2013; 06/2022/QH15 từ 01/01/2024); Quy chế tổ "
    "chức và hoạt động Cụm, Khối thi đua do UBND tỉnh ban hành (ví dụ QĐ 1306/QĐ-UBND tỉnh "
    "Hòa Bình năm 2015)"
)
QUY_CHE = "Quy chế Cụm, Khối thi đua của UBND tỉnh (chưa xác nhận)"
LUAT = "Luật Thi đua, khen thưởng 06/2022/QH15 (điều khoản chưa xác nhận)"

# key, value, type, confirmed, basis, description
RULES = [
    ("covenant.signature_period", {"length": 10, "day_kind": "working"}, "period", False,
     QUY_CHE,
     "Thủ trưởng các đơn vị thành viên ký giao ước trong thời hạn kể từ khi mở ký — chưa xác "
     "nhận, tỉnh cấu hình"),
    ("emulation_flag.deciding_level", "province", "unit_kind", False, LUAT,
     "Chủ tịch UBND tỉnh tặng Cờ thi đua cho các đơn vị dẫn đầu Khối"),
    ("emulation_flag.decision_period", {"length": 10, "day_kind": "working"}, "period", False,
     "thực tiễn (như các danh hiệu thi đua khác)", "Thời hạn quyết định — chưa xác nhận"),
    ("provincial_commendation.deciding_level", "province", "unit_kind", False, LUAT,
     "Chủ tịch UBND tỉnh tặng Bằng khen"),
    ("provincial_commendation.decision_period", {"length": 10, "day_kind": "working"},
     "period", False, "thực tiễn (như các danh hiệu thi đua khác)",
     "Thời hạn quyết định — chưa xác nhận"),
]

SAME = "same_unit"
PARENT = "holder_parent"

# code, name (vi), name (en), kind, excludes_author, excludes_beneficiary
ACTIONS = [
    ("emulation.configure_blocs", "Lập Khối thi đua", "Set up emulation blocs", "record", False,
     False),
    ("emulation.manage_bloc", "Điều hành Khối thi đua (đơn vị Trưởng khối)",
     "Lead the bloc's year", "prepare", False, False),
    ("emulation.comment_covenant", "Góp ý dự thảo quy chế, kế hoạch, giao ước của Khối",
     "Comment on the bloc's drafts", "record", False, False),
    ("emulation.sign_covenant", "Ký giao ước thi đua", "Sign the covenant", "sign", False, False),
    ("emulation.remind_signers", "Nhắc đơn vị chưa ký giao ước", "Remind late signers",
     "record", False, False),
    ("emulation.record_inspection", "Ghi kết quả kiểm tra chéo", "Record a cross-inspection",
     "record", False, False),
    ("emulation.score_self", "Tự chấm điểm thi đua", "Score one's own unit", "record", False,
     False),
    ("emulation.score_bloc", "Chấm điểm thi đua của Khối", "Score for the bloc", "review", False,
     False),
    ("emulation.propose_awards", "Đề nghị khen thưởng của Khối", "Propose awards", "prepare",
     False, False),
    ("emulation.receive_proposal", "Tiếp nhận đề nghị khen thưởng của Khối",
     "Receive the bloc's award proposal", "record", False, False),
]

HEADS = [("director", SAME), ("deputy_director", SAME)]
OFFICE = [("office_chief", PARENT)]
RULES_BY_ACTION = {
    "emulation.configure_blocs": OFFICE + [("provincial_chairman", SAME),
                                           ("provincial_vice_chairman", SAME)],
    "emulation.manage_bloc": HEADS + OFFICE,
    "emulation.comment_covenant": HEADS + OFFICE,
    "emulation.sign_covenant": HEADS,
    "emulation.remind_signers": HEADS + OFFICE,
    "emulation.record_inspection": HEADS + OFFICE,
    "emulation.score_self": HEADS + OFFICE,
    "emulation.score_bloc": HEADS,
    "emulation.propose_awards": HEADS,
    "emulation.receive_proposal": OFFICE,
}


def seed(apps, schema_editor):
    Regulation = apps.get_model("approvals_rules", "Regulation")
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    regulation, _ = Regulation.objects.get_or_create(
        code=CODE, defaults={"name": NAME, "name_en": NAME_EN}
    )
    version, _ = RegulationVersion.objects.get_or_create(
        regulation=regulation, jurisdiction=None, effective_from=EFFECTIVE,
        defaults={"label": LABEL, "legal_basis": LEGAL_BASIS},
    )
    for key, value, value_type, confirmed, basis, description in RULES:
        Rule.objects.get_or_create(
            version=version, key=key,
            defaults={"value": value, "value_type": value_type, "confirmed": confirmed,
                      "basis": basis, "description": description},
        )

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
    for code, rules in RULES_BY_ACTION.items():
        action = Action.objects.get(code=code)
        for role, reach in rules:
            if role in roles:
                ActionRule.objects.get_or_create(
                    action=action, role=roles[role], reach=reach, holder_unit_kind=""
                )


def unseed(apps, schema_editor):
    apps.get_model("approvals_org", "Action").objects.filter(
        code__in=[row[0] for row in ACTIONS]
    ).delete()
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    RegulationVersion.objects.filter(regulation__code=CODE).delete()
    apps.get_model("approvals_rules", "Regulation").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("emulation", "0001_initial"),
        ("approvals_org", "0004_unit_standing_agency"),
        ("approvals_rules", "0005_movement_targets"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
