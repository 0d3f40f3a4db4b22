"""A search's hits as an XLSX workbook: plain text (no highlighting), one row per hit, at most
``SEARCH_EXPORT_MAX_ROWS`` rows, the cap stated above the table when it cut the list."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from html import unescape
from typing import Any

from django.utils import formats
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from workflows.nominations.exports import FORMULA_PREFIXES
from workflows.search.hits import Hit

#: Hits read from the database at a time while the workbook is written.
CHUNK = 500


def _cell(value: Any) -> Any:
    """Texts a spreadsheet would run as a formula are kept as text (leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(text: str) -> str:
    """The text of a highlighted fragment, without its ``<mark>`` and entities."""
    return unescape(strip_tags(text))


def headers() -> list[str]:
    return [
        _("Kind"),
        _("Number and symbol"),
        _("Subject"),
        _("Unit"),
        _("State"),
        _("Date"),
        _("Link"),
    ]


def search_xlsx(
    hits: Iterable[Hit], *, query: str, total: int, cap: int, base_url: str, exact: bool = True
) -> bytes:
    """The workbook: the query and the count on top ("more than" ``total`` unless
    ``exact``), then the table of hits (links made absolute with ``base_url``)."""
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("Search")[:31]
    sheet.append([_("Search"), _cell(query)])
    sheet.append([_("Hits"), total if exact else _("more than %(count)d") % {"count": total}])
    if total > cap or not exact:
        sheet.append(
            [
                _("Only the first %(cap)d of %(total)d hits are listed.")
                % {"cap": cap, "total": total}
            ]
        )
    sheet.append([])
    sheet.append(headers())
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for hit in hits:
        sheet.append(
            [
                _cell(value)
                for value in (
                    hit.kind_label,
                    hit.symbol or hit.label,
                    _plain(hit.subject),
                    hit.unit,
                    hit.state,
                    formats.date_format(hit.dated, "SHORT_DATE_FORMAT") if hit.dated else "",
                    base_url + hit.url if hit.url else "",
                )
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def search_file_name(day: datetime.date) -> str:
    """The workbook's file name: the search and its day."""
    return f"tra-cuu-{day:%Y%m%d}.xlsx"


__all__ = ["CHUNK", "headers", "search_file_name", "search_xlsx"]
