"""When to remind and when to escalate, as regulation data (configurable, unconfirmed).

No legal text sets these days: they are the system's defaults, kept as rules with
``confirmed=False`` so an administration changes them with a version of its own.
"""

from __future__ import annotations

import datetime

from django.db import migrations

CODE = "reminders"
NAME = "Nhắc việc và báo cáo chậm hạn (cấu hình của hệ thống)"
NAME_EN = "Reminders and escalation (system configuration)"
EFFECTIVE = datetime.date(2020, 1, 1)
LABEL = "Mặc định của hệ thống"
LEGAL_BASIS = (
    "Không có văn bản quy phạm pháp luật quy định: giá trị mặc định cấu hình được của hệ "
    "thống, cần được cơ quan sử dụng xem xét, xác nhận."
)
BASIS = "cấu hình của hệ thống (chưa xác nhận)"

# key, value, type, confirmed, basis, description
RULES = [
    ("reminder.working_days_before_due", [3, 1], "list", False, BASIS,
     "Nhắc người đang xử lý trước hạn bao nhiêu ngày làm việc (mỗi số là một lần nhắc)"),
    ("escalation.working_days_after_due", [1], "list", False, BASIS,
     "Báo người đứng đầu đơn vị sau hạn bao nhiêu ngày làm việc (mỗi số là một lần báo)"),
]


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


def unseed(apps, schema_editor):
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    RegulationVersion.objects.filter(regulation__code=CODE).delete()
    apps.get_model("approvals_rules", "Regulation").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals_notifications", "0001_initial"),
        ("approvals_rules", "0005_movement_targets"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
