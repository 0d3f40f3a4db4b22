"""Reads of nominations for committee secretaries and culture officers (the dashboard).

Every selector runs a fixed number of queries whatever the number of dossiers,
households or units: a user's reach is a set of materialised-path prefixes (no tree
walk) and counts are aggregates computed by the database (``Count`` with ``filter``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.utils.translation import gettext as _

from approvals.audit.models import AuditEvent
from approvals.exceptions import RegulationNotFound, ValidationFailed
from approvals.organisation.memo import remembered
from approvals.organisation.models import Action, OrgUnit, Position, UnitKind
from approvals.regulations.services import rules_in_force
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Dossier,
    DossierState,
    Household,
    HouseholdTally,
    RecognitionTally,
    Title,
)
from workflows.nominations.titles import SPECS

if TYPE_CHECKING:
    from approvals.regulations.models import Rule

#: The regulation holding the movement's targets (QĐ 2214/QĐ-TTg).
TARGETS = "movement_targets"

#: A position at one of these units oversees the administration the unit serves (its
#: parent): the provincial steering committee's secretary follows the whole province.
SERVES_PARENT = (UnitKind.STEERING_COMMITTEE,)

#: Units shown as rows of a share even before anything under them is counted.
AREA_KINDS = (
    UnitKind.DISTRICT,
    UnitKind.COMMUNE,
    UnitKind.VILLAGE,
    UnitKind.RESIDENTIAL_GROUP,
)

_STEP_ORDER = {state: n for n, state in enumerate(DossierState.values)}


# --- reach -----------------------------------------------------------------------------------


def _active_unit(day: datetime.date, prefix: str = "unit__") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def reach_paths(*, user: Any, day: datetime.date) -> list[str]:
    """Path prefixes of the subtrees ``user`` oversees on ``day`` (one query, none again
    within a request: :mod:`approvals.organisation.memo`).

    A position held on ``day`` at a unit then in existence covers the unit and everything
    under it, and the units it replaced in a reorganisation (their records are its archive);
    a position at a steering committee covers the committee's parent.
    """
    return list(remembered(("nominations.reach_paths", user.pk, day), lambda: _paths(user, day)))


def _paths(user: Any, day: datetime.date) -> tuple[str, ...]:
    rows = (
        Position.objects.active_on(day)
        .filter(_active_unit(day), user=user)
        .values_list("unit__path", "unit__kind", "unit__parent__path", "unit__predecessors__path")
    )
    found = {parent if kind in SERVES_PARENT and parent else path for path, kind, parent, _ in rows}
    # a unit's reach takes in the records of the units it replaced in a reorganisation
    paths = sorted(found | {replaced for *_rest, replaced in rows if replaced})
    # Drop a subtree already inside another one (paths sort parents first).
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return tuple(kept)


def _within(paths: list[str]) -> Q:
    """Dossiers proposed or decided by a unit inside one of the subtrees."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(proposing_unit__path__startswith=path)
        condition |= Q(deciding_unit__path__startswith=path)
    return condition


# --- pending dossiers --------------------------------------------------------------------------


def overdue_on(day: datetime.date) -> Q:
    """Dossiers late on ``day``.

    The decision's time limit ran out (its clock running: not paused for a supplement,
    not completed), or the posting period ended while the dossier is still posted.
    """
    decision_late = Q(
        decision_deadline__isnull=False,
        decision_deadline__completed_on__isnull=True,
        decision_deadline__paused_on__isnull=True,
        decision_deadline__due_on__lt=day,
    )
    posting_late = Q(
        state=DossierState.POSTING,
        posting_deadline__isnull=False,
        posting_deadline__completed_on__isnull=True,
        posting_deadline__due_on__lt=day,
    )
    return decision_late | posting_late


def _pending(user: Any, day: datetime.date) -> QuerySet[Dossier]:
    paths = reach_paths(user=user, day=day)
    pending: QuerySet[Dossier] = (
        Dossier.objects.filter(_within(paths)).exclude(state=DossierState.DECIDED)
        if paths
        else Dossier.objects.none()
    )
    return pending


