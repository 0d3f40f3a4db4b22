"""The rule for text a request brings in, for every form, query string and API body.

Text is normalised to NFC, so a word typed in decomposed form ("Hòa" as ``o`` plus a
combining grave accent) is stored as the composed one and compares equal to it. A NUL
character (PostgreSQL cannot store it) or an unpaired UTF-16 surrogate (it cannot be encoded
at all, not even in the refusal) is refused; the refusal names the field, never the text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

#: A NUL or any UTF-16 surrogate (in a str they are always unpaired).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


class UnacceptableText(ValueError):
    """Text with a NUL character or an unpaired surrogate."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(field)
        self.field = field

    @property
    def message(self) -> str:
        """The refusal for people; it never quotes the text."""
        if self.field:
            return _(
                "The field %(field)s contains a character that cannot be accepted "
                "(a NUL character or an unpaired UTF-16 surrogate); remove it and try again."
            ) % {"field": self.field}
        return _(
            "The request contains a character that cannot be accepted (a NUL character or "
            "an unpaired UTF-16 surrogate); remove it and try again."
        )


def printable(text: str) -> str:
    """``text`` with anything UTF-8 cannot encode spelled as a backslash escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def clean_text(value: str, *, field: str | None = None) -> str:
    """``value`` in NFC; :class:`UnacceptableText` if it holds a NUL or a lone surrogate."""
    if _FORBIDDEN.search(value):
        raise UnacceptableText(field)
    return unicodedata.normalize("NFC", value)


def clean_data(value: Any, *, field: str | None = None) -> Any:
    """Every string of parsed JSON (keys included) through :func:`clean_text`."""
    if isinstance(value, str):
        return clean_text(value, field=field)
    if isinstance(value, list):
        return [clean_data(item, field=field) for item in value]
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            name = clean_text(key, field=field) if isinstance(key, str) else key
            path = f"{field}.{name}" if field else str(name)
            cleaned[name] = clean_data(item, field=path)
        return cleaned
    return value


def clean_query_dict(data: QueryDict) -> QueryDict:
    """A copy of ``data`` with its keys and values cleaned."""
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        name = clean_text(key)
        cleaned.setlist(name, [clean_text(v, field=name) for v in values])
    cleaned._mutable = False
    return cleaned
