"""Number, symbol and date line of administrative documents (Decree 30/2020, Phụ lục I).

Pure functions: the rules that vary (minimum digits, zero-padded months) are passed in by
the caller, who reads them from the regulation in force (``document_work``).

- ``30/KH-BCĐ``: number, "/", the kind's abbreviation, "-", the issuer's code.
- ``582/UBND-KGVX``: an official letter (Công văn) has no abbreviation; its symbol is the
  issuer's code and the drafting unit's code.
- ``    /KH-LĐTĐ&XH``: a draft leaves the number blank until it is issued.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

from approvals.exceptions import InvalidSymbol

#: What precedes the number and symbol on the document.
NUMBER_LINE_PREFIX = "Số: "
#: What stands for the number on a draft, filled in by the records clerk at issue.
DRAFT_NUMBER_BLANK = "    "

_CODE = re.compile(r"^[A-Za-zĐđ0-9&]+$")
_DIGITS = re.compile(r"^[0-9]+$")
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class ParsedSymbol:
    """The parts of a number and symbol; ``number`` is ``None`` on a draft."""

    number: int | None
    kind_abbreviation: str
    issuer_code: str
    drafting_unit_code: str = ""

    @property
    def is_official_letter(self) -> bool:
        """Whether the symbol has no kind abbreviation (Công văn)."""
        return not self.kind_abbreviation

    @property
    def is_draft(self) -> bool:
        """Whether the number is still blank."""
        return self.number is None


def format_number(number: int, *, min_digits: int) -> str:
    """The number in Arabic digits, zero-padded to ``min_digits`` (``9`` → ``"09"``)."""
    if number < 1:
        raise InvalidSymbol(
            _("A document number starts at 1; %(number)s is not a valid number.")
            % {"number": number},
            problem="number_not_positive",
        )
    return f"{number:0{min_digits}d}"


def _check_code(code: str, *, what: str) -> None:
    if not _CODE.match(code):
        raise InvalidSymbol(
            _("The %(what)s “%(code)s” may contain only letters, digits and “&”, without spaces.")
            % {"what": what, "code": code},
            problem="invalid_code",
        )


def format_symbol(
    *,
    number: int | None,
    kind_abbreviation: str,
    issuer_code: str,
    drafting_unit_code: str = "",
    min_digits: int,
) -> str:
    """The number and symbol, e.g. ``30/KH-BCĐ``, ``582/UBND-KGVX`` or ``    /KH-BCĐ``.

    ``drafting_unit_code`` is appended when given; an official letter (no abbreviation)
    needs it.
    """
    if not issuer_code:
        raise InvalidSymbol(_("A symbol needs the issuer's code."), problem="missing_issuer")
    if not kind_abbreviation and not drafting_unit_code:
        raise InvalidSymbol(
            _("An official letter's symbol needs the drafting unit's code."),
            problem="missing_drafting_unit",
        )
    groups: list[tuple[str, str]] = []
    if kind_abbreviation:
        groups.append((kind_abbreviation, _("document kind abbreviation")))
    groups.append((issuer_code, _("issuer code")))
    if drafting_unit_code:
        groups.append((drafting_unit_code, _("drafting unit code")))
    for code, what in groups:
        _check_code(code, what=what)
    head = DRAFT_NUMBER_BLANK if number is None else format_number(number, min_digits=min_digits)
    return f"{head}/{'-'.join(code for code, _what in groups)}"


def number_line(
    *,
    number: int | None,
    kind_abbreviation: str,
    issuer_code: str,
    drafting_unit_code: str = "",
    min_digits: int,
) -> str:
    """The line printed on the document, e.g. ``Số: 30/KH-BCĐ``."""
    symbol = format_symbol(
        number=number,
        kind_abbreviation=kind_abbreviation,
        issuer_code=issuer_code,
        drafting_unit_code=drafting_unit_code,
        min_digits=min_digits,
    )
    return f"{NUMBER_LINE_PREFIX}{symbol}"


def _parse_number(text: str, head: str, *, min_digits: int, allow_draft: bool) -> int | None:
    if not head.strip():
        if allow_draft:
            return None
        raise InvalidSymbol(
            _("“%(text)s”: the number is missing before “/”.") % {"text": text},
            problem="missing_number",
        )
    if not _DIGITS.match(head):
        raise InvalidSymbol(
            _("“%(text)s”: the number “%(number)s” must be written in Arabic digits only.")
            % {"text": text, "number": head},
            problem="number_not_digits",
        )
    number = int(head)
    if number < 1:
        raise InvalidSymbol(
            _("“%(text)s”: document numbers start at 1.") % {"text": text},
            problem="number_not_positive",
        )
    expected = format_number(number, min_digits=min_digits)
    if head != expected and len(head) < len(expected):
        raise InvalidSymbol(
            _("“%(text)s”: a number below 10 is written with a leading 0 (“%(expected)s”).")
            % {"text": text, "expected": expected},
            problem="missing_leading_zero",
        )
    if head != expected:
        raise InvalidSymbol(
            _("“%(text)s”: the number has too many leading zeros (“%(expected)s”).")
            % {"text": text, "expected": expected},
            problem="extra_leading_zeros",
        )
    return number


def parse_symbol(
    text: str,
    *,
    min_digits: int,
    known_abbreviations: Collection[str] | None = None,
    official_letter: bool = False,
    allow_draft: bool = False,
) -> ParsedSymbol:
    """Read a number and symbol, refusing one that does not follow Decree 30/2020.

    The first group after "/" is the kind's abbreviation, then the issuer's code, then an
    optional drafting unit's code; with ``official_letter`` there is no abbreviation. With
    ``known_abbreviations`` an unknown abbreviation is refused. With ``allow_draft`` a blank
    number (a draft) is accepted and read as ``None``.
    """
    if not text or not text.strip():
        raise InvalidSymbol(_("The number and symbol are empty."), problem="empty")
    head, slash, tail = text.partition("/")
    blank_draft_number = allow_draft and slash and not head.strip()
    if _WHITESPACE.search(tail) or (_WHITESPACE.search(head) and not blank_draft_number):
        raise InvalidSymbol(
            _("“%(text)s”: a number and symbol are written without spaces.") % {"text": text},
            problem="spaces",
        )
    if not slash:
        raise InvalidSymbol(
            _("“%(text)s”: a “/” must separate the number from the symbol.") % {"text": text},
            problem="missing_slash",
        )
    number = _parse_number(text, head, min_digits=min_digits, allow_draft=allow_draft)
    groups = tail.split("-")
    if any(not group for group in groups) or not tail:
        raise InvalidSymbol(
            _("“%(text)s”: the symbol has an empty part between “/” and “-”.") % {"text": text},
            problem="empty_part",
        )
    if not official_letter and len(groups) < 2:
        raise InvalidSymbol(
            _(
                "“%(text)s”: a “-” must separate the document kind's abbreviation from the "
                "issuer's code."
            )
            % {"text": text},
            problem="missing_dash",
        )
    max_groups = 2 if official_letter else 3
    if len(groups) > max_groups:
        raise InvalidSymbol(
            _("“%(text)s”: the symbol has too many parts.") % {"text": text},
            problem="too_many_parts",
        )
    for group in groups:
        if not _CODE.match(group):
            raise InvalidSymbol(
                _("“%(text)s”: “%(part)s” may contain only letters, digits and “&”.")
                % {"text": text, "part": group},
                problem="invalid_code",
            )
    abbreviation = "" if official_letter else groups.pop(0)
    if abbreviation and known_abbreviations is not None and abbreviation not in known_abbreviations:
        raise InvalidSymbol(
            _("“%(text)s”: “%(abbreviation)s” is not a known document kind abbreviation.")
            % {"text": text, "abbreviation": abbreviation},
            problem="unknown_abbreviation",
        )
    if official_letter and known_abbreviations is not None and groups[0] in known_abbreviations:
        raise InvalidSymbol(
            _(
                "“%(text)s”: an official letter has no document kind abbreviation, "
                "but “%(abbreviation)s” is one."
            )
            % {"text": text, "abbreviation": groups[0]},
            problem="abbreviation_on_official_letter",
        )
    return ParsedSymbol(
        number=number,
        kind_abbreviation=abbreviation,
        issuer_code=groups[0],
        drafting_unit_code=groups[1] if len(groups) > 1 else "",
    )


def date_parts(
    day: datetime.date, *, zero_padded_months: Collection[int]
) -> tuple[str, str, str]:
    """The day, month and year as the date line writes them (``05``, ``02``, ``2024``).

    Days below 10 take a leading 0; so do the months in ``zero_padded_months``.
    """
    month = f"{day.month:02d}" if day.month in zero_padded_months else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def format_place_date(
    place: str, day: datetime.date, *, zero_padded_months: Collection[int]
) -> str:
    """The date line, e.g. ``Bắc Giang, ngày 05 tháng 02 năm 2024`` (see :func:`date_parts`)."""
    dd, mm, yyyy = date_parts(day, zero_padded_months=zero_padded_months)
    return f"{place}, ngày {dd} tháng {mm} năm {yyyy}"


__all__ = [
    "DRAFT_NUMBER_BLANK",
    "NUMBER_LINE_PREFIX",
    "ParsedSymbol",
    "date_parts",
    "format_number",
    "format_place_date",
    "format_symbol",
    "number_line",
    "parse_symbol",
]
