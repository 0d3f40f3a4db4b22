"""Cross-inspections, the members' and the bloc's scores, and the year's ranking."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.hashing import sha256_hex
from approvals.audit.services import EventSpec, audit_record, audit_record_many
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit, Position
from approvals.organisation.resolver import Authority, decide, require
from approvals.transitions import transition_perform
from workflows.emulation.exceptions import ScoreAboveMaximum, ScoresIncomplete, SelfScoringRefused
from workflows.emulation.models import (
    BlocYear,
    BlocYearState,
    Criterion,
    Inspection,
    Membership,
    Score,
    ScoreColumn,
)
from workflows.emulation.services.guards import (
    INSPECT,
    MANAGE,
    SCORE_BLOC,
    SCORE_SELF,
    _decimal,
    _in_state,
    _locked,
    _member,
    _today,
)


@transaction.atomic
def inspection_record(
    *,
    bloc_year: BlocYear,
    user: Any,
    inspecting: OrgUnit,
    inspected: OrgUnit,
    held_on: datetime.date,
    findings: str,
    recommendations: str = "",
) -> Inspection:
    """One member's cross-inspection of another while the covenant is in effect.

    ``held_on`` is the day of the inspection, entered from its minutes within a meeting's
    grace (``act_dates.meeting_grace``); a refused day changes nothing."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.IN_EFFECT)
    _member(locked, inspecting)
    _member(locked, inspected)
    if inspecting.pk == inspected.pk:
        raise ValidationFailed(_("A member cannot cross-inspect itself."))
    held_on = act_date_check(ActKind.MEETING, held_on, unit=inspecting)
    authority = require(user, INSPECT, locked, unit=inspecting, at=held_on)
    if not findings.strip():
        raise ValidationFailed(_("The findings of the inspection are empty."))
    if Inspection.objects.filter(bloc_year=locked, inspected=inspected).exists():
        raise ValidationFailed(
            _("%(unit)s has already been cross-inspected this year.") % {"unit": inspected.name}
        )
    inspection: Inspection = Inspection.objects.create(
        bloc_year=locked,
        inspecting=inspecting,
        inspected=inspected,
        held_on=held_on,
        findings=findings.strip(),
        recommendations=recommendations.strip(),
        recorded_by=user,
    )
    audit_record(
        actor=user,
        action=INSPECT,
        subject=inspection,
        authority=authority,
        content_hash=sha256_hex(f"{inspection.findings}\n{inspection.recommendations}".encode()),
        payload={"inspected": inspected.pk, "inspecting": inspecting.pk},
    )
    return inspection


@transaction.atomic
def scoring_open(*, bloc_year: BlocYear, user: Any) -> BlocYear:
    """Year end: the members score themselves and the bloc scores them."""
    locked = _locked(bloc_year)
    transition_perform(obj=locked, transition="open_scoring", user=user, action=MANAGE)
    return locked


def _bloc_authority(bloc_year: BlocYear, user: Any, unit: OrgUnit) -> Authority:
    """The right to score for the bloc: a head of the leader or deputy unit, never of ``unit``."""
    decision = decide(user, SCORE_BLOC, bloc_year, unit=bloc_year.leader)
    if not decision:
        deputy = decide(user, SCORE_BLOC, bloc_year, unit=bloc_year.deputy)
        if deputy:
            decision = deputy
    authority = decision.raise_if_refused()
    own = Position.objects.active_on(_today()).filter(
        user_id=user.pk, unit__path__startswith=unit.path
    )
    scoring_unit = authority.position.unit if authority.position is not None else None
    if (scoring_unit is not None and scoring_unit.pk == unit.pk) or own.exists():
        raise SelfScoringRefused(
            _(
                "%(unit)s cannot score itself in the bloc's column; the other of the leader and "
                "deputy units scores it."
            )
            % {"unit": unit.name}
        )
    return authority


