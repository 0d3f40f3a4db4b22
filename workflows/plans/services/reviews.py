"""The reviews: the division's and the format check's approval, and returns to the drafter."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from approvals.calendar.services import deadline_complete
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.steps import service_atomic
from approvals.transitions import transition_perform
from workflows.plans.models import (
    Consultation,
    ConsultationStatus,
    Plan,
    PlanApproval,
    PlanState,
    StepDecision,
)
from workflows.plans.services.clock import _step_clock
from workflows.plans.services.consultation import _on_enter
from workflows.plans.services.notices import Outcome, plan_step_notify
from workflows.plans.services.steps import (
    STEP_ACTION,
    _check_revision,
    _locked,
    _next_step,
    _today,
    step_unit,
)


def _review_state(plan: Plan) -> str:
    if plan.state not in STEP_ACTION:
        raise InvalidTransition(
            _("The plan is not waiting for a review or a signature (now: %(state)s).")
            % {"state": plan.get_state_display()}
        )
    return str(plan.state)


@service_atomic()
def plan_approve(
    *, plan: Plan, user: Any, comment: str = "", seen_revision: int | None = None
) -> Plan:
    """Approve the current revision at the division review or the format check."""
    locked = _locked(plan)
    step = _review_state(locked)
    if step not in (PlanState.DIVISION_REVIEW, PlanState.FORMAT_CHECK):
        raise InvalidTransition(
            _("At “%(step)s” the plan is not approved this way.")
            % {"step": locked.get_state_display()}
        )
    _check_revision(locked, seen_revision)
    revision = locked.current_revision
    PlanApproval.objects.create(
        plan=locked,
        step=step,
        revision=revision,
        decision=StepDecision.APPROVED,
        user=user,
        comment=comment.strip(),
    )
    target = _next_step(locked, revision)
    transition_perform(
        obj=locked,
        transition="advance",
        user=user,
        action=STEP_ACTION[step],
        comment=comment,
        unit=step_unit(locked, step),
        payload={"revision": revision.number, "step": step},
        to=target,
    )
    _on_enter(locked, revision, user)
    plan_step_notify(locked, actor=user, outcome=Outcome.APPROVED, step=step, comment=comment)
    return locked


@service_atomic()
def plan_return(*, plan: Plan, user: Any, comment: str, seen_revision: int | None = None) -> Plan:
    """Return the plan to its drafter from a review or the signature; the comment is required."""
    locked = _locked(plan)
    step = _review_state(locked)
    if not comment.strip():
        raise ValidationFailed(_("Say what must change: a comment is required to return a plan."))
    _check_revision(locked, seen_revision)
    revision = locked.current_revision
    PlanApproval.objects.create(
        plan=locked,
        step=step,
        revision=revision,
        decision=StepDecision.RETURNED,
        user=user,
        comment=comment.strip(),
    )
    for pending in Consultation.objects.filter(
        plan=locked, revision=revision, status=ConsultationStatus.PENDING
    ).select_related("deadline"):
        pending.status = ConsultationStatus.NOT_ANSWERED
        pending.save(update_fields=["status"])
        deadline_complete(deadline=pending.deadline, on=_today(), user=user)
    transition_perform(
        obj=locked,
        transition="return_to_drafter",
        user=user,
        action=STEP_ACTION[step],
        comment=comment,
        unit=step_unit(locked, step),
        payload={"revision": revision.number, "step": step},
    )
    Plan.objects.filter(pk=locked.pk).update(returned_from=step)
    locked.returned_from = step
    _step_clock(locked, user)
    plan_step_notify(locked, actor=user, outcome=Outcome.RETURNED, step=step, comment=comment)
    return locked
