"""The exemplary-model actions and who may take them by default (configurable in the admin)."""

from __future__ import annotations

from django.db import migrations

SAME = "same_unit"
ABOVE = "unit_or_above"
PARENT = "holder_parent"

# code, name (vi), name (en), kind, excludes_author, excludes_beneficiary
ACTIONS = [
    ("exemplary.propose_model", "Đề xuất điển hình tiên tiến", "Propose an exemplary model",
     "prepare", False, False),
    ("exemplary.verify_model", "Kiểm tra, kiểm chứng điển hình", "Verify an exemplary model",
     "review", True, True),
    ("exemplary.review_model", "Xem xét điển hình (Ban Chỉ đạo)",
     "Review an exemplary model (steering committee)", "decide", True, True),
    ("exemplary.commend_model", "Biểu dương điển hình tại sơ kết, tổng kết",
     "Commend an exemplary model at a review", "decide", True, True),
    ("exemplary.record_adoption", "Ghi nhận nhân rộng điển hình", "Record the adoption of a model",
     "record", False, False),
]

# action, role, reach, kind of the holder's unit
RULES = [
    ("exemplary.propose_model", "village_head", SAME, ""),
    ("exemplary.propose_model", "culture_officer", ABOVE, "commune"),
    ("exemplary.propose_model", "division_head", SAME, ""),
    ("exemplary.propose_model", "director", SAME, ""),
    ("exemplary.propose_model", "office_chief", PARENT, ""),
    ("exemplary.verify_model", "culture_officer", SAME, ""),
    ("exemplary.verify_model", "division_head", SAME, ""),
    ("exemplary.verify_model", "deputy_division_head", SAME, ""),
    ("exemplary.review_model", "committee_head", SAME, "steering_committee"),
    ("exemplary.review_model", "committee_standing_deputy", SAME, "steering_committee"),
    ("exemplary.review_model", "committee_secretary", SAME, "steering_committee"),
    ("exemplary.commend_model", "committee_head", SAME, "steering_committee"),
    ("exemplary.commend_model", "committee_standing_deputy", SAME, "steering_committee"),
    ("exemplary.commend_model", "committee_secretary", SAME, "steering_committee"),
    ("exemplary.record_adoption", "village_head", SAME, ""),
    ("exemplary.record_adoption", "culture_officer", ABOVE, "commune"),
    ("exemplary.record_adoption", "division_head", SAME, ""),
    ("exemplary.record_adoption", "director", SAME, ""),
    ("exemplary.record_adoption", "office_chief", PARENT, ""),
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
        ("exemplary", "0001_initial"),
        ("approvals_org", "0004_unit_standing_agency"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
