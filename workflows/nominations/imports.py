"""Import a village's household list and a review meeting's votes from XLSX or CSV.

The whole file is read and every row checked before anything is written. A file with bad
rows is refused whole: ``ValidationFailed.params["rows"]`` lists every problem as
``(row, column, problem)``, the row numbered as the spreadsheet shows it and the column
named by its header in the file. Formulas are never evaluated: a formula cell, or a text
that a spreadsheet would run as one (“=”, “+”, “-”, “@” first), is refused.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import openpyxl
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils.exceptions import InvalidFileException

from approvals.audit.services import audit_record
from approvals.exceptions import ConcurrentUpdate, InvalidTransition, ValidationFailed
from approvals.organisation.models import UnitKind
from approvals.organisation.resolver import require
from workflows.nominations import services
from workflows.nominations.models import Candidate, Dossier, Household
from workflows.nominations.titles import SPECS

if TYPE_CHECKING:
    from approvals.organisation.models import OrgUnit
    from workflows.nominations.models import Meeting

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
#: Problems written out in the message; ``params["rows"]`` always holds all of them.
MESSAGE_ROWS = 50
#: First characters that make a spreadsheet run a text as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")
#: The last row an XLSX sheet can have.
XLSX_MAX_ROWS = 1_048_576

IMPORT_HOUSEHOLDS = "nominations.import_households"
IMPORT_VOTES = "nominations.import_votes"

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
_HOUSEHOLD_KINDS = (UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP)


class RowProblem(NamedTuple):
    """One bad cell or row: ``row`` as the sheet numbers it (None: not in the file)."""

    row: int | None
    column: str
    problem: str


@dataclass(frozen=True)
class ImportResult:
    """The households written by one import, and the file they came from."""

    households: list[Household]
    filename: str
    sha256: str

    @property
    def count(self) -> int:
        """How many households were imported."""
        return len(self.households)


@dataclass(frozen=True)
class Column:
    """A column the import reads: its field, the header printed in messages, its aliases."""

    field: str
    label: str
    aliases: tuple[str, ...]
    required: bool = True


HOUSEHOLD_COLUMNS = (
    Column("code", "Mã hộ", ("Mã hộ", "Mã hộ gia đình", "code", "household code")),
    Column("head_name", "Chủ hộ", ("Chủ hộ", "Họ tên chủ hộ", "head_name", "head of household")),
    Column("address", "Địa chỉ", ("Địa chỉ", "address"), required=False),
    Column(
        "member_count",
        "Số nhân khẩu",
        ("Số nhân khẩu", "Số khẩu", "member_count", "members"),
        required=False,
    ),
)
VOTE_COLUMNS = (
    Column("code", "Mã hộ", ("Mã hộ", "Mã hộ gia đình", "code", "household code")),
    Column(
        "votes_for",
        "Số phiếu đồng ý",
        ("Số phiếu đồng ý", "Phiếu đồng ý", "votes_for", "votes for", "votes"),
    ),
)

_LENGTHS: dict[str, int] = {
    name: int(getattr(Household._meta.get_field(name), "max_length", 0))
    for name in ("code", "head_name", "address")
}
#: PositiveSmallIntegerField holds up to this on every database Django supports.
_MAX_MEMBERS = 32_767
#: PositiveIntegerField's bound; the number present is the real limit.
_MAX_VOTES = 2_147_483_647


class _Cell(NamedTuple):
    value: Any
    formula: bool = False
    error: bool = False

    @property
    def blank(self) -> bool:
        if self.formula or self.error:
            return False
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True)
class _Row:
    number: int
    cells: dict[str, _Cell]


@dataclass(frozen=True)
class _Table:
    headers: dict[str, str]  # field -> the header as written in the file
    rows: list[_Row]


# --- reading a file into rows ----------------------------------------------------------------


def _fold(text: str) -> str:
    """A header compared loosely: no accents, case or extra spaces (“MA HO” is “Mã hộ”)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("_", " ").split()).strip(" :*")


