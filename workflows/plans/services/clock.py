"""Each step's time limit: the clock stopped and started as the plan moves on."""

from __future__ import annotations

import datetime
from typing import Any

from approvals.calendar.models import Deadline
from approvals.calendar.services import (
    deadline_complete,
    deadline_events_together,
    deadline_start,
)
from approvals.exceptions import RegulationNotFound
from approvals.regulations.services import rules_in_force
from workflows.plans.models import Plan, PlanState
from workflows.plans.services.steps import PROCESSING, _today

#: The regulation and rule giving each step's time limit (none: the step has no clock, e.g.
#: the draft, which is the drafter's own time, and the consultation, which has its own).
STEP_PERIODS: dict[str, tuple[str, str]] = {
    PlanState.DIVISION_REVIEW: (PROCESSING, "division_review.period"),
    PlanState.FORMAT_CHECK: (PROCESSING, "format_check.period"),
    PlanState.SIGNATURE: (PROCESSING, "signature.period"),
    PlanState.SIGNED: ("document_work", "numbering.after_signature_period"),
}
STEP_PURPOSE = "step:"


def _step_clock(plan: Plan, user: Any, *, on: datetime.date | None = None) -> None:
    """Stop the clock of the step the plan left and start the one of the step it entered."""
    with deadline_events_together():  # both clocks' events in one statement
        _step_clock_change(plan, user, on or _today())


def _step_clock_change(plan: Plan, user: Any, day: datetime.date) -> None:
    for running in (
        Deadline.objects.for_subject(subject_type="plans.plan", subject_id=str(plan.pk))
        .filter(completed_on__isnull=True, purpose__startswith=STEP_PURPOSE)
        .select_for_update()
    ):
        if running.purpose == f"{STEP_PURPOSE}{plan.state}":
            return  # still at that step (e.g. a consultation closed straight away)
        deadline_complete(deadline=running, on=max(day, running.started_on), user=user, locked=True)
    source = STEP_PERIODS.get(str(plan.state))
    if source is None:
        return
    code, key = source
    try:
        period = rules_in_force(code, on=day, unit=plan.issuing_agency).period(key)
    except RegulationNotFound:
        return  # an agency without such a rule keeps no clock on this step
    deadline_start(
        subject_type="plans.plan",
        subject_id=plan.pk,
        purpose=f"{STEP_PURPOSE}{plan.state}",
        length=period.length,
        day_kind=period.day_kind,
        started_on=day,
        user=user,
    )


def step_deadline(plan: Plan) -> Deadline | None:
    """The running time limit of the plan's current step, if it has one."""
    found: Deadline | None = (
        Deadline.objects.for_subject(subject_type="plans.plan", subject_id=str(plan.pk))
        .filter(completed_on__isnull=True, purpose=f"{STEP_PURPOSE}{plan.state}")
        .first()
    )
    return found
