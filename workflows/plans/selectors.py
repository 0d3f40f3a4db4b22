"""Reads of plans that depend on the user or on a unit."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from approvals.organisation.models import OrgUnit, Position
from workflows.plans.content import content_diff
from workflows.plans.models import Plan, PlanApproval, PlanState, ReportDue


def _user_unit_ids(user: Any, day: datetime.date) -> list[int]:
    return list(Position.objects.active_on(day).filter(user=user).values_list("unit_id", flat=True))


def plan_list_received(*, user: Any, day: datetime.date) -> QuerySet[Plan]:
    """Plans dispatched to a unit where ``user`` holds a position (e.g. the committee secretary)."""
    received: QuerySet[Plan] = (
        Plan.objects.filter(dispatches__unit_id__in=_user_unit_ids(user, day))
        .select_related("issuing_agency", "register_entry", "kind")
        .distinct()
        .order_by("-register_entry__issued_on", "-pk")
    )
    return received


def plan_chain_up(*, plan: Plan) -> list[Plan]:
    """The plans ``plan`` implements, up to the top (e.g. division → department → committee)."""
    chain: list[Plan] = []
    seen = {plan.pk}
    frontier = [plan]
    while frontier:
        parents = list(
            Plan.objects.filter(implementing_plans__in=frontier).exclude(pk__in=seen).distinct()
        )
        chain.extend(parents)
        seen.update(p.pk for p in parents)
        frontier = parents
    return chain


def plan_chain_down(*, plan: Plan) -> list[Plan]:
    """The plans that implement ``plan``, level by level, down to the divisions."""
    chain: list[Plan] = []
    seen = {plan.pk}
    frontier = [plan]
    while frontier:
        children = list(
            Plan.objects.filter(basis_plans__in=frontier).exclude(pk__in=seen).distinct()
        )
        chain.extend(children)
        seen.update(p.pk for p in children)
        frontier = children
    return chain


def report_list_outstanding(*, recipient: OrgUnit, day: datetime.date) -> QuerySet[ReportDue]:
    """Reports owed to ``recipient`` whose deadline has passed on ``day`` (who has not reported)."""
    return (
        ReportDue.objects.outstanding_on(day)
        .filter(recipient=recipient, plan__state=PlanState.IN_FORCE)
        .select_related("unit", "plan")
        .order_by("due_on", "unit__name")
    )


def plan_changes_for(*, plan: Plan, user: Any) -> list[str]:
    """What changed since the revision ``user`` last decided on (all lines if never)."""
    current = plan.current_revision
    last = (
        PlanApproval.objects.filter(plan=plan, user=user)
        .order_by("-decided_at", "-pk")
        .select_related("revision")
        .first()
    )
    if last is None:
        base: dict[str, Any] = {"subject_summary": "", "recipients": []}
        label = "—"
    else:
        base = last.revision.content
        label = f"r{last.revision.number}"
    if last is not None and last.revision_id == current.pk:
        return []
    return content_diff(base, current.content, old_label=label, new_label=f"r{current.number}")
