"""The secretary's dashboard as an XLSX workbook (one sheet per panel of the page)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from workflows.nominations.exports import FORMULA_PREFIXES
from workflows.nominations.models import Title

if TYPE_CHECKING:
    from workflows.nominations.dashboard import Dashboard


def _cell(value: Any) -> Any:
    """Texts a spreadsheet would run as a formula are kept as text (leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _day(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _sheet(workbook: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])


#: The workbook's sheets (the progress of an export counts them).
SHEETS = 4


def dashboard_xlsx(
    board: Dashboard, progress: Callable[[int, int | None], None] | None = None
) -> bytes:
    """Pending dossiers (overdue first), counts by step and level, shares, late reports;
    ``progress(done, total)`` is told each sheet written."""

    def done(sheets: int) -> None:
        if progress is not None:
            progress(sheets, SHEETS)

    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        _("Pending dossiers"),
        [
            _("Title"),
            _("Year"),
            _("Proposing unit"),
            _("Deciding unit"),
            _("State"),
            _("Due on"),
            _("Overdue"),
        ],
        [
            [
                d.get_title_display(),
                d.year,
                d.proposing_unit.name,
                d.deciding_unit.name,
                d.get_state_display(),
                _day(d.due_on),
                _("yes") if d.overdue else _("no"),
            ]
            for d in board.pending.iterator(chunk_size=2000)
        ],
    )
    done(1)
    _sheet(
        workbook,
        _("By step"),
        [_("Title"), _("Step"), _("Deciding level"), _("Dossiers"), _("Overdue")],
        [[c.title_label, c.state_label, c.level_label, c.count, c.overdue] for c in board.counts],
    )
    done(2)
    share_rows: list[list[Any]] = []
    for chart in board.charts:
        label = str(Title(chart.share.title).label)
        kind = _("registered") if chart.registered else _("recognised")
        for row in [*chart.share.rows, chart.share.overall]:
            share_rows.append(
                [
                    label,
                    kind,
                    row.unit.name,
                    row.total,
                    row.recognised,
                    float(row.share) if row.share is not None else None,
                    float(row.target) if row.target is not None else None,
                ]
            )
    _sheet(
        workbook,
        _("Shares"),
        [_("Title"), _("Counted"), _("Area"), _("Total"), _("Count"), _("Share %"), _("Target %")],
        share_rows,
    )
    done(3)
    _sheet(
        workbook,
        _("Late reports"),
        [_("Plan"), _("Reporting unit"), _("Period"), _("Due on")],
        [[str(r.plan), r.unit.name, r.get_period_display(), _day(r.due_on)] for r in board.reports],
    )
    out = io.BytesIO()
    workbook.save(out)
    done(SHEETS)
    return out.getvalue()


def dashboard_file_name(board: Dashboard) -> str:
    """The workbook's file name: the dashboard and its day."""
    return f"bang-dieu-khien-{board.day:%Y%m%d}.xlsx"


__all__ = ["SHEETS", "dashboard_file_name", "dashboard_xlsx"]
