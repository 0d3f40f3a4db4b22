"""Time limits for each step of a plan, as regulation data.

No national text fixes how many working days a division or the office has to review a draft
or a leader to sign it: each agency sets them in its working rules (quy chế làm việc). These
are unconfirmed defaults an agency overrides with a version of its own. The numbering step's
limit is Decree 30's (document_work: numbering.after_signature_period), not repeated here.
"""

from __future__ import annotations

import datetime

from django.db import migrations

CODE = "plan_processing"
NAME = "Thời hạn xử lý kế hoạch, văn bản theo quy chế làm việc của cơ quan"
NAME_EN = "Time limits for handling plans and documents (the agency's working rules)"
EFFECTIVE = datetime.date(2020, 1, 1)
BASIS = "Quy chế làm việc của cơ quan (mặc định cấu hình được, chưa xác nhận)"
WORKING = "working"

# key, working days, description
RULES = [
    ("division_review.period", 3, "Thời hạn lãnh đạo phòng xem xét dự thảo"),
    ("format_check.period", 2, "Thời hạn Văn phòng kiểm tra thể thức, kỹ thuật trình bày"),
    ("signature.period", 3, "Thời hạn lãnh đạo cơ quan xem xét, ký ban hành"),
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
        defaults={"label": "Mặc định", "legal_basis": BASIS},
    )
    for key, days, description in RULES:
        Rule.objects.get_or_create(
            version=version, key=key,
            defaults={"value": {"length": days, "day_kind": WORKING}, "value_type": "period",
                      "confirmed": False, "basis": BASIS, "description": description},
        )


def unseed(apps, schema_editor):
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    RegulationVersion.objects.filter(regulation__code=CODE).delete()
    apps.get_model("approvals_rules", "Regulation").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_plan_process"),
        ("approvals_rules", "0005_movement_targets"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
