"""Reading an XLSX or CSV file into the rows under its header, formulas never evaluated."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from workflows.nominations.imports.problems import RowProblem, refusal, refuse

#: ``progress(done, total)``: rows of a file done so far (a background job's progress).
Progress = Callable[[int, int | None], None]

#: Rows checked between two reports of the progress.
PROGRESS_EVERY = 100

#: Largest file accepted, in bytes (a village of 5,000 households is far below it).
MAX_IMPORT_BYTES = 5 * 1024 * 1024

#: Most data rows in one file; a village or residential group has far fewer households.
MAX_IMPORT_ROWS = 5_000

#: Most bytes an XLSX may unpack to (guards against zip bombs).
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024

#: Columns read from each row; anything further right is ignored.
MAX_COLUMNS = 50

#: How far down the header row is looked for (title lines may stand above it).
HEADER_SEARCH_ROWS = 10

#: The last row an XLSX sheet can have.
XLSX_MAX_ROWS = 1_048_576

_XLSX_MAGIC = b"PK\x03\x04"

# What zipfile, zlib, the XML parsers and openpyxl raise on a damaged workbook
# (ElementTree's ParseError and lxml's XMLSyntaxError are SyntaxErrors).
_DAMAGED_XLSX = (
    zipfile.BadZipFile,
    NotImplementedError,  # a zip version or compression method zipfile cannot read
    zlib.error,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    OSError,
    SyntaxError,
)


@dataclass(frozen=True)
class Column:
    """A column the import reads: its field, the header printed in messages, its aliases."""

    field: str
    label: str
    aliases: tuple[str, ...]
    required: bool = True


class Cell(NamedTuple):
    """One cell as read: its value, or a formula or an error the file holds instead."""

    value: Any
    formula: bool = False
    error: bool = False

    @property
    def blank(self) -> bool:
        if self.formula or self.error:
            return False
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True)
class Row:
    """A data row: its number in the sheet and its cells by field."""

    number: int
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Table:
    """The data rows under the header, and each field's header as the file writes it."""

    headers: dict[str, str]  # field -> the header as written in the file
    rows: list[Row]


def _fold(text: str) -> str:
    """A header compared loosely: no accents, case or extra spaces (“MA HO” is “Mã hộ”)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("_", " ").split()).strip(" :*")


def _kind(filename: str, data: bytes) -> str:
    """The kind of file, "xlsx" or "csv": from its name, checked against its content."""
    if not data:
        raise refuse(_("“%(file)s” is empty.") % {"file": filename})
    if len(data) > MAX_IMPORT_BYTES:
        raise refuse(
            _(
                "“%(file)s” is %(size)s MB; at most %(limit)s MB can be imported at once. "
                "Split the list into several files."
            )
            % {
                "file": filename,
                "size": round(len(data) / 1024 / 1024, 1),
                "limit": MAX_IMPORT_BYTES // 1024 // 1024,
            }
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        if not data.startswith(_XLSX_MAGIC):
            raise refuse(
                _("“%(file)s” is not a valid XLSX workbook. Open it in Excel and save it again.")
                % {"file": filename}
            )
        return "xlsx"
    if extension == "csv":
        if data.startswith(_XLSX_MAGIC):
            raise refuse(
                _("“%(file)s” is an Excel workbook, not CSV text: name it “.xlsx”.")
                % {"file": filename}
            )
        return "csv"
    if extension == "xls":
        raise refuse(
            _(
                "“%(file)s” is in the old Excel format. Save it as “Excel Workbook (*.xlsx)” "
                "or “CSV UTF-8 (Comma delimited) (*.csv)”."
            )
            % {"file": filename}
        )
    raise refuse(_("“%(file)s”: only .xlsx and .csv files can be imported.") % {"file": filename})


def _xlsx_cell(cell: Any) -> Cell:
    kind = getattr(cell, "data_type", "n")
    return Cell(cell.value, formula=kind == "f", error=kind == "e")


def _xlsx_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[Cell]]]:
    """The non-blank rows of the first worksheet, formulas as written (never evaluated)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise refuse(
            _("“%(file)s” unpacks to more than %(limit)s MB; split the list into several files.")
            % {"file": filename, "limit": MAX_XLSX_UNPACKED_BYTES // 1024 // 1024}
        )
    # data_only=False: a formula cell comes back as its formula (data_type "f"), so it can
    # be refused; its cached result is never taken for data.
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if not workbook.worksheets:
            raise refuse(_("“%(file)s” has no worksheet.") % {"file": filename})
        sheet = workbook.worksheets[0]
        # the stored dimension may be wrong; read every row that is really there
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_row=XLSX_MAX_ROWS, max_col=MAX_COLUMNS)
        for number, row in enumerate(rows, start=1):
            cells = [_xlsx_cell(cell) for cell in row]
            if not all(cell.blank for cell in cells):
                yield number, cells
    finally:
        workbook.close()


