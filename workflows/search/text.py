"""Text as the search sees it: words, accents folded, and the highlighted snippets.

Folding removes the tone and vowel marks and maps ``đ`` to ``d``, one character for one, so a
position in the folded text is the same position in the text shown (:func:`highlight`).
PostgreSQL's ``unaccent`` folds the stored words the same way for its full-text index
(migration 0001), and the query is folded here: "hoa" finds "hóa" and "hoá", "D" finds "Đ".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"[^\W_]+")
_SPECIAL = {"đ": "d", "Đ": "D"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    return unicodedata.normalize("NFD", char)[0]


def fold(text: str) -> str:
    """``text`` in lower case without accents, one character for each of ``text``'s (NFC)."""
    return "".join(_fold_char(char) for char in unicodedata.normalize("NFC", text).lower())


def words(text: str) -> str:
    """The words of ``text`` (letters and digits, accents kept, lower case) joined by spaces:
    what the index stores, tokenised the same on both databases."""
    return " ".join(WORD.findall(unicodedata.normalize("NFC", text).lower()))


def folded_words(text: str) -> list[str]:
    """The words of ``text`` without accents, in order."""
    return WORD.findall(fold(text))


def _spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where a word of ``text`` starts with one of ``terms`` (folded), merged and ordered."""
    folded = fold(text)
    found: list[tuple[int, int]] = []
    for match in WORD.finditer(folded):
        word = match.group()
        best = max((len(term) for term in terms if word.startswith(term)), default=0)
        if best:
            found.append((match.start(), match.start() + best))
    return found


def highlight(text: str, terms: tuple[str, ...]) -> SafeString:
    """``text`` escaped, each word that starts with a query term marked (``<mark>``)."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    last = 0
    for start, end in _spans(text, terms):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def snippet(text: str, terms: tuple[str, ...], width: int) -> SafeString:
    """About ``width`` characters of ``text`` around its first matched word, highlighted."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    spans = _spans(text, terms)
    if len(text) <= width:
        return highlight(text, terms)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = highlight(text[start:end], terms)
    return mark_safe(("… " if start else "") + body + (" …" if end < len(text) else ""))  # noqa: S308
