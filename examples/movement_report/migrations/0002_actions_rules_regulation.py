"""The report's actions, who may take them, and the regulation with its due dates.

All of it is data an administrator changes in the admin (an action rule, a new regulation
version), never code. The due dates are those of the department's plan in seed 004
(6-month reports by 10/6, yearly reports by 10/11): unconfirmed defaults a province
overrides with a version of its own.
"""

from __future__ import annotations

import datetime

from django.db import migrations

SAME = "same_unit"
ABOVE = "unit_or_above"

# code, name (vi), name (en), kind, excludes_author
ACTIONS = [
    ("movement_report.draft_report", "Soạn báo cáo kết quả phong trào",
     "Draft a movement result report", "prepare", False),
    ("movement_report.submit_report", "Gửi báo cáo kết quả phong trào",
     "Submit a movement result report", "prepare", False),
    ("movement_report.review_report", "Xem xét báo cáo (lãnh đạo phòng)",
     "Review a report (division head)", "review", True),
    ("movement_report.approve_report", "Phê duyệt báo cáo (lãnh đạo Sở)",
     "Approve a report (department leadership)", "approve", True),
]

# action, role, reach, holder's unit kind
RULES = [
    ("movement_report.draft_report", "culture_officer", SAME, "commune"),
    ("movement_report.submit_report", "culture_officer", SAME, "commune"),
    ("movement_report.review_report", "division_head", SAME, "division"),
    ("movement_report.review_report", "deputy_division_head", SAME, "division"),
    ("movement_report.approve_report", "director", ABOVE, "department"),
    ("movement_report.approve_report", "deputy_director", ABOVE, "department"),
]

REGULATION = "movement_reporting"
NAME = "Chế độ báo cáo kết quả thực hiện Phong trào"
NAME_EN = "Reporting on the movement's results"
EFFECTIVE = datetime.date(2021, 1, 1)
BASIS = "Kế hoạch thực hiện Phong trào của Sở (seed 004); mặc định, cấu hình được"

# key, value (MM-DD), description
DUE_DATES = [
    ("semiannual.due", "06-10", "Hạn cuối gửi báo cáo 6 tháng"),
    ("annual.due", "11-10", "Hạn cuối gửi báo cáo năm"),
]


def seed(apps, schema_editor):
    Action = apps.get_model("approvals_org", "Action")
    ActionRule = apps.get_model("approvals_org", "ActionRule")
    Role = apps.get_model("approvals_org", "Role")
    for code, name, name_en, kind, excludes_author in ACTIONS:
        Action.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "kind": kind,
                      "excludes_author": excludes_author},
        )
    roles = {r.code: r for r in Role.objects.all()}
    for code, role, reach, unit_kind in RULES:
        if role in roles:
            ActionRule.objects.get_or_create(
                action=Action.objects.get(code=code), role=roles[role], reach=reach,
                holder_unit_kind=unit_kind,
            )

    Regulation = apps.get_model("approvals_rules", "Regulation")
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    regulation, _ = Regulation.objects.get_or_create(
        code=REGULATION, defaults={"name": NAME, "name_en": NAME_EN}
    )
    version, _ = RegulationVersion.objects.get_or_create(
        regulation=regulation, jurisdiction=None, effective_from=EFFECTIVE,
        defaults={"label": "Mặc định", "legal_basis": BASIS},
    )
    for key, value, description in DUE_DATES:
        Rule.objects.get_or_create(
            version=version, key=key,
            defaults={"value": value, "value_type": "month_day", "confirmed": False,
                      "basis": BASIS, "description": description},
        )


def unseed(apps, schema_editor):
    apps.get_model("approvals_org", "Action").objects.filter(
        code__in=[row[0] for row in ACTIONS]
    ).delete()
    apps.get_model("approvals_rules", "RegulationVersion").objects.filter(
        regulation__code=REGULATION
    ).delete()
    apps.get_model("approvals_rules", "Regulation").objects.filter(code=REGULATION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("movement_report", "0001_initial"),
        ("approvals_org", "0002_default_roles"),
        ("approvals_rules", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
