"""The plan's action codes, its review steps in order and the row lock every service takes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from approvals.acts import act_today
from approvals.exceptions import InvalidTransition
from approvals.organisation.models import OrgUnit
from workflows.plans.models import Plan, PlanApproval, PlanRevision, PlanState, StepDecision

DRAFT = "plans.draft_plan"
REVIEW = "plans.review_plan"
FORMAT = "plans.check_plan_format"
ANSWER = "plans.answer_consultation"
SIGN = "plans.sign_plan"
ISSUE = "plans.issue_plan"
ACKNOWLEDGE = "plans.acknowledge_plan"
REPORT = "plans.submit_report"
CLOSE = "plans.close_plan"

PROCESSING = "plan_processing"

#: Who acts at each step, and at which unit the right is checked.
STEP_ACTION: dict[str, str] = {
    PlanState.DIVISION_REVIEW: REVIEW,
    PlanState.FORMAT_CHECK: FORMAT,
    PlanState.CONSULTATION: REVIEW,
    PlanState.SIGNATURE: SIGN,
}


def step_unit(plan: Plan, step: str) -> OrgUnit:
    if step in (PlanState.FORMAT_CHECK, PlanState.SIGNATURE):
        return plan.issuing_agency
    return plan.drafting_unit


def _locked(plan: Plan) -> Plan:
    locked: Plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("issuing_agency", "drafting_unit", "kind", "author")
        .get(pk=plan.pk)
    )
    return locked


_today = act_today  # today in the site's zone, or the day history is built as of


def _required_steps(plan: Plan) -> list[str]:
    steps: list[str] = [PlanState.DIVISION_REVIEW, PlanState.FORMAT_CHECK]
    if plan.needs_consultation:
        steps.append(PlanState.CONSULTATION)
    return steps


def _approved_steps(plan: Plan, revision: PlanRevision) -> set[str]:
    return set(
        PlanApproval.objects.filter(
            plan=plan, revision=revision, decision=StepDecision.APPROVED
        ).values_list("step", flat=True)
    )


def _next_step(plan: Plan, revision: PlanRevision) -> str:
    """The first required step without an approval of ``revision``, else the signature."""
    approved = _approved_steps(plan, revision)
    for step in _required_steps(plan):
        if step not in approved:
            return step
    return PlanState.SIGNATURE


def _check_revision(plan: Plan, seen_revision: int | None) -> None:
    if seen_revision is not None and seen_revision != plan.revision_number:
        raise InvalidTransition(
            _(
                "You are looking at revision %(seen)s, but the plan is now at revision "
                "%(current)s. Reload it and review the changes."
            )
            % {"seen": seen_revision, "current": plan.revision_number}
        )
