"""The secretary's dashboard data (dossiers, counts, shares, late reports, the year's cycle)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from approvals.organisation.models import OrgUnit
from workflows.nominations.charts import BoardCharts, ChartSpec, board_charts
from workflows.nominations.choices import Title
from workflows.nominations.cycle import Cycle, cycle_calendar
from workflows.nominations.selectors import (
    RecognitionShare,
    ShareRow,
    dossier_counts_by_step,
    dossier_list_pending,
    position_unit_ids,
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


__all__ = ["SHARE_TITLES", "Bar", "Chart", "Dashboard", "dashboard_get"]
