"""Reads of plans that depend on the user or on a unit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat

from approvals.calendar.models import Deadline
from approvals.organisation.models import OrgUnit, Position
from approvals.organisation.selectors import ActionScope, action_scopes, held_units, in_subtree
from workflows.plans.comparison import ChangedPart, revision_changes
from workflows.plans.models import (
    Consultation,
    ConsultationStatus,
    Dispatch,
    Plan,
    PlanApproval,
    PlanRevision,
    PlanState,
    ReportDue,
)


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


def plan_changes_for(
    *, plan: Plan, user: Any, current: PlanRevision | None = None
) -> list[ChangedPart]:
    """What changed since the revision ``user`` last decided on; nothing when the user never
    decided on a revision (there is no revision they saw to compare with). ``current``: the
    plan's current revision when the caller has read it already."""
    current = current or plan.current_revision
    last = (
        PlanApproval.objects.filter(plan=plan, user=user)
        .order_by("-decided_at", "-pk")
        .select_related("revision")
        .first()
    )
    if last is None or last.revision_id == current.pk:
        return []
    return revision_changes(last.revision.content, current.content)


def plan_changes_since_previous(
    *, plan: Plan, current: PlanRevision | None = None
) -> list[ChangedPart]:
    """What the current revision changed in the one before it (nothing for the first);
    ``current`` as for :func:`plan_changes_for`."""
    current = current or plan.current_revision
    previous = plan.revisions.filter(number=current.number - 1).first()
    if previous is None:
        return []
    return revision_changes(previous.content, current.content)


# --- lists for the site and the API ------------------------------------------------------------

#: The step a plan waits at in each state: the action it needs and the unit it is checked at.
WAITING: dict[str, tuple[str, str]] = {
    PlanState.DIVISION_REVIEW: ("plans.review_plan", "drafting_unit"),
    PlanState.FORMAT_CHECK: ("plans.check_plan_format", "issuing_agency"),
    PlanState.SIGNATURE: ("plans.sign_plan", "issuing_agency"),
    PlanState.SIGNED: ("plans.issue_plan", "issuing_agency"),
}
ANSWER_ACTION = "plans.answer_consultation"
ACKNOWLEDGE_ACTION = "plans.acknowledge_plan"
_SCOPED_ACTIONS = (*{action for action, _field in WAITING.values()}, ANSWER_ACTION)


@dataclass(frozen=True)
class PlanReach:
    """What a user's positions open to them on a day, computed once per request."""

    user_id: int
    unit_ids: frozenset[int]
    paths: tuple[str, ...]
    scopes: dict[str, ActionScope]

    def visible_q(self) -> Q:
        """Plans the user may open: their own, their units' and below, where they act or
        were consulted, and those dispatched to their units."""
        condition = Q(author_id=self.user_id)
        for path in self.paths:
            condition |= Q(drafting_unit__path__startswith=path)
            condition |= Q(issuing_agency__path__startswith=path)
        for action, field_name in WAITING.values():
            condition |= self.scopes[action].q(field_name)
        if self.unit_ids:
            units = sorted(self.unit_ids)
            condition |= Exists(
                Dispatch.objects.filter(plan=OuterRef("pk"), unit_id__in=units)
            ) | Exists(Consultation.objects.filter(plan=OuterRef("pk"), agency_id__in=units))
        return condition

    def visible_arms(self) -> list[Q]:
        """The ways a plan is visible, one filter each, together covering every plan of
        :meth:`visible_q` (the same units, scopes and receipts): alone, each is answered by
        an index, so a search finds a small reach's plans as their union."""
        arms = [Q(author_id=self.user_id)]
        for path in self.paths:
            arms.append(in_subtree("drafting_unit", path))
            arms.append(in_subtree("issuing_agency", path))
        for action, field_name in WAITING.values():
            arms += self.scopes[action].arms(field_name)
        if self.unit_ids:
            units = sorted(self.unit_ids)
            arms.append(Q(Exists(Dispatch.objects.filter(plan=OuterRef("pk"), unit_id__in=units))))
            arms.append(
                Q(Exists(Consultation.objects.filter(plan=OuterRef("pk"), agency_id__in=units)))
            )
        return arms