def dossier_list_pending(*, user: Any, day: datetime.date) -> QuerySet[Dossier]:
    """Undecided dossiers in the units ``user`` oversees on ``day``, overdue ones first.

    Each carries ``overdue`` (see :func:`overdue_on`) and ``due_on`` (the posting's end
    while posted, else the decision's time limit). Two queries: the reach, then the list.
    """
    due = Case(
        When(state=DossierState.POSTING, then=F("posting_deadline__due_on")),
        default=F("decision_deadline__due_on"),
    )
    pending: QuerySet[Dossier] = (
        _pending(user, day)
        .select_related("proposing_unit", "deciding_unit", "posting_deadline", "decision_deadline")
        .annotate(
            overdue=Case(
                When(overdue_on(day), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            due_on=due,
        )
        .order_by(F("overdue").desc(), F("due_on").asc(nulls_last=True), "pk")
    )
    return pending


@dataclass(frozen=True)
class StepCount:
    """How many undecided dossiers of a title wait at a step, per deciding level."""

    title: str
    state: str
    level: str
    count: int
    overdue: int

    @property
    def title_label(self) -> str:
        """The title, in the active language."""
        return str(Title(self.title).label)

    @property
    def state_label(self) -> str:
        """The step, in the active language."""
        return str(DossierState(self.state).label)

    @property
    def level_label(self) -> str:
        """The deciding level, in the active language."""
        return str(UnitKind(self.level).label)


def dossier_counts_by_step(*, user: Any, day: datetime.date) -> list[StepCount]:
    """Undecided dossiers ``user`` oversees, counted per title, step and deciding level.

    Two queries (the reach, one aggregate); rows come in title and step order.
    """
    rows = (
        _pending(user, day)
        .order_by()
        .values("title", "state", "deciding_unit__kind")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=overdue_on(day)))
    )
    counts = [
        StepCount(
            title=row["title"],
            state=row["state"],
            level=row["deciding_unit__kind"],
            count=row["count"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    counts.sort(key=lambda c: (c.title, _STEP_ORDER.get(c.state, 99), c.level))
    return counts


# --- recognition against the target -------------------------------------------------------------


def share_of(recognised: int, total: int) -> Decimal | None:
    """``recognised`` as a percentage of ``total`` (two decimals); None when ``total`` is 0."""
    return (Decimal(recognised) * 100 / Decimal(total)).quantize(Decimal("0.01")) if total else None


@dataclass(frozen=True)
class ShareRow:
    """Households (or units) of one area, and how many hold the title in the year."""

    unit: OrgUnit
    total: int
    recognised: int
    target: Decimal | None

    @property
    def share(self) -> Decimal | None:
        """Percentage recognised (two decimals), or None when there is nothing to count."""
        return share_of(self.recognised, self.total)

    @property
    def met(self) -> bool | None:
        """Whether the share reaches the target (None without a target or a total)."""
        share = self.share
        if share is None or self.target is None:
            return None
        return share >= self.target


@dataclass(frozen=True)
class RecognitionShare:
    """The share of a title in a year under a unit, per child area, against the target."""

    unit: OrgUnit
    year: int
    title: str
    target: Decimal | None
    target_rule: Rule | None
    rows: list[ShareRow]
    overall: ShareRow


def _area_key(path_field: str, root: OrgUnit) -> Any:
    """The path of the child of ``root`` that the row's ``path_field`` lies in (or root's).

    ``/1/5/12/40/`` under root ``/1/5/`` gives ``/1/5/12/``; root's own path gives itself.
    """
    offset = len(root.path)
    rest = Substr(path_field, offset + 1)
    return Substr(path_field, 1, Value(offset) + StrIndex(rest, Value("/")))


def _members(
    title: str, root: OrgUnit, day: datetime.date, *, registered: bool = False
) -> QuerySet[Any]:
    """Who is counted: households living under ``root``, or candidate units of the title.

    ``held`` is whether the member holds the title that year, or with ``registered`` whether
    it is a candidate at all that year (the registration rate). The shares count units
    this way; households they read from the tallies (:func:`_tallied`), which give the
    same numbers as this count (tests/nominations/test_tallies.py compares them).
    """
    spec = SPECS[title]
    # Members under ``root`` are candidates in root's province: name it (one partition).
    recognised = Candidate.objects.filter(title=title, year=day.year, province_id=root.root_id)
    if not registered:
        recognised = recognised.filter(state=CandidateState.RECOGNISED)
    if spec.candidate == "household":
        return Household.objects.filter(village__path__startswith=root.path).annotate(
            area=_area_key("village__path", root),
            held=Exists(recognised.filter(household_id=OuterRef("pk"))),
        )
    return (
        OrgUnit.objects.active_on(day)
        .filter(path__startswith=root.path, kind__in=spec.candidate_kinds)
        .annotate(
            area=_area_key("path", root),
            held=Exists(recognised.filter(unit_id=OuterRef("pk"))),
        )
    )


def _tallied(
    title: str, root: OrgUnit, year: int, *, registered: bool
) -> dict[str, tuple[int, int]]:
    """Households under ``root`` and those counted, per child area, from the tallies.

    The same numbers as :func:`_members` over the households (one query over a row per
    village, whatever the number of households or candidates): the database keeps the
    tallies (migration 0008). Candidates count in root's province, as there.
    """
    # One lookup of the tally's key per village: a plan that does not hang on the
    # tallies' statistics (a join could nest a scan of a year's rows in every village).
    held = Subquery(
        RecognitionTally.objects.filter(
            title=title, year=year, village_id=OuterRef("village_id"), province_id=root.root_id
        ).values("registered" if registered else "recognised")[:1]
    )
    rows = (
        HouseholdTally.objects.filter(village__path__startswith=root.path, households__gt=0)
        .annotate(area=_area_key("village__path", root), counted=Coalesce(held, 0))
        .order_by()
        .values("area")
        .annotate(total=Sum("households"), held=Sum("counted"))
    )
    return {row["area"]: (row["total"], row["held"] or 0) for row in rows}


def _target(title: str, root: OrgUnit, day: datetime.date) -> Rule | None:
    try:
        rules = rules_in_force(TARGETS, on=day, unit=root)
    except RegulationNotFound:
        return None
    return rules.rules.get(f"{SPECS[title].prefix}.target_share_percent")


def registration_rate(*, unit: OrgUnit, year: int, title: str) -> RecognitionShare:
    """Households (or units) under ``unit`` registered as candidates for ``title`` in ``year``.

    The same rows as :func:`recognition_share`, counting registrations instead of titles
    ("recognised" then reads "registered"); the target is left out.
    """
    return _share(unit=unit, year=year, title=title, registered=True)


def recognition_share(*, unit: OrgUnit, year: int, title: str) -> RecognitionShare:
    """Households (or villages, communes, agencies) under ``unit`` holding ``title`` in ``year``.

    One row per child area of ``unit`` (per commune under a province, per village under a
    commune; the unit itself when it has no children), with the total, the number
    recognised (revoked titles do not count), the share and the target of the movement's
    rules in force for ``unit`` at the year's end. Four queries: one aggregate (over the
    tallies per village for households), the areas, and the rules (two).
    """
    return _share(unit=unit, year=year, title=title, registered=False)


def _share(*, unit: OrgUnit, year: int, title: str, registered: bool) -> RecognitionShare:
    if title not in SPECS:
        raise ValidationFailed(_("Unknown title “%(title)s”.") % {"title": title})
    if SPECS[title].candidate == "person":
        raise ValidationFailed(_("Shares are counted for households and units, not people."))
    day = datetime.date(year, 12, 31)
    counted = (
        _tallied(title, unit, year, registered=registered)
        if SPECS[title].candidate == "household"
        else {
            row["area"]: (row["total"], row["recognised"])
            for row in _members(title, unit, day, registered=registered)
            .order_by()
            .values("area")
            .annotate(total=Count("pk"), recognised=Count("pk", filter=Q(held=True)))
        }
    )
    areas = OrgUnit.objects.filter(
        Q(path__in=list(counted))
        | (Q(parent=unit, kind__in=AREA_KINDS) & _active_unit(day, prefix=""))
    ).order_by("name", "pk")
    rule = None if registered else _target(title, unit, day)
    target = Decimal(str(rule.value)) if rule is not None else None
    rows = [
        ShareRow(
            unit=area,
            total=counted.get(area.path, (0, 0))[0],
            recognised=counted.get(area.path, (0, 0))[1],
            target=target,
        )
        for area in areas
    ]
    overall = ShareRow(
        unit=unit,
        total=sum(total for total, _held in counted.values()),
        recognised=sum(held for _total, held in counted.values()),
        target=target,
    )
    return RecognitionShare(
        unit=unit,
        year=year,
        title=title,
        target=target,
        target_rule=rule,
        rows=rows,
        overall=overall,
    )


# --- pages: the dossier list and one dossier ---------------------------------------------------


def candidate_count() -> Coalesce:
    """Each dossier's number of candidates, as a subquery: counted for the rows of the page
    only, where a join and GROUP BY would sort every candidate of every dossier in reach."""
    counted = (
        Candidate.objects.filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def dossier_list_for(
    *,
    user: Any,
    day: datetime.date,
    title: str = "",
    state: str = "",
    year: int | None = None,
) -> QuerySet[Dossier]:
    """Dossiers proposed or decided inside the units ``user`` oversees on ``day``, filtered.

    Two queries (the reach, the list), each row with ``candidate_count``; newest year first.
    """
    paths = reach_paths(user=user, day=day)
    dossiers: QuerySet[Dossier] = (
        Dossier.objects.filter(_within(paths)) if paths else Dossier.objects.none()
    )
    if title:
        dossiers = dossiers.filter(title=title)
    if state:
        dossiers = dossiers.filter(state=state)
    if year is not None:
        dossiers = dossiers.filter(year=year)
    listed: QuerySet[Dossier] = (
        dossiers.select_related(
            "proposing_unit", "deciding_unit", "posting_deadline", "decision_deadline"
        )
        .annotate(
            candidate_count=candidate_count(),
            overdue=Case(
                When(overdue_on(day), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-year", "title", "proposing_unit__name", "pk")
    )
    return listed


def dossier_get_for(*, user: Any, pk: int, day: datetime.date) -> Dossier | None:
    """One dossier ``user`` may see on ``day`` (inside their reach), or None."""
    paths = reach_paths(user=user, day=day)
    if not paths:
        return None
    dossier: Dossier | None = (
        Dossier.objects.filter(_within(paths), pk=pk)
        .select_related(
            "proposing_unit",
            "deciding_unit",
            "posting_deadline",
            "decision_deadline",
            "register_entry",
            "signature",
            "signature__signer",
            "created_by",
        )
        .first()
    )
    return dossier


def dossier_candidates(dossier: Dossier) -> QuerySet[Candidate]:
    """The dossier's candidates with what names them, in household, unit and person order."""
    candidates: QuerySet[Candidate] = (
        Candidate.objects.of_dossier(dossier)
        .select_related("household", "household__village", "unit", "person")
        .order_by("household__code", "unit__name", "person__username", "pk")
    )
    return candidates


def dossier_candidate_counts(dossier: Dossier) -> dict[str, int]:
    """How many of the dossier's candidates are in each state (one query)."""
    rows = (
        Candidate.objects.of_dossier(dossier).order_by().values("state").annotate(count=Count("pk"))
    )
    return {row["state"]: row["count"] for row in rows}


def dossier_history(dossier: Dossier) -> QuerySet[AuditEvent]:
    """The audit trail of the dossier itself (its candidates' events are not repeated)."""
    events: QuerySet[AuditEvent] = AuditEvent.objects.for_subject(
        "nominations.dossier", str(dossier.pk)
    )
    return events


def candidate_for(*, dossier: Dossier, pk: Any, states: tuple[str, ...] = ()) -> Candidate | None:
    """A candidate of ``dossier`` (optionally in one of ``states``), or None."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    candidates = (
        Candidate.objects.of_dossier(dossier)
        .filter(pk=key)
        .select_related("dossier", "household", "unit", "person")
    )
    if states:
        candidates = candidates.filter(state__in=states)
    candidate: Candidate | None = candidates.first()
    return candidate


def households_unregistered(dossier: Dossier) -> QuerySet[Household]:
    """Households living under the proposing unit not yet candidates for the title that year."""
    taken = Candidate.objects.filter(
        title=dossier.title, year=dossier.year, household_id=OuterRef("pk")
    )
    households: QuerySet[Household] = (
        Household.objects.filter(village__path__startswith=dossier.proposing_unit.path)
        .exclude(Exists(taken))
        .order_by("village__path", "code")
    )
    return households


def units_unregistered(dossier: Dossier, day: datetime.date) -> QuerySet[OrgUnit]:
    """Units of the title's candidate kinds under the proposing unit, not yet candidates."""
    taken = Candidate.objects.filter(title=dossier.title, year=dossier.year, unit_id=OuterRef("pk"))
    units: QuerySet[OrgUnit] = (
        OrgUnit.objects.active_on(day)
        .filter(
            path__startswith=dossier.proposing_unit.path,
            kind__in=SPECS[dossier.title].candidate_kinds,
        )
        .exclude(pk=dossier.proposing_unit.pk)
        .exclude(Exists(taken))
        .order_by("path")
    )
    return units


def proposing_units_for(*, user: Any, day: datetime.date) -> list[OrgUnit]:
    """Units where ``user`` holds a position on ``day`` and which may propose some title."""
    kinds = {kind for spec in SPECS.values() for kind in spec.proposing_kinds}
    positions = (
        Position.objects.active_on(day)
        .filter(_active_unit(day), user=user, unit__kind__in=kinds)
        .select_related("unit")
        .order_by("unit__name", "unit_id")
    )
    return list({p.unit_id: p.unit for p in positions}.values())


def position_unit_ids(*, user: Any, day: datetime.date) -> list[int]:
    """The units where ``user`` holds a position on ``day`` (one query)."""
    return list(
        Position.objects.active_on(day)
        .filter(user=user)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        .distinct()
    )


def action_names(codes: set[str], *, english: bool = False) -> dict[str, str]:
    """The engine's names of the given action codes (one query)."""
    return {
        a.code: (a.name_en if english and a.name_en else a.name)
        for a in Action.objects.filter(code__in=codes)
    }


def household_list_for(*, user: Any, day: datetime.date) -> QuerySet[Household]:
    """Households of the villages inside the units ``user`` oversees on ``day`` (the reach
    of the dossiers they may open)."""
    condition = Q(pk__in=[])
    for path in reach_paths(user=user, day=day):
        condition |= Q(village__path__startswith=path)
    return Household.objects.filter(condition)


def household_get_for(*, user: Any, pk: int, day: datetime.date) -> Household | None:
    """One household ``user`` may see on ``day`` (its village inside their reach), or None."""
    household: Household | None = (
        household_list_for(user=user, day=day)
        .filter(pk=pk)
        .select_related("village", "village__parent")
        .first()
    )
    return household


def household_candidacies(
    *, user: Any, household: Household, day: datetime.date
) -> list[tuple[Candidate, bool]]:
    """The household's candidacies, newest year first, each with whether ``user`` may open
    its dossier."""
    candidates = list(
        Candidate.objects.filter(household=household)
        .select_related("dossier", "dossier__proposing_unit")
        .order_by("-year", "title", "pk")
    )
    paths = reach_paths(user=user, day=day)
    visible = (
        set(
            Dossier.objects.filter(
                _within(paths), pk__in=[c.dossier_id for c in candidates]
            ).values_list("pk", flat=True)
        )
        if paths and candidates
        else set()
    )
    return [(candidate, candidate.dossier_id in visible) for candidate in candidates]


def reach_units(*, user: Any, day: datetime.date) -> list[OrgUnit]:
    """The top units of the subtrees ``user`` oversees on ``day`` (two queries)."""
    paths = reach_paths(user=user, day=day)
    return list(OrgUnit.objects.filter(path__in=paths).order_by("path"))


__all__ = [
    "RecognitionShare",
    "ShareRow",
    "StepCount",
    "action_names",
    "candidate_for",
    "dossier_candidate_counts",
    "dossier_candidates",
    "dossier_counts_by_step",
    "dossier_get_for",
    "dossier_history",
    "dossier_list_for",
    "dossier_list_pending",
    "household_candidacies",
    "household_get_for",
    "household_list_for",
    "households_unregistered",
    "overdue_on",
    "position_unit_ids",
    "proposing_units_for",
    "reach_paths",
    "reach_units",
    "recognition_share",
    "registration_rate",
    "units_unregistered",
]
