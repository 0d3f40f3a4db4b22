"""Checking the cells of a read table: text, whole numbers, formulas, all problems collected."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from workflows.nominations.imports.problems import RowProblem, refusal
from workflows.nominations.imports.reading import Cell, Row, Table
from workflows.nominations.models import Household

#: First characters that make a spreadsheet run a text as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")

_LENGTHS: dict[str, int] = {
    name: int(getattr(Household._meta.get_field(name), "max_length", 0))
    for name in ("code", "head_name", "address")
}


class Checker:
    """Collects the problems of one table's cells, each named by row and header."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.problems: list[RowProblem] = []

    def add(self, row: int | None, field: str, problem: str, *, label: str = "") -> None:
        self.problems.append(RowProblem(row, label or self.table.headers[field], problem))

    def _usable(self, row: Row, field: str) -> Cell | None:
        cell = row.cells[field]
        if cell.formula:
            self.add(
                row.number,
                field,
                _("the cell holds the formula “%(formula)s”; type the value itself")
                % {"formula": cell.value},
            )
            return None
        if cell.error:
            self.add(
                row.number, field, _("the cell holds the error “%(value)s”") % {"value": cell.value}
            )
            return None
        return cell

    def text(self, row: Row, field: str, *, required: bool) -> str:
        """The cell as one line of NFC text; empty, too long or formula-like is a problem."""
        cell = self._usable(row, field)
        if cell is None:
            return ""
        value = cell.value
        if value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, datetime.datetime):
            text = (
                value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
            )
        else:
            text = str(value)
        text = " ".join(unicodedata.normalize("NFC", text).split())
        if not text:
            if required:
                self.add(row.number, field, _("the cell is empty"))
            return ""
        if text.startswith(FORMULA_PREFIXES):
            self.add(
                row.number,
                field,
                _(
                    "the text starts with “%(char)s”, which a spreadsheet would run as a "
                    "formula; remove that character"
                )
                % {"char": text[0]},
            )
            return ""
        limit = _LENGTHS.get(field)
        if limit is not None and len(text) > limit:
            self.add(
                row.number,
                field,
                _("%(length)s characters; at most %(limit)s are allowed")
                % {"length": len(text), "limit": limit},
            )
            return ""
        return text

    def whole(self, row: Row, field: str, *, low: int, high: int) -> int | None:
        """The cell as a whole number from ``low`` to ``high``, or a problem."""
        cell = self._usable(row, field)
        if cell is None:
            return None
        number = _whole_number(cell.value)
        if cell.blank:
            self.add(row.number, field, _("the cell is empty"))
        elif number is None:
            self.add(
                row.number,
                field,
                _("“%(value)s” is not a whole number") % {"value": str(cell.value).strip()},
            )
        elif not low <= number <= high:
            self.add(
                row.number,
                field,
                _("%(value)s is out of range: it must be from %(low)s to %(high)s")
                % {"value": number, "low": low, "high": high},
            )
        else:
            return number
        return None

    def raise_if_any(self, filename: str) -> None:
        """Refuse the file with every problem found, if there is one."""
        if self.problems:
            raise refusal(filename, self.problems)


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        digits = text.removeprefix("-")
        if digits and digits.isascii() and digits.isdigit():
            return int(text)
    return None


__all__ = ["FORMULA_PREFIXES", "Checker"]
