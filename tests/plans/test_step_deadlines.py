"""Each step of a plan runs on a working-day clock from the regulations: started when the plan
enters the step, stopped when it leaves, none while the draft is back with its drafter."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from approvals.calendar.models import Deadline
from approvals.regulations.models import Rule
from tests.plans.conftest import DAY, Province, new_plan, province
from workflows.plans.flow_actions import (
    flow_approve,
    flow_issue,
    flow_return,
    flow_sign,
    flow_submit,
)
from workflows.plans.selectors import plan_list_awaiting, plan_reach
from workflows.plans.services import step_deadline

__all__ = ["province"]

pytestmark = pytest.mark.django_db


def open_steps(plan) -> list[tuple[str, object]]:
    return list(
        Deadline.objects.for_subject(subject_type="plans.plan", subject_id=str(plan.pk))
        .filter(completed_on__isnull=True, purpose__startswith="step:")
        .values_list("purpose", "due_on")
    )


def test_the_review_clock_skips_the_national_day_holiday(province: Province) -> None:
    plan = new_plan(province, year=2025)
    with freeze_time("2025-08-29 09:00"):  # Friday before the 1-2/9/2025 National Day holiday
        flow_submit(plan, plan.author)
    # 3 working days (the unconfirmed default): not Sat 30/8, Sun 31/8, Mon 1/9, Tue 2/9
    assert open_steps(plan) == [("step:division_review", DAY(2025, 9, 5))]
    reach = plan_reach(user=province.user("cvp.ldtbxh"), day=DAY(2025, 9, 1))
    waiting = list(plan_list_awaiting(reach=reach))
    assert [(p.pk, p.due_on) for p in waiting] == [(plan.pk, DAY(2025, 9, 5))]


def test_a_return_stops_the_clock_and_a_resubmission_starts_a_new_one(province: Province) -> None:
    plan = new_plan(province, year=2025)
    with freeze_time("2025-10-06 09:00"):
        flow_submit(plan, plan.author)
    with freeze_time("2025-10-07 09:00"):
        flow_return(plan, province.user("cvp.ldtbxh"), comment="Bổ sung căn cứ.")
    assert open_steps(plan) == []  # the drafter's time runs on no clock
    first = Deadline.objects.get(subject_id=str(plan.pk), purpose="step:division_review")
    assert first.completed_on == DAY(2025, 10, 7)
    with freeze_time("2025-10-09 09:00"):
        flow_submit(plan, plan.author)
    assert open_steps(plan) == [("step:division_review", DAY(2025, 10, 14))]


def test_every_step_has_its_own_clock_up_to_numbering(province: Province) -> None:
    plan = new_plan(province, year=2025)
    with freeze_time("2025-10-06 09:00"):  # Monday
        flow_submit(plan, plan.author)
        flow_approve(plan, province.user("cvp.ldtbxh"))
        assert open_steps(plan) == [("step:format_check", DAY(2025, 10, 8))]
        flow_approve(plan, province.user("kiemtra.ldtbxh"))
        assert open_steps(plan) == [("step:signature", DAY(2025, 10, 9))]
        flow_sign(plan, province.user("pgd.ldtbxh"))
        # Decree 30's numbering limit: the next working day
        assert open_steps(plan) == [("step:signed", DAY(2025, 10, 7))]
        plan.refresh_from_db()
        assert step_deadline(plan).due_on == DAY(2025, 10, 7)
    from approvals.registers.models import DocumentKind
    from approvals.registers.services import register_configure

    register_configure(
        agency=province.dept,
        year=2025,
        name="Sổ văn bản đi 2025",
        kinds=list(DocumentKind.objects.filter(code="plan")),
        user=province.user("gd.ldtbxh"),
    )
    with freeze_time("2025-10-07 09:00"):
        flow_issue(plan, province.user("vanthu.ldtbxh"))
    assert open_steps(plan) == []
    done = Deadline.objects.filter(subject_id=str(plan.pk), purpose__startswith="step:")
    assert done.count() == 4
    assert all(d.completed_on is not None for d in done)


def test_the_period_is_read_from_the_regulation_not_the_code(province: Province) -> None:
    rule = Rule.objects.get(
        version__regulation__code="plan_processing", key="division_review.period"
    )
    assert rule.confirmed is False  # an agency's working rules, not a national figure
    Rule.objects.filter(pk=rule.pk).update(value={"length": 5, "day_kind": "working"})
    plan = new_plan(province, year=2025)
    with freeze_time("2025-10-06 09:00"):
        flow_submit(plan, plan.author)
    assert open_steps(plan) == [("step:division_review", DAY(2025, 10, 13))]
