"""Plans in the hand-over of a reorganisation: every plan not yet in force goes across."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.handover.registry import HandedCase, HandoverContext, pending_cases_register
from workflows.plans.models import Plan, PlanState

#: A plan in one of these states is finished: nothing is handed over.
FINISHED = (PlanState.IN_FORCE, PlanState.CLOSED, PlanState.WITHDRAWN)


def pending_plans(context: HandoverContext) -> list[HandedCase]:
    """Move each unfinished plan issued or drafted by a unit of the dissolved one."""
    units = context.unit_ids
    plans = (
        Plan.objects.select_for_update(of=("self",))
        .filter(Q(issuing_agency_id__in=units) | Q(drafting_unit_id__in=units))
        .exclude(state__in=FINISHED)
        .select_related("issuing_agency", "drafting_unit")
        .order_by("pk")
    )
    cases = []
    for plan in plans:
        origin = plan.issuing_agency if plan.issuing_agency_id in units else context.predecessor
        Plan.objects.filter(pk=plan.pk).update(
            issuing_agency=context.target(plan.issuing_agency),
            drafting_unit=context.target(plan.drafting_unit),
            handed_over_from=origin,
            handed_over_on=context.effective_from,
        )
        cases.append(
            HandedCase(
                kind=str(_("Plan or document")),
                title=plan.subject_summary,
                state=plan.get_state_display(),
                subject_type="plans.plan",
                subject_id=str(plan.pk),
                url=reverse("plans:detail", args=[plan.pk]),
            )
        )
    return cases


def register() -> None:
    """Hand the plans over with every reorganisation."""
    pending_cases_register("plans.plan", pending_plans)
