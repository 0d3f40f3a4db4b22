"""Who holds a plan's step, for the engine's reminders (registered in ``PlansConfig.ready``).

A plan has a clock per step (``step:<state>``, see ``services.clock._step_clock``), held by
whoever may act at that step while the plan is there - the division head, the office, the
signing leaders, then the records clerk once it is signed - and one per consultation
(``consultation:<agency id>:r<revision>``), held by the consulted agency's people who may
answer. Back with its drafter a plan has no running clock, so nothing is reminded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from approvals.notifications.registry import StepHolding, register_step_provider
from approvals.organisation.holders import StepQuery, step_holders_many
from approvals.organisation.models import OrgUnit
from workflows.plans.models import Plan, PlanState
from workflows.plans.services import ANSWER, ISSUE, STEP_ACTION, STEP_PURPOSE, step_unit

if TYPE_CHECKING:
    import datetime
    from collections.abc import Mapping, Sequence

    from approvals.calendar.models import Deadline

SUBJECT_TYPE = "plans.plan"


def _consulted_agency(purpose: str) -> int | None:
    kind, _sep, rest = purpose.partition(":")
    agency, _sep, _revision = rest.partition(":")
    if kind != "consultation" or not agency.isdigit():
        return None
    return int(agency)


def _step(plan: Plan, purpose: str) -> tuple[str, OrgUnit] | None:
    """The action and unit of the step a ``step:<state>`` clock times, if the plan is there."""
    if not purpose.startswith(STEP_PURPOSE):
        return None
    state = purpose.removeprefix(STEP_PURPOSE)
    if plan.state != state:
        return None
    if state == PlanState.SIGNED:
        return ISSUE, plan.issuing_agency
    if state in STEP_ACTION:
        return STEP_ACTION[state], step_unit(plan, state)
    return None


def plan_step_holdings(
    deadlines: Sequence[Deadline], day: datetime.date
) -> Mapping[int, StepHolding]:
    """The holders of each plan deadline's step (four queries for any number of plans)."""
    plans = Plan.objects.select_related(
        "drafting_unit", "issuing_agency", "kind", "register_entry"
    ).in_bulk([int(d.subject_id) for d in deadlines if d.subject_id.isdigit()])
    agency_ids = {a for d in deadlines if (a := _consulted_agency(d.purpose)) is not None}
    agencies = OrgUnit.objects.in_bulk(agency_ids)
    wanted: list[tuple[Deadline, Plan, str, OrgUnit, str]] = []
    for deadline in deadlines:
        plan = plans.get(int(deadline.subject_id)) if deadline.subject_id.isdigit() else None
        if plan is None:
            continue
        agency_id = _consulted_agency(deadline.purpose)
        if agency_id is not None:
            agency = agencies.get(agency_id)
            if plan.state == PlanState.CONSULTATION and agency is not None:
                wanted.append((deadline, plan, ANSWER, agency, str(PlanState.CONSULTATION.label)))
        elif (step := _step(plan, deadline.purpose)) is not None:
            wanted.append((deadline, plan, *step, str(PlanState(plan.state).label)))
    holders = step_holders_many(
        [
            StepQuery(action, unit, frozenset({plan.author_id}))
            for _d, plan, action, unit, _s in wanted
        ],
        on=day,
    )
    return {
        deadline.pk: StepHolding(
            label=str(plan),
            url=reverse("plans:detail", args=[plan.pk]),
            step=step,
            unit=unit,
            holder_ids=ids,
        )
        for (deadline, plan, _action, unit, step), ids in zip(wanted, holders, strict=True)
    }


def register() -> None:
    """Tell the engine how to find who holds a plan's step."""
    register_step_provider(SUBJECT_TYPE, plan_step_holdings)