def _refuse(message: str, **params: Any) -> ValidationFailed:
    return ValidationFailed(message, rows=[], **params)


def _kind(filename: str, data: bytes) -> str:
    """The kind of file, "xlsx" or "csv": from its name, checked against its content."""
    if not data:
        raise _refuse(_("“%(file)s” is empty.") % {"file": filename})
    if len(data) > MAX_IMPORT_BYTES:
        raise _refuse(
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
            raise _refuse(
                _("“%(file)s” is not a valid XLSX workbook. Open it in Excel and save it again.")
                % {"file": filename}
            )
        return "xlsx"
    if extension == "csv":
        if data.startswith(_XLSX_MAGIC):
            raise _refuse(
                _("“%(file)s” is an Excel workbook, not CSV text: name it “.xlsx”.")
                % {"file": filename}
            )
        return "csv"
    if extension == "xls":
        raise _refuse(
            _(
                "“%(file)s” is in the old Excel format. Save it as “Excel Workbook (*.xlsx)” "
                "or “CSV UTF-8 (Comma delimited) (*.csv)”."
            )
            % {"file": filename}
        )
    raise _refuse(_("“%(file)s”: only .xlsx and .csv files can be imported.") % {"file": filename})


def _xlsx_cell(cell: Any) -> _Cell:
    kind = getattr(cell, "data_type", "n")
    return _Cell(cell.value, formula=kind == "f", error=kind == "e")


def _xlsx_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[_Cell]]]:
    """The non-blank rows of the first worksheet, formulas as written (never evaluated)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _refuse(
            _("“%(file)s” unpacks to more than %(limit)s MB; split the list into several files.")
            % {"file": filename, "limit": MAX_XLSX_UNPACKED_BYTES // 1024 // 1024}
        )
    # data_only=False: a formula cell comes back as its formula (data_type "f"), so it can
    # be refused; its cached result is never taken for data.
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if not workbook.worksheets:
            raise _refuse(_("“%(file)s” has no worksheet.") % {"file": filename})
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


def _csv_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[_Cell]]]:
    """The non-blank records of a UTF-8 CSV (with or without BOM); “,”, “;” or tab."""
    try:
        if b"\x00" in data:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"), len(data), "NUL")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
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
        cells = [_Cell(value) for value in record[:MAX_COLUMNS]]
        if not all(cell.blank for cell in cells):
            yield number, cells


def _header_text(cell: _Cell) -> str:
    return "" if cell.value is None else " ".join(str(cell.value).split())


def _table(
    raw: Iterator[tuple[int, list[_Cell]]], columns: tuple[Column, ...], filename: str
) -> _Table:
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
        raise _refusal(filename, problems)
    rows: list[_Row] = []
    for number, cells in raw:
        row = {field: cells[i] if i < len(cells) else _Cell(None) for field, i in positions.items()}
        if all(cell.blank for cell in row.values()):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise _refuse(
                _(
                    "“%(file)s” has more than %(limit)s rows; at most %(limit)s can be imported "
                    "at once. Split the list into several files."
                )
                % {"file": filename, "limit": MAX_IMPORT_ROWS}
            )
        rows.append(_Row(number, row))
    if not rows:
        raise _refuse(_("“%(file)s” has no rows under its header.") % {"file": filename})
    return _Table(headers, rows)


def _map_header(
    number: int,
    cells: list[_Cell],
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


def _read(data: bytes, filename: str, columns: tuple[Column, ...]) -> _Table:
    if _kind(filename, data) == "csv":
        try:
            return _table(_csv_rows(data, filename), columns, filename)
        except csv.Error as exc:
            raise _refuse(
                _("“%(file)s” could not be read as CSV: %(error)s")
                % {"file": filename, "error": exc}
            ) from exc
    try:
        return _table(_xlsx_rows(data, filename), columns, filename)
    except _DAMAGED_XLSX as exc:
        raise _refuse(
            _(
                "“%(file)s” could not be read as an XLSX workbook. Open it in Excel and save "
                "it again."
            )
            % {"file": filename}
        ) from exc


# --- checking cells ---------------------------------------------------------------------------


def _refusal(filename: str, problems: list[RowProblem]) -> ValidationFailed:
    lines = []
    for p in problems[:MESSAGE_ROWS]:
        if p.row is None:
            lines.append(
                _("Column “%(column)s”: %(problem)s.") % {"column": p.column, "problem": p.problem}
            )
        else:
            lines.append(
                _("Row %(row)s, column “%(column)s”: %(problem)s.")
                % {"row": p.row, "column": p.column, "problem": p.problem}
            )
    if len(problems) > MESSAGE_ROWS:
        lines.append(_("… and %(count)s more problems.") % {"count": len(problems) - MESSAGE_ROWS})
    head = ngettext(
        "“%(file)s” was not imported because of %(count)s problem; nothing was written.",
        "“%(file)s” was not imported because of %(count)s problems; nothing was written.",
        len(problems),
    ) % {"file": filename, "count": len(problems)}
    return ValidationFailed(
        "\n".join([head, *lines]), rows=[RowProblem(*p) for p in problems], filename=filename
    )


class _Checker:
    """Collects the problems of one table's cells, each named by row and header."""

    def __init__(self, table: _Table) -> None:
        self.table = table
        self.problems: list[RowProblem] = []

    def add(self, row: int | None, field: str, problem: str, *, label: str = "") -> None:
        self.problems.append(RowProblem(row, label or self.table.headers[field], problem))

    def _usable(self, row: _Row, field: str) -> _Cell | None:
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

    def text(self, row: _Row, field: str, *, required: bool) -> str:
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

    def whole(self, row: _Row, field: str, *, low: int, high: int) -> int | None:
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
            raise _refusal(filename, self.problems)


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


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- households ---------------------------------------------------------------------------------


