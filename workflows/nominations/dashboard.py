"""The secretary's dashboard data (dossiers, counts, shares, late reports, the year's cycle)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ActionNotPermitted
from approvals.organisation.models import OrgUnit
from workflows.nominations.chart_selectors import unit_in_reach
from workflows.nominations.charts import BoardCharts, ChartSpec, board_charts
from workflows.nominations.choices import Title
from workflows.nominations.cycle import Cycle, cycle_calendar
from workflows.nominations.forms import DashboardForm
from workflows.nominations.selectors import (
    RecognitionShare,
    ShareRow,
    dossier_counts_by_step,
    dossier_list_pending,
    position_unit_ids,
    reach_units,
    recognition_share,
    registration_rate,
)
from workflows.plans.selectors import report_list_outstanding

#: Titles whose shares the dashboard charts (households, then villages).
SHARE_TITLES = (Title.CULTURAL_FAMILY, Title.CULTURAL_VILLAGE)


@dataclass(frozen=True)
class Bar:
    """One row of a share chart, with the CSS widths as plain numbers."""

    row: ShareRow
    width: str
    target_left: str


@dataclass(frozen=True)
class Chart:
    """A share (or registration rate) with its bars."""

    share: RecognitionShare
    bars: list[Bar]
    overall: Bar
    registered: bool

    @property
    def title_label(self) -> str:
        """The title, in the active language."""
        return str(Title(self.share.title).label)


def _css(value: Decimal | None) -> str:
    if value is None:
        return "0"
    return f"{min(max(value, Decimal(0)), Decimal(100)):.2f}"


def _chart(share: RecognitionShare, *, registered: bool) -> Chart:
    def bar(row: ShareRow) -> Bar:
        return Bar(row, _css(row.share), _css(share.target) if share.target is not None else "")

    return Chart(share, [bar(r) for r in share.rows], bar(share.overall), registered)


@dataclass
class Dashboard:
    """What the dashboard shows for a user, a unit and a year."""

    units: list[OrgUnit]
    unit: OrgUnit | None
    year: int
    day: datetime.date
    pending: Any
    counts: list[Any]
    charts: list[Chart]
    reports: list[Any]
    cycles: list[Cycle]
    #: The drawn charts (Chart.js) of ``unit``: shares, trend, pending per step.
    figures: BoardCharts | None = None

    @property
    def share_figures(self) -> list[tuple[Chart, ChartSpec | None]]:
        """Each share with its drawn chart (None when nothing is drawn)."""
        specs = self.figures.shares if self.figures is not None else []
        return [
            (chart, specs[n] if n < len(specs) else None) for n, chart in enumerate(self.charts)
        ]


class UnitOutOfReach(ActionNotPermitted):
    """The dashboard was asked for a unit the user does not oversee (the page answers 404)."""

    code = "unit_out_of_reach"
    default_message = _("This unit is outside your reach.")


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers, read from its filters (``?unit=&year=``)."""

    units: list[OrgUnit]
    unit: OrgUnit | None
    year: int
    form: DashboardForm


def dashboard_scope(*, user: Any, day: datetime.date, filters: Mapping[str, Any] | None) -> Scope:
    """The user's units, the unit and year the filters choose (a top unit of the reach, or
    one under it: a commune's page), and the bound filter form; :class:`UnitOutOfReach` for
    a unit the user does not oversee."""
    units = reach_units(user=user, day=day)
    form = DashboardForm(filters or None, units=units)
    year = day.year
    unit = units[0] if units else None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        chosen = form.cleaned_data["unit"]
        if chosen is not None:
            unit = next((u for u in units if u.pk == chosen), None) or unit_in_reach(
                user=user, day=day, pk=chosen
            )
            if unit is None:
                raise UnitOutOfReach()
            if unit not in units:
                form.fields["unit"].widget.choices.append((unit.pk, unit.name))
    return Scope(units, unit, year, form)


def dashboard_for(*, user: Any, day: datetime.date, scope: Scope) -> Dashboard:
    """The dashboard of ``user`` on ``day`` over ``scope`` (see :func:`dashboard_scope`)."""
    return dashboard_get(user=user, day=day, units=scope.units, unit=scope.unit, year=scope.year)


def dashboard_get(
    *, user: Any, day: datetime.date, units: list[OrgUnit], unit: OrgUnit | None, year: int
) -> Dashboard:
    """The dashboard of ``user`` on ``day``: ``unit`` (one of their ``units``) in ``year``.

    Pending dossiers and their counts cover everything the user oversees; the share charts,
    the drawn charts and the late reports cover ``unit`` (none without a unit).
    """
    pending = dossier_list_pending(user=user, day=day)
    counts = dossier_counts_by_step(user=user, day=day)
    charts: list[Chart] = []
    reports: list[Any] = []
    cycles: list[Cycle] = []
    figures = None
    if unit is not None:
        cycles = cycle_calendar(unit=unit, year=year, day=day)
        for title in SHARE_TITLES:
            charts.append(
                _chart(recognition_share(unit=unit, year=year, title=title), registered=False)
            )
        charts.append(
            _chart(
                registration_rate(unit=unit, year=year, title=Title.CULTURAL_FAMILY),
                registered=True,
            )
        )
        recipients = {unit.pk, *position_unit_ids(user=user, day=day)}
        for recipient in OrgUnit.objects.filter(pk__in=recipients).order_by("path"):
            reports.extend(report_list_outstanding(recipient=recipient, day=day))
        figures = board_charts(
            user=user,
            day=day,
            unit=unit,
            year=year,
            shares=[(chart.share, chart.registered) for chart in charts],
            titles=SHARE_TITLES,
        )
    return Dashboard(units, unit, year, day, pending, counts, charts, reports, cycles, figures)


__all__ = [
    "SHARE_TITLES",
    "Bar",
    "Chart",
    "Dashboard",
    "Scope",
    "UnitOutOfReach",
    "dashboard_for",
    "dashboard_get",
    "dashboard_scope",
]