@transaction.atomic
def scores_record(
    *,
    bloc_year: BlocYear,
    user: Any,
    unit: OrgUnit,
    column: str,
    points: Mapping[Criterion, Any],
) -> list[Score]:
    """Points for ``unit`` on some criteria in one column; all checked before any is kept."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.SCORING)
    _member(locked, unit)
    if column == ScoreColumn.SELF:
        action = SCORE_SELF
        authority = require(user, SCORE_SELF, locked, unit=unit)
    elif column == ScoreColumn.BLOC:
        action = SCORE_BLOC
        authority = _bloc_authority(locked, user, unit)
    else:
        raise ValidationFailed(_("Unknown score column “%(column)s”.") % {"column": column})
    if not points:
        raise ValidationFailed(_("No points were given."))
    criteria = {c.pk: c for c in locked.criteria.all()}
    values: dict[int, Decimal] = {}
    for criterion, value in points.items():
        if criterion.pk not in criteria:
            raise ValidationFailed(
                _("“%(criterion)s” is not a criterion of this bloc's scoring table.")
                % {"criterion": criterion.name}
            )
        number = _decimal(value, what=criterion.name)
        maximum = criteria[criterion.pk].max_points
        if number < 0:
            raise ValidationFailed(
                _("The points for “%(criterion)s” cannot be negative.")
                % {"criterion": criterion.name}
            )
        if number > maximum:
            raise ScoreAboveMaximum(
                _("%(points)s points for “%(criterion)s” is above its maximum of %(maximum)s.")
                % {"points": number, "criterion": criterion.name, "maximum": maximum}
            )
        values[criterion.pk] = number
    saved: list[Score] = []
    for criterion_id, number in values.items():
        score, _created = Score.objects.update_or_create(
            bloc_year=locked,
            unit=unit,
            criterion_id=criterion_id,
            column=column,
            defaults={"points": number, "scored_by": user},
        )
        saved.append(score)
    audit_record_many(
        events=[
            EventSpec(
                actor=user,
                action=action,
                subject=s,
                authority=authority,
                payload={"column": column, "unit": unit.pk, "points": str(s.points)},
            )
            for s in saved
        ]
    )
    return saved


@transaction.atomic
def ranking_compute(*, bloc_year: BlocYear, user: Any) -> list[Membership]:
    """Totals per member in both columns and the rank by the bloc's total (ties share a rank)."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.SCORING)
    authority = require(user, MANAGE, locked)
    criteria = list(locked.criteria.values_list("pk", flat=True))
    memberships = list(locked.memberships.select_related("unit").order_by("unit__path"))
    totals: dict[tuple[int, str], Decimal] = {}
    counts: dict[tuple[int, str], int] = {}
    for unit_id, column, points in Score.objects.filter(bloc_year=locked).values_list(
        "unit_id", "column", "points"
    ):
        totals[(unit_id, column)] = totals.get((unit_id, column), Decimal(0)) + points
        counts[(unit_id, column)] = counts.get((unit_id, column), 0) + 1
    missing = [
        f"{m.unit.name} ({ScoreColumn(column).label})"
        for m in memberships
        for column in ScoreColumn.values
        if counts.get((m.unit_id, column), 0) < len(criteria)
    ]
    if missing:
        raise ScoresIncomplete(
            _("The ranking needs every criterion scored; still missing: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
    for m in memberships:
        m.self_total = totals[(m.unit_id, ScoreColumn.SELF)]
        m.bloc_total = totals[(m.unit_id, ScoreColumn.BLOC)]
    ordered = sorted(memberships, key=lambda m: (-(m.bloc_total or 0), m.unit.name))
    previous: Decimal | None = None
    rank = 0
    for index, m in enumerate(ordered, start=1):
        if m.bloc_total != previous:
            rank = index
            previous = m.bloc_total
        m.rank = rank
    Membership.objects.bulk_update(ordered, ["self_total", "bloc_total", "rank"])
    transition_perform(
        obj=locked,
        transition="rank",
        user=user,
        action=MANAGE,
        authority=authority,
        payload={
            "ranking": [[m.unit_id, m.rank, str(m.bloc_total), str(m.self_total)] for m in ordered]
        },
    )
    return ordered