def households_import(*, village: OrgUnit, user: Any, data: bytes, filename: str) -> ImportResult:
    """Add a village's households from an XLSX or CSV list, all of them or none.

    Headers in Vietnamese or English: “Mã hộ”/code and “Chủ hộ”/head_name are required,
    “Địa chỉ”/address and “Số nhân khẩu”/member_count optional (a missing member count
    column means 1; a present one must be filled). A code already used in the village is
    refused, not updated: this import only adds households.
    """
    authority = require(user, services.REGISTER, unit=village)
    if village.kind not in _HOUSEHOLD_KINDS:
        raise ValidationFailed(
            _("Households belong to a village or residential group, not to %(unit)s.")
            % {"unit": village.name}
        )
    table = _read(data, filename, HOUSEHOLD_COLUMNS)
    with transaction.atomic():
        households = _households(table, village, filename)
        try:
            with transaction.atomic():
                created = Household.objects.bulk_create(households, batch_size=1000)
        except IntegrityError as exc:
            raise ConcurrentUpdate(
                _("Someone else added households to %(unit)s at the same time; try again.")
                % {"unit": village.name}
            ) from exc
        digest = _sha256(data)
        audit_record(
            actor=user,
            action=IMPORT_HOUSEHOLDS,
            subject=village,
            authority=authority,
            payload={"count": len(created), "filename": filename, "sha256": digest},
        )
    return ImportResult(households=created, filename=filename, sha256=digest)


def _households(table: _Table, village: OrgUnit, filename: str) -> list[Household]:
    check = _Checker(table)
    existing = set(Household.objects.filter(village=village).values_list("code", flat=True))
    first_row: dict[str, int] = {}
    households: list[Household] = []
    for row in table.rows:
        code = check.text(row, "code", required=True)
        head_name = check.text(row, "head_name", required=True)
        address = check.text(row, "address", required=False) if "address" in row.cells else ""
        members: int | None = 1
        if "member_count" in row.cells:
            members = check.whole(row, "member_count", low=1, high=_MAX_MEMBERS)
        if code in first_row:
            check.add(
                row.number,
                "code",
                _("the code %(code)s is already in row %(row)s")
                % {"code": code, "row": first_row[code]},
            )
        elif code in existing:
            check.add(
                row.number,
                "code",
                _(
                    "%(unit)s already has a household with the code %(code)s; an import only "
                    "adds new households"
                )
                % {"unit": village.name, "code": code},
            )
        if code:
            first_row.setdefault(code, row.number)
        households.append(
            Household(
                village=village,
                code=code,
                head_name=head_name,
                address=address,
                member_count=members or 1,
            )
        )
    check.raise_if_any(filename)
    return households


