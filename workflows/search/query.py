"""What a person typed into the search box, read as words and document numbers.

The forms of số and ký hiệu people type, all of them read here: ``01/KH-BCĐ``, ``1/KH-BCĐ``,
``KH-BCĐ``, ``01``, ``1/KH``, ``01/2024/KH-BCĐ``. Everything else becomes words without
accents; punctuation and query syntax (``a & | !``, quotes, SQL) are only separators, never
operators, so no input reaches the database as anything but a value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from workflows.search.text import WORD, fold

_SYMBOL = re.compile(
    r"^(?P<number>\d{1,7})(?:/(?P<year>\d{4}))?(?:/(?P<notation>[^\W_]+(?:[-&][^\W_]+)*))?$"
)
_NOTATION = re.compile(r"^[^\W\d_][^\W_]*(?:[-&][^\W_]+)*-[^\W_]+(?:[-&][^\W_]+)*$")
_EDGE = re.compile(r"^[^\w/]+|[^\w]+$")


class QueryError(ValueError):
    """The query cannot be run; the message says why (the page shows it, the API answers 400)."""


@dataclass(frozen=True)
class Symbol:
    """A số/ký hiệu term: ``number`` and/or the notation's beginning, perhaps a year."""

    number: int | None
    notation: str
    year: int | None
    text: str

    @property
    def digits_only(self) -> bool:
        """A bare number ("01", "30"): the document number, or a word made of digits."""
        return self.number is not None and not self.notation and self.year is None


@dataclass(frozen=True)
class Query:
    """The words (folded) and the số/ký hiệu terms of one query; every term must match."""

    text: str
    words: tuple[str, ...]
    symbols: tuple[Symbol, ...]

    @property
    def empty(self) -> bool:
        return not self.words and not self.symbols

    @property
    def terms(self) -> tuple[str, ...]:
        """What the snippets highlight: the words (a số/ký hiệu is shown in its own column;
        its letters marked inside words, "kh" in "khai", would mislead)."""
        return self.words


def _limit(name: str) -> int:
    limits: dict[str, int] = getattr(settings, "SEARCH_LIMITS", {})
    return int(limits.get(name, {"max_chars": 200, "max_terms": 12}[name]))


def parse(text: str) -> Query:
    """``text`` read as a query; :class:`QueryError` if it is too long or has too many terms.

    An empty query, or one of punctuation only, is an empty :class:`Query` (no hits).
    """
    max_chars = _limit("max_chars")
    if len(text) > max_chars:
        raise QueryError(
            _("The search text is too long: at most %(limit)d characters.") % {"limit": max_chars}
        )
    text = unicodedata.normalize("NFC", text).strip()
    words: list[str] = []
    symbols: list[Symbol] = []
    for raw in text.split():
        token = _EDGE.sub("", raw)
        symbol = _symbol(token)
        if symbol is not None:
            symbols.append(symbol)
        else:
            words.extend(WORD.findall(fold(token)))
    words = list(dict.fromkeys(words))
    max_terms = _limit("max_terms")
    if len(words) + len(symbols) > max_terms:
        raise QueryError(
            _("Too many words in the search: at most %(limit)d.") % {"limit": max_terms}
        )
    return Query(text=text, words=tuple(words), symbols=tuple(dict.fromkeys(symbols)))


def _symbol(token: str) -> Symbol | None:
    match = _SYMBOL.match(token)
    if match is not None:
        year = match.group("year")
        return Symbol(
            number=int(match.group("number")),
            notation=fold(match.group("notation") or ""),
            year=int(year) if year else None,
            text=token,
        )
    if _NOTATION.match(token):
        return Symbol(number=None, notation=fold(token), year=None, text=token)
    return None