def _csv_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[Cell]]]:
    """The non-blank records of a UTF-8 CSV (with or without BOM); “,”, “;” or tab."""
    try:
        if b"\x00" in data:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"), len(data), "NUL")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(
            _(
                "“%(file)s” is not UTF-8 text (unreadable byte at position %(position)s). In "
                "Excel, use “Save As” and choose “CSV UTF-8 (Comma delimited) (*.csv)”."
            )
            % {"file": filename, "position": exc.start}
        ) from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, record in enumerate(reader, start=1):
        cells = [Cell(value) for value in record[:MAX_COLUMNS]]
        if not all(cell.blank for cell in cells):
            yield number, cells


def _header_text(cell: Cell) -> str:
    return "" if cell.value is None else " ".join(str(cell.value).split())


def _table(
    raw: Iterator[tuple[int, list[Cell]]], columns: tuple[Column, ...], filename: str
) -> Table:
    """Find the header row, map its columns, and collect the data rows under it."""
    by_alias = {_fold(alias): column for column in columns for alias in column.aliases}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    header_row = 0
    problems: list[RowProblem] = []
    for seen, (number, cells) in enumerate(raw, start=1):
        found = [(i, by_alias.get(_fold(_header_text(c)))) for i, c in enumerate(cells)]
        if any(column is not None for _i, column in found):
            header_row = number
            problems = _map_header(number, cells, found, positions, headers)
            break
        if seen >= HEADER_SEARCH_ROWS:
            break
    if not header_row:
        problems = [
            RowProblem(
                None,
                column.label,
                _("no column has this header in the first %(count)s rows")
                % {"count": HEADER_SEARCH_ROWS},
            )
            for column in columns
            if column.required
        ]
    else:
        problems.extend(
            RowProblem(header_row, column.label, _("the column is missing"))
            for column in columns
            if column.required and column.field not in positions
        )
    if problems:
        raise refusal(filename, problems)
    rows: list[Row] = []
    for number, cells in raw:
        row = {field: cells[i] if i < len(cells) else Cell(None) for field, i in positions.items()}
        if all(cell.blank for cell in row.values()):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise refuse(
                _(
                    "“%(file)s” has more than %(limit)s rows; at most %(limit)s can be imported "
                    "at once. Split the list into several files."
                )
                % {"file": filename, "limit": MAX_IMPORT_ROWS}
            )
        rows.append(Row(number, row))
    if not rows:
        raise refuse(_("“%(file)s” has no rows under its header.") % {"file": filename})
    return Table(headers, rows)


def _map_header(
    number: int,
    cells: list[Cell],
    found: list[tuple[int, Column | None]],
    positions: dict[str, int],
    headers: dict[str, str],
) -> list[RowProblem]:
    problems: list[RowProblem] = []
    for i, column in found:
        if column is None:
            continue
        if column.field in positions:
            problems.append(
                RowProblem(
                    number,
                    _header_text(cells[i]),
                    _("a second column for “%(label)s”; keep only one") % {"label": column.label},
                )
            )
            continue
        positions[column.field] = i
        headers[column.field] = _header_text(cells[i])
    return problems


def file_check(data: bytes, filename: str) -> None:
    """Refuse at once a file that is empty, too large, or not an XLSX or CSV (rows unread)."""
    _kind(filename, data)


def read_table(data: bytes, filename: str, columns: tuple[Column, ...]) -> Table:
    """The rows of an XLSX or CSV file under its header, or the refusal of the file."""
    if _kind(filename, data) == "csv":
        try:
            return _table(_csv_rows(data, filename), columns, filename)
        except csv.Error as exc:
            raise refuse(
                _("“%(file)s” could not be read as CSV: %(error)s")
                % {"file": filename, "error": exc}
            ) from exc
    try:
        return _table(_xlsx_rows(data, filename), columns, filename)
    except _DAMAGED_XLSX as exc:
        raise refuse(
            _(
                "“%(file)s” could not be read as an XLSX workbook. Open it in Excel and save "
                "it again."
            )
            % {"file": filename}
        ) from exc


def file_sha256(data: bytes) -> str:
    """The file's SHA-256, as the audit records it."""
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "HEADER_SEARCH_ROWS",
    "MAX_COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_XLSX_UNPACKED_BYTES",
    "PROGRESS_EVERY",
    "XLSX_MAX_ROWS",
    "Cell",
    "Column",
    "Progress",
    "Row",
    "Table",
    "file_check",
    "file_sha256",
    "read_table",
]
