"""What a plan waits for, and from whom, when the reader has nothing to do on it."""

from __future__ import annotations

from approvals.templatetags.people import person
from workflows.plans.models import Consultation, Plan, PlanState
from workflows.plans.selectors import WAITING
from workflows.plans.services import step_deadline
from workflows.plans.services.notices import STEP_VERBS
from workflows.waiting import Waiting, acting_body


def plan_waiting(plan: Plan) -> Waiting | None:
    """The unit (or drafter) the plan's current step waits for, with its deadline."""
    state = str(plan.state)
    if state == PlanState.DRAFT:
        return Waiting(person(plan.author), STEP_VERBS[state])
    if state == PlanState.CONSULTATION:
        pending = list(
            Consultation.objects.filter(plan=plan, status="pending")
            .select_related("agency", "deadline")
            .order_by("deadline__due_on", "agency__name")
        )
        if not pending:
            return None
        who = ", ".join(acting_body(c.agency) for c in pending)
        due = min((c.deadline.due_on for c in pending if c.deadline_id), default=None)
        return Waiting(who, STEP_VERBS[state], due)
    waiting = WAITING.get(state)
    if waiting is None:
        return None
    _action, field_name = waiting
    deadline = step_deadline(plan)
    return Waiting(
        acting_body(getattr(plan, field_name)),
        STEP_VERBS[state],
        deadline.due_on if deadline is not None else None,
    )


__all__ = ["STEP_VERBS", "plan_waiting"]
