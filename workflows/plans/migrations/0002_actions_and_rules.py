"""The plan actions and who may take them by default (configurable in the admin)."""

from __future__ import annotations

from django.db import migrations

SAME = "same_unit"
ABOVE = "unit_or_above"
PARENT = "holder_parent"

# code, name (vi), name (en), kind, excludes_author
ACTIONS = [
    ("plans.draft_plan", "Soạn thảo kế hoạch", "Draft a plan", "prepare", False),
    ("plans.review_plan", "Duyệt bản thảo (lãnh đạo đơn vị)", "Division head review", "review",
     True),
    ("plans.check_plan_format", "Kiểm tra thể thức, kỹ thuật trình bày", "Format check",
     "review", True),
    ("plans.answer_consultation", "Góp ý dự thảo", "Answer a consultation", "record", False),
    ("plans.sign_plan", "Ký ban hành", "Sign and issue", "sign", True),
    ("plans.issue_plan", "Cấp số, phát hành, lưu", "Number, dispatch and file", "record", False),
    ("plans.acknowledge_plan", "Xác nhận đã nhận văn bản", "Acknowledge receipt", "record",
     False),
    ("plans.submit_report", "Gửi báo cáo định kỳ", "Submit a periodic report", "record", False),
    ("plans.close_plan", "Tổng kết, kết thúc kế hoạch", "Close after final review", "approve",
     True),
]

# action, role, reach, holder unit kind
RULES = [
    ("plans.draft_plan", "drafter", SAME, ""),
    ("plans.draft_plan", "culture_officer", SAME, ""),
    ("plans.review_plan", "division_head", SAME, ""),
    ("plans.review_plan", "deputy_division_head", SAME, ""),
    ("plans.review_plan", "office_chief", SAME, ""),
    ("plans.check_plan_format", "office_chief", PARENT, ""),
    ("plans.check_plan_format", "office_reviewer", PARENT, ""),
    ("plans.check_plan_format", "committee_secretary", SAME, ""),
    ("plans.answer_consultation", "director", ABOVE, "department"),
    ("plans.answer_consultation", "deputy_director", ABOVE, "department"),
    ("plans.answer_consultation", "office_chief", PARENT, ""),
    ("plans.answer_consultation", "commune_chairman", SAME, ""),
    ("plans.answer_consultation", "committee_secretary", SAME, ""),
    ("plans.answer_consultation", "committee_standing_deputy", SAME, ""),
    ("plans.sign_plan", "director", ABOVE, "department"),
    ("plans.sign_plan", "deputy_director", ABOVE, "department"),
    ("plans.sign_plan", "committee_head", SAME, ""),
    ("plans.sign_plan", "committee_standing_deputy", SAME, ""),
    ("plans.sign_plan", "commune_chairman", SAME, ""),
    ("plans.sign_plan", "commune_vice_chairman", SAME, ""),
    ("plans.issue_plan", "records_clerk", SAME, ""),
    ("plans.issue_plan", "records_clerk", PARENT, ""),
    ("approvals_registers.issue_number", "records_clerk", SAME, ""),
    ("approvals_registers.issue_number", "records_clerk", PARENT, ""),
    ("approvals_registers.void_number", "records_clerk", SAME, ""),
    ("approvals_registers.void_number", "records_clerk", PARENT, ""),
    ("plans.acknowledge_plan", "records_clerk", SAME, ""),
    ("plans.acknowledge_plan", "records_clerk", PARENT, ""),
    ("plans.acknowledge_plan", "committee_secretary", SAME, ""),
    ("plans.acknowledge_plan", "division_head", SAME, ""),
    ("plans.acknowledge_plan", "office_chief", SAME, ""),
    ("plans.acknowledge_plan", "director", ABOVE, "department"),
    ("plans.acknowledge_plan", "commune_chairman", SAME, ""),
    ("plans.acknowledge_plan", "culture_officer", SAME, ""),
    ("plans.submit_report", "division_head", SAME, ""),
    ("plans.submit_report", "deputy_division_head", SAME, ""),
    ("plans.submit_report", "office_chief", SAME, ""),
    ("plans.submit_report", "office_chief", PARENT, ""),
    ("plans.submit_report", "director", ABOVE, "department"),
    ("plans.submit_report", "deputy_director", ABOVE, "department"),
    ("plans.submit_report", "committee_secretary", SAME, ""),
    ("plans.submit_report", "culture_officer", SAME, ""),
    ("plans.close_plan", "director", ABOVE, "department"),
    ("plans.close_plan", "deputy_director", ABOVE, "department"),
    ("plans.close_plan", "committee_head", SAME, ""),
    ("plans.close_plan", "committee_standing_deputy", SAME, ""),
    ("plans.close_plan", "commune_chairman", SAME, ""),
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
        action = Action.objects.filter(code=code).first()
        if action is None or role not in roles:
            continue
        ActionRule.objects.get_or_create(
            action=action, role=roles[role], reach=reach, holder_unit_kind=unit_kind
        )


def unseed(apps, schema_editor):
    Action = apps.get_model("approvals_org", "Action")
    Action.objects.filter(code__in=[row[0] for row in ACTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("approvals_org", "0003_reach_holder_parent"),
        ("approvals_registers", "0002_seed_kinds_and_actions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