def plan_reach(*, user: Any, day: datetime.date) -> PlanReach:
    """The user's units and action scopes for plans (five queries at most)."""
    rows = [(unit.pk, unit.path) for unit in held_units(user=user, day=day)]
    paths = sorted({path for _unit, path in rows})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return PlanReach(
        user_id=user.pk,
        unit_ids=frozenset(unit for unit, _path in rows),
        paths=tuple(kept),
        scopes=action_scopes(user=user, action_codes=_SCOPED_ACTIONS, day=day),
    )


def _with_relations(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    return plans.select_related(
        "issuing_agency", "drafting_unit", "kind", "author", "register_entry"
    )


def plan_list_visible(
    *,
    reach: PlanReach,
    state: str | None = None,
    year: int | None = None,
    unit: OrgUnit | None = None,
) -> QuerySet[Plan]:
    """Plans the user may open, newest first, optionally filtered."""
    plans = Plan.objects.filter(reach.visible_q())
    if state:
        plans = plans.filter(state=state)
    if year:
        plans = plans.filter(year=year)
    if unit is not None:
        plans = plans.filter(
            Q(drafting_unit__path__startswith=unit.path)
            | Q(issuing_agency__path__startswith=unit.path)
        )
    return _with_relations(plans).order_by("-updated_at", "-pk")


def plan_get_visible(*, reach: PlanReach, pk: int) -> Plan:
    """One plan the user may open; ``Plan.DoesNotExist`` otherwise (the page answers 404)."""
    plan: Plan = _with_relations(Plan.objects.filter(reach.visible_q())).get(pk=pk)
    return plan


def plan_list_awaiting(
    *, reach: PlanReach, states: tuple[str, ...] | None = None
) -> QuerySet[Plan]:
    """Plans waiting for a step the user may take, longest waiting first.

    The drafter of a plan never reviews or signs it, so their own plans are left out.
    """
    condition = Q(pk__in=[])
    for state, (action, field_name) in WAITING.items():
        if states is not None and state not in states:
            continue
        scope = reach.scopes[action]
        if scope:
            condition |= Q(state=state) & scope.q(field_name)
    plans = Plan.objects.filter(condition).exclude(author_id=reach.user_id)
    return (
        _with_relations(plans)
        .annotate(due_on=_step_due())
        .order_by(F("due_on").asc(nulls_last=True), "updated_at", "pk")
    )


def _step_due() -> Subquery:
    """The due day of the running time limit of the plan's current step (None if it has none)."""
    running = Deadline.objects.filter(
        subject_type="plans.plan",
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        completed_on__isnull=True,
        purpose=Concat(Value("step:"), OuterRef("state")),
    ).values("due_on")[:1]
    return Subquery(running)


def plan_list_drafts(*, user: Any) -> QuerySet[Plan]:
    """The user's own drafts, those returned to them first."""
    drafts: QuerySet[Plan] = _with_relations(
        Plan.objects.filter(author_id=user.pk, state=PlanState.DRAFT)
    ).order_by(F("returned_from").desc(), "-updated_at", "-pk")
    return drafts


def consultation_list_awaiting(*, reach: PlanReach) -> QuerySet[Consultation]:
    """Consultations the user's agencies still have to answer, soonest due first."""
    scope = reach.scopes[ANSWER_ACTION]
    return (
        Consultation.objects.filter(scope.q("agency"), status=ConsultationStatus.PENDING)
        .select_related("plan", "agency", "deadline", "plan__issuing_agency")
        .order_by("deadline__due_on", "pk")
    )


def dispatch_list_for_units(*, reach: PlanReach) -> QuerySet[Dispatch]:
    """Plans dispatched to the user's units, those not acknowledged first."""
    return (
        Dispatch.objects.filter(unit_id__in=sorted(reach.unit_ids))
        .select_related("plan", "plan__issuing_agency", "plan__register_entry", "unit")
        .order_by(F("acknowledged_at").desc(nulls_first=True), "-sent_on", "pk")
    )


def approval_sheet(*, plan: Plan) -> list[PlanApproval]:
    """Each review decision on the plan, in order, with who decided and on which revision."""
    return list(
        PlanApproval.objects.filter(plan=plan)
        .select_related("user", "revision")
        .order_by("decided_at", "pk")
    )