# --- votes of the review meeting ----------------------------------------------------------------


def votes_import(
    *,
    dossier: Dossier,
    user: Any,
    data: bytes,
    filename: str,
    held_on: datetime.date,
    invited: int,
    present: int,
    chaired_by: str,
    minutes: str = "",
) -> Meeting:
    """Record the review meeting from a sheet of “Mã hộ” and “Số phiếu đồng ý” per household.

    Every registered household needs exactly one row; the meeting itself (quorum, approval
    share) is checked and recorded by :func:`services.meeting_record`.
    """
    authority = require(user, services.MEETING, unit=dossier.proposing_unit)
    spec = SPECS[dossier.title]
    if not spec.meeting or spec.candidate != "household":
        raise InvalidTransition(
            _("Votes can only be imported for a title whose review meeting votes on households.")
        )
    table = _read(data, filename, VOTE_COLUMNS)
    with transaction.atomic():
        votes = _votes(table, dossier, present, filename)
        meeting = services.meeting_record(
            dossier=dossier,
            user=user,
            held_on=held_on,
            invited=invited,
            present=present,
            votes=votes,
            chaired_by=chaired_by,
            minutes=minutes,
        )
        audit_record(
            actor=user,
            action=IMPORT_VOTES,
            subject=dossier,
            authority=authority,
            payload={"count": len(votes), "filename": filename, "sha256": _sha256(data)},
        )
    return meeting


def _votes(table: _Table, dossier: Dossier, present: int, filename: str) -> dict[int, int]:
    check = _Checker(table)
    candidates: dict[str, list[Household]] = {}
    pks: dict[int, int] = {}  # household -> candidate
    for pk, household in (
        (c.pk, c.household)
        for c in Candidate.objects.filter(dossier=dossier).select_related("household")
    ):
        if household is not None:
            candidates.setdefault(household.code, []).append(household)
            pks[household.pk] = pk
    votes: dict[int, int] = {}
    first_row: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "code", required=True)
        count = check.whole(row, "votes_for", low=0, high=_MAX_VOTES)
        if count is not None and count > present:
            check.add(
                row.number,
                "votes_for",
                _("%(votes)s votes, but only %(present)s people were present")
                % {"votes": count, "present": present},
            )
            count = None
        if not code:
            continue
        matches = candidates.get(code, [])
        if code in first_row:
            check.add(
                row.number,
                "code",
                _("the code %(code)s is already in row %(row)s")
                % {"code": code, "row": first_row[code]},
            )
        elif not matches:
            check.add(
                row.number,
                "code",
                _("no household with the code %(code)s is a candidate in this dossier")
                % {"code": code},
            )
        elif len(matches) > 1:
            check.add(
                row.number,
                "code",
                _("several candidate households have the code %(code)s") % {"code": code},
            )
        elif count is not None:
            votes[pks[matches[0].pk]] = count
        first_row.setdefault(code, row.number)
    for code, matches in sorted(candidates.items()):
        if code not in first_row:
            for household in matches:
                check.add(
                    None,
                    "code",
                    _("the household %(code)s (%(name)s) has no row in the file")
                    % {"code": code, "name": household.head_name},
                )
    check.raise_if_any(filename)
    return votes


__all__ = [
    "HOUSEHOLD_COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "VOTE_COLUMNS",
    "ImportResult",
    "RowProblem",
    "households_import",
    "votes_import",
]
