"""Reads of a bloc's year: who has signed, the ranking, and the covenant targets checked
against the recognitions actually recorded in the nominations process.

Each selector runs a fixed number of queries whatever the number of members or divisions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from approvals.organisation.models import OrgUnit, Position, UnitKind, valid_on
from workflows.emulation.models import (
    BlocYear,
    CovenantSignature,
    CovenantTarget,
    Membership,
    TargetKind,
)
from workflows.nominations.models import Candidate, CandidateState

#: The units whose titles a "divisions" target counts: a department's divisions and office.
DIVISION_KINDS = (UnitKind.DIVISION, UnitKind.DEPARTMENT_OFFICE)


def bloc_years_for(user: Any, *, on: datetime.date) -> QuerySet[BlocYear]:
    """Bloc years in which the user works at a member unit (or under one) on ``on``."""
    paths = list(
        Position.objects.active_on(on).filter(user_id=user.pk).values_list("unit__path", flat=True)
    )
    years: QuerySet[BlocYear] = BlocYear.objects.all()
    if not paths:
        return years.none()
    units = OrgUnit.objects.filter(
        pk__in=[int(part) for path in paths for part in path.strip("/").split("/") if part]
    )
    return (
        years.filter(memberships__unit__in=units)
        .select_related("bloc", "leader", "deputy")
        .distinct()
    )


@dataclass(frozen=True)
class SigningStatus:
    """Who has signed the covenant, who has not, and the deadline."""

    signed: list[CovenantSignature]
    unsigned: list[OrgUnit]
    due_on: datetime.date | None


def signing_status(bloc_year: BlocYear) -> SigningStatus:
    """The covenant's signatures (with capacity) and the members still to sign."""
    signed = list(
        CovenantSignature.objects.filter(bloc_year=bloc_year)
        .select_related("unit", "signature", "signature__signer")
        .order_by("signed_on", "pk")
    )
    done = {s.unit_id for s in signed}
    unsigned = [
        m.unit
        for m in Membership.objects.filter(bloc_year=bloc_year)
        .select_related("unit")
        .order_by("unit__path")
        if m.unit_id not in done
    ]
    deadline = bloc_year.signature_deadline
    return SigningStatus(signed, unsigned, deadline.due_on if deadline else None)


def ranking(bloc_year: BlocYear) -> list[Membership]:
    """Members by rank (unranked last), with both totals."""
    return list(
        Membership.objects.filter(bloc_year=bloc_year)
        .select_related("unit")
        .order_by("rank", "unit__name")
    )


@dataclass(frozen=True)
class TargetResult:
    """One member against one share target: how many hold the title, of how many."""

    target: CovenantTarget
    unit: OrgUnit
    held: int
    total: int

    @property
    def share(self) -> Decimal:
        """Percentage holding the title (0 when there is nobody to count)."""
        return Decimal(self.held) * 100 / Decimal(self.total) if self.total else Decimal(0)

    @property
    def met(self) -> bool:
        """Whether the member reached the target share."""
        return bool(self.total) and self.share >= (self.target.target_percent or Decimal(0))


def _under_any(units: list[OrgUnit], field: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": u.path}) for u in units), Q(pk__in=[]))


def _owner(path: str, members: list[OrgUnit]) -> OrgUnit | None:
    for unit in members:
        if path.startswith(unit.path):
            return unit
    return None


def target_results(bloc_year: BlocYear) -> list[TargetResult]:
    """Every share target checked for every member against recorded recognitions.

    Divisions and staff are counted as they stand on 31 December of the bloc's year; a
    recognition counts when its candidate is recorded as recognised for that year.
    """
    year_end = datetime.date(bloc_year.year, 12, 31)
    members = [
        m.unit for m in Membership.objects.filter(bloc_year=bloc_year).select_related("unit")
    ]
    targets = list(bloc_year.targets.exclude(kind=TargetKind.STATEMENT).order_by("position"))
    if not members or not targets:
        return []
    results: list[TargetResult] = []
    divisions: dict[int, set[int]] | None = None
    staff: dict[int, set[int]] | None = None
    for target in targets:
        if target.kind == TargetKind.DIVISION_TITLE_SHARE:
            if divisions is None:
                divisions = {u.pk: set() for u in members}
                for pk, path in (
                    OrgUnit.objects.filter(valid_on(year_end), kind__in=DIVISION_KINDS)
                    .filter(_under_any(members, "path"))
                    .values_list("pk", "path")
                ):
                    owner = _owner(path, members)
                    if owner is not None:
                        divisions[owner.pk].add(pk)
            counted = divisions
            everyone = set().union(*counted.values())
            holders = set(
                Candidate.objects.filter(
                    title=target.title,
                    year=bloc_year.year,
                    state=CandidateState.RECOGNISED,
                    unit_id__in=everyone,
                ).values_list("unit_id", flat=True)
            )
        else:
            if staff is None:
                staff = {u.pk: set() for u in members}
                for user_id, path in (
                    Position.objects.active_on(year_end)
                    .filter(_under_any(members, "unit__path"))
                    .values_list("user_id", "unit__path")
                ):
                    owner = _owner(path, members)
                    if owner is not None:
                        staff[owner.pk].add(user_id)
            counted = staff
            everyone = set().union(*counted.values())
            holders = set(
                Candidate.objects.filter(
                    title=target.title,
                    year=bloc_year.year,
                    state=CandidateState.RECOGNISED,
                    person_id__in=everyone,
                ).values_list("person_id", flat=True)
            )
        for unit in members:
            ids = counted[unit.pk]
            results.append(TargetResult(target, unit, len(ids & holders), len(ids)))
    return results


__all__ = [
    "SigningStatus",
    "TargetResult",
    "bloc_years_for",
    "ranking",
    "signing_status",
    "target_results",
]
