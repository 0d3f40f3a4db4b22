"""Reads behind the dashboard's charts: a unit in the user's reach, pending dossiers per
step under one unit, and a title's recognition over several years.

Like :mod:`workflows.nominations.selectors`, every read runs a fixed number of queries
whatever the number of communes, villages, households or dossiers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from approvals.exceptions import RegulationNotFound, ValidationFailed
from approvals.organisation.models import OrgUnit, valid_on
from approvals.regulations.services import rules_in_force
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Dossier,
    DossierState,
    HouseholdTally,
    RecognitionTally,
)
from workflows.nominations.selectors import TARGETS, overdue_on, reach_paths, share_of
from workflows.nominations.titles import SPECS


def unit_in_reach(*, user: Any, day: datetime.date, pk: int) -> OrgUnit | None:
    """The unit ``pk`` when it lies inside a subtree ``user`` oversees on ``day`` (two queries).

    None for a unit outside the reach, or one that does not exist: the caller answers 404
    for both alike.
    """
    paths = reach_paths(user=user, day=day)
    if not paths:
        return None
    inside = Q(pk__in=[])
    for path in paths:
        inside |= Q(path__startswith=path)
    return OrgUnit.objects.filter(inside, pk=pk).first()


@dataclass(frozen=True)
class StepTotal:
    """Undecided dossiers at one step under a unit, and how many of them are late."""

    state: str
    count: int
    overdue: int

    @property
    def state_label(self) -> str:
        """The step, in the active language."""
        return str(DossierState(self.state).label)


def dossier_totals_by_step(*, user: Any, day: datetime.date, unit: OrgUnit) -> list[StepTotal]:
    """Undecided dossiers proposed or decided under ``unit`` and inside ``user``'s reach,
    counted per step (every title together), in the order of the steps (two queries).

    A unit outside the reach counts nothing.
    """
    paths = [
        # the narrower of the unit's subtree and each reach subtree, when they meet
        max(path, unit.path, key=len)
        for path in reach_paths(user=user, day=day)
        if unit.path.startswith(path) or path.startswith(unit.path)
    ]
    if not paths:
        return []
    inside = Q(pk__in=[])
    for path in paths:
        inside |= Q(proposing_unit__path__startswith=path)
        inside |= Q(deciding_unit__path__startswith=path)
    rows = {
        row["state"]: row
        for row in Dossier.objects.filter(inside)
        .exclude(state=DossierState.DECIDED)
        .order_by()
        .values("state")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=overdue_on(day)))
    }
    return [
        StepTotal(state=state, count=rows[state]["count"], overdue=rows[state]["overdue"])
        for state in DossierState.values
        if state in rows
    ]


@dataclass(frozen=True)
class TrendPoint:
    """A title's recognition under a unit in one year, against that year's target."""

    year: int
    total: int
    recognised: int
    target: Decimal | None

    @property
    def share(self) -> Decimal | None:
        """Percentage recognised (two decimals), or None when there is nothing to count."""
        return share_of(self.recognised, self.total)


#: Each title's target per year: ``{title: {year: percent or None}}``.
Targets = dict[str, dict[int, Decimal | None]]


def targets_by_year(*, unit: OrgUnit, years: list[int], titles: list[str]) -> Targets:
    """Each title's target in the movement's rules in force for ``unit`` at the end of each
    year (two queries a year, for all the titles: the rules may change between years)."""
    found: Targets = {title: {} for title in titles}
    for year in years:
        try:
            rules = rules_in_force(TARGETS, on=datetime.date(year, 12, 31), unit=unit).rules
        except RegulationNotFound:
            rules = {}
        for title in titles:
            rule = rules.get(f"{SPECS[title].prefix}.target_share_percent")
            found[title][year] = Decimal(str(rule.value)) if rule is not None else None
    return found


def recognition_trend(
    *, unit: OrgUnit, years: list[int], title: str, targets: Targets | None = None
) -> list[TrendPoint]:
    """``title`` under ``unit`` in each of ``years``: members, those recognised (revoked
    titles do not count) and the target of the movement's rules at each year's end.

    Households are counted from the tallies (today's households, in the village they live
    in now, as the share of :func:`~workflows.nominations.selectors.recognition_share`);
    units are those existing at each year's end. Two queries, plus two per year for the
    targets unless ``targets`` (of :func:`targets_by_year`) are given: the count does not
    depend on how many communes or households lie under ``unit``.
    """
    if title not in SPECS:
        raise ValidationFailed(_("Unknown title “%(title)s”.") % {"title": title})
    spec = SPECS[title]
    if spec.candidate == "person":
        raise ValidationFailed(_("Shares are counted for households and units, not people."))
    if spec.candidate == "household":
        held = dict(
            RecognitionTally.objects.filter(
                title=title,
                year__in=years,
                village__path__startswith=unit.path,
                province_id=unit.root_id,
            )
            .order_by()
            .values_list("year")
            .annotate(held=Sum("recognised"))
        )
        households = HouseholdTally.objects.filter(village__path__startswith=unit.path).aggregate(
            total=Sum("households")
        )["total"]
        totals = dict.fromkeys(years, households or 0)
    else:
        held = dict(
            Candidate.objects.filter(
                title=title,
                year__in=years,
                state=CandidateState.RECOGNISED,
                province_id=unit.root_id,
                unit__path__startswith=unit.path,
            )
            .order_by()
            .values_list("year")
            .annotate(held=Count("pk"))
        )
        members = OrgUnit.objects.filter(path__startswith=unit.path, kind__in=spec.candidate_kinds)
        counts = members.aggregate(
            **{
                f"y{year}": Count("pk", filter=valid_on(datetime.date(year, 12, 31)))
                for year in years
            }
        )
        totals = {year: counts[f"y{year}"] or 0 for year in years}
    if targets is None or title not in targets:
        targets = targets_by_year(unit=unit, years=years, titles=[title])
    return [
        TrendPoint(
            year=year,
            total=totals[year],
            recognised=held.get(year) or 0,
            target=targets[title].get(year),
        )
        for year in years
    ]


__all__ = [
    "StepTotal",
    "Targets",
    "TrendPoint",
    "dossier_totals_by_step",
    "recognition_trend",
    "targets_by_year",
    "unit_in_reach",
]
