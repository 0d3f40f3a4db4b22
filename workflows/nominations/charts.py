"""The dashboard's charts: each one's series (for ``project/static/site/charts.js``) and the
table that carries the same numbers for screen readers and for reading without a script.

The share by area comes from :func:`~workflows.nominations.selectors.recognition_share`
(already read for the dashboard's share tables), the trend and the steps from
:mod:`workflows.nominations.chart_selectors`; every target comes from the regulations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import localize
from django.utils.translation import gettext as _

from approvals.organisation.models import OrgUnit
from workflows.nominations.chart_selectors import (
    TrendPoint,
    dossier_totals_by_step,
    recognition_trend,
    targets_by_year,
)
from workflows.nominations.choices import Title
from workflows.nominations.selectors import RecognitionShare

#: How many years the trend shows, the chosen year last.
TREND_YEARS = 5


@dataclass(frozen=True)
class Series:
    """One dataset of a chart: ``role`` says how it is drawn ("value", "target", "late")."""

    label: str
    data: list[float | None]
    role: str = "value"


@dataclass(frozen=True)
class ChartSpec:
    """A chart: what ``charts.js`` draws, and the rows of the table beside it."""

    key: str
    kind: str  # "bar" or "line"
    title: str
    labels: list[str]
    series: list[Series]
    percent: bool
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        """The id of the ``json_script`` element carrying :meth:`payload`."""
        return f"chart-data-{self.key}"

    def payload(self) -> dict[str, Any]:
        """The chart as plain JSON values (read by ``charts.js``)."""
        return {
            "type": self.kind,
            "title": self.title,
            "labels": self.labels,
            "percent": self.percent,
            "datasets": [{"label": s.label, "data": s.data, "role": s.role} for s in self.series],
        }


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _text(value: Decimal | int | None) -> str:
    return "—" if value is None else str(localize(value))


def share_chart(share: RecognitionShare, *, registered: bool) -> ChartSpec:
    """Bars of the share per area (per commune under a province), the target as a line.

    Its table is the dashboard's share table (the same rows, read from the same share).
    """
    title = str(Title(share.title).label)
    label = _("Share registered") if registered else _("Share recognised")
    series = [Series(label, [_number(row.share) for row in share.rows])]
    if share.target is not None:
        target = float(share.target)
        series.append(Series(_("Target"), [target for _row in share.rows], "target"))
    prefix = "registered-" if registered else "share-"
    return ChartSpec(
        key=f"{prefix}{share.title}",
        kind="bar",
        title=title,
        labels=[row.unit.name for row in share.rows],
        series=series,
        percent=True,
    )


def trend_chart(*, unit: OrgUnit, year: int, titles: Iterable[str]) -> ChartSpec:
    """Each title's overall share under ``unit`` over the :data:`TREND_YEARS` years ending in
    ``year``, each with its target of that year (a dashed line)."""
    years = list(range(year - TREND_YEARS + 1, year + 1))
    titles = list(titles)
    targets = targets_by_year(unit=unit, years=years, titles=titles)
    series: list[Series] = []
    headers = [_("Year")]
    points: list[list[TrendPoint]] = []
    for title in titles:
        name = str(Title(title).label)
        trend = recognition_trend(unit=unit, years=years, title=title, targets=targets)
        points.append(trend)
        series.append(Series(name, [_number(p.share) for p in trend]))
        if any(p.target is not None for p in trend):
            series.append(
                Series(
                    _("Target: %(title)s") % {"title": name},
                    [_number(p.target) for p in trend],
                    "target",
                )
            )
        headers += [
            _("%(title)s: recognised / total") % {"title": name},
            _("%(title)s: share (%%)") % {"title": name},
            _("%(title)s: target (%%)") % {"title": name},
        ]
    rows = [
        [
            str(y),
            *(
                cell
                for trend in points
                for cell in (
                    f"{trend[n].recognised} / {trend[n].total}",
                    _text(trend[n].share),
                    _text(trend[n].target),
                )
            ),
        ]
        for n, y in enumerate(years)
    ]
    return ChartSpec(
        key="trend",
        kind="line",
        title=_("Recognition over the years under %(unit)s") % {"unit": unit.name},
        labels=[str(y) for y in years],
        series=series,
        percent=True,
        headers=headers,
        rows=rows,
    )


def steps_chart(*, user: Any, day: datetime.date, unit: OrgUnit) -> ChartSpec:
    """Undecided dossiers under ``unit`` per step, those on time and those late stacked."""
    totals = dossier_totals_by_step(user=user, day=day, unit=unit)
    return ChartSpec(
        key="steps",
        kind="bar",
        title=_("Pending dossiers by step under %(unit)s") % {"unit": unit.name},
        labels=[t.state_label for t in totals],
        series=[
            Series(_("On time"), [float(t.count - t.overdue) for t in totals]),
            Series(_("Overdue"), [float(t.overdue) for t in totals], "late"),
        ],
        percent=False,
        headers=[_("Step"), _("Dossiers"), _("Overdue")],
        rows=[[t.state_label, str(t.count), str(t.overdue)] for t in totals],
    )


@dataclass(frozen=True)
class BoardCharts:
    """The charts of one dashboard: shares (in the order of its share tables), trend, steps."""

    shares: list[ChartSpec]
    trend: ChartSpec
    steps: ChartSpec


def board_charts(
    *,
    user: Any,
    day: datetime.date,
    unit: OrgUnit,
    year: int,
    shares: list[tuple[RecognitionShare, bool]],
    titles: Iterable[str],
) -> BoardCharts:
    """The charts of ``user``'s dashboard for ``unit`` (inside their reach) in ``year``.

    ``shares`` are the dashboard's shares, each with whether it counts registrations.
    """
    return BoardCharts(
        shares=[share_chart(share, registered=registered) for share, registered in shares],
        trend=trend_chart(unit=unit, year=year, titles=titles),
        steps=steps_chart(user=user, day=day, unit=unit),
    )


__all__ = [
    "TREND_YEARS",
    "BoardCharts",
    "ChartSpec",
    "Series",
    "board_charts",
    "share_chart",
    "steps_chart",
    "trend_chart",
]
