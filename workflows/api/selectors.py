"""What a user may see through the API: objects of the units they hold a position in.

A user's scope is a set of materialised-path prefixes (one query): the unit of every
position held today, and for a department office (which acts for its department) the unit
above. For nominations a position at a steering committee also covers the administration
the committee serves, as the nominations dashboard reads it
(:func:`workflows.nominations.selectors.reach_paths`). Every list and every object the API
shows is filtered by it; anything else answers 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When

from approvals.audit.models import AuditEvent
from approvals.organisation.models import OrgUnit, Position, UnitKind
from approvals.registers.models import Register, RegisterEntry
from workflows.nominations.models import Candidate, Dossier
from workflows.nominations.selectors import SERVES_PARENT, overdue_on
from workflows.plans.models import Consultation, Dispatch, Plan, ReportDue

#: Positions at these units act for the unit above (the office for its department).
ACTS_FOR_PARENT: tuple[str, ...] = (UnitKind.DEPARTMENT_OFFICE,)
#: For nominations, the steering committee also follows the administration it serves.
NOMINATIONS_ACT_FOR_PARENT: tuple[str, ...] = (*ACTS_FOR_PARENT, *SERVES_PARENT)


def scope_paths(
    *, user: Any, day: datetime.date, acts_for_parent: tuple[str, ...] = ACTS_FOR_PARENT
) -> list[str]:
    """Path prefixes of the subtrees ``user`` may read on ``day`` (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = (
        Position.objects.active_on(day)
        .filter(user=user, unit__valid_from__lte=day)
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=day))
        .values_list("unit__path", "unit__kind", "unit__parent__path", "unit__predecessors__path")
    )
    found = {
        parent if kind in acts_for_parent and parent else path for path, kind, parent, _ in rows
    }
    # the records of the units a unit replaced in a reorganisation are its archive
    paths = sorted(found | {replaced for *_rest, replaced in rows if replaced})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def _under(field: str, paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def unit_list_visible(*, paths: list[str]) -> QuerySet[OrgUnit]:
    """Units inside the scope."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition).order_by("path")


def position_list_visible(*, paths: list[str]) -> QuerySet[Position]:
    """Positions held at units inside the scope."""
    return (
        Position.objects.filter(_under("unit", paths))
        .select_related("user", "unit", "role")
        .order_by("unit__path", "pk")
    )


def plan_list_visible(*, paths: list[str]) -> QuerySet[Plan]:
    """Plans drafted or issued inside the scope, or dispatched to or consulting a unit in it."""
    dispatched = Dispatch.objects.filter(_under("unit", paths), plan=OuterRef("pk"))
    consulted = Consultation.objects.filter(_under("agency", paths), plan=OuterRef("pk"))
    visible: QuerySet[Plan] = (
        Plan.objects.filter(
            _under("drafting_unit", paths)
            | _under("issuing_agency", paths)
            | Exists(dispatched)
            | Exists(consulted)
        )
        .select_related("issuing_agency", "drafting_unit", "kind", "author", "register_entry")
        .order_by("-created_at", "-pk")
    )
    return visible


def plan_overdue_q(day: datetime.date) -> Q:
    """Plans in force with a report whose deadline has passed and that is not in."""
    late = ReportDue.objects.outstanding_on(day).filter(plan=OuterRef("pk"))
    return Q(Exists(late))


def dispatch_list_visible(*, paths: list[str]) -> QuerySet[Dispatch]:
    """Dispatches to units inside the scope."""
    return (
        Dispatch.objects.filter(_under("unit", paths))
        .select_related("unit", "plan", "plan__register_entry")
        .order_by("-sent_on", "-pk")
    )


def consultation_list_visible(*, paths: list[str]) -> QuerySet[Consultation]:
    """Consultations addressed to agencies inside the scope, soonest due first."""
    return (
        Consultation.objects.filter(_under("agency", paths))
        .select_related("agency", "deadline", "revision", "plan")
        .order_by("deadline__due_on", "pk")
    )


def report_list_visible(*, paths: list[str]) -> QuerySet[ReportDue]:
    """Reports owed by or sent to units inside the scope."""
    return (
        ReportDue.objects.filter(_under("unit", paths) | _under("recipient", paths))
        .select_related("unit", "recipient", "plan")
        .order_by("due_on", "pk")
    )


def dossier_list_visible(*, paths: list[str], day: datetime.date) -> QuerySet[Dossier]:
    """Dossiers proposed or decided inside the scope, each with ``overdue`` on ``day``."""
    visible: QuerySet[Dossier] = (
        Dossier.objects.filter(_under("proposing_unit", paths) | _under("deciding_unit", paths))
        .select_related(
            "proposing_unit",
            "deciding_unit",
            "register_entry",
            "posting_deadline",
            "decision_deadline",
            "paper_decision__recorded_by",
        )
        .prefetch_related("meetings")  # one query for the page's meetings
        .annotate(
            overdue=Case(
                When(overdue_on(day), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-year", "title", "pk")
    )
    return visible


def candidate_list_visible(*, paths: list[str]) -> QuerySet[Candidate]:
    """Candidates of dossiers inside the scope."""
    visible: QuerySet[Candidate] = (
        Candidate.objects.filter(
            _under("dossier__proposing_unit", paths) | _under("dossier__deciding_unit", paths)
        )
        .select_related("dossier", "household", "unit", "person")
        .order_by("pk")
    )
    return visible


def register_list_visible(*, paths: list[str]) -> QuerySet[Register]:
    """Registers kept by agencies inside the scope."""
    return (
        Register.objects.filter(_under("agency", paths))
        .select_related("agency")
        .order_by("-year", "agency__path", "pk")
    )


def entry_list(*, register: Register) -> QuerySet[RegisterEntry]:
    """The entries of one register, voided ones included, in number order."""
    return (
        RegisterEntry.objects.filter(register=register)
        .select_related("kind", "drafting_unit")
        .order_by("number")
    )


def audit_trail(*, subject_type: str, subject_id: Any) -> QuerySet[AuditEvent]:
    """The events of one object, in chain order."""
    return AuditEvent.objects.for_subject(subject_type, str(subject_id)).order_by("index")
