"""Form widgets of the engine's pages.

:class:`PlainSelect` writes its options in Python: Django's ``Select`` renders a template
for every option, about 0.1 ms each, so a list of a few hundred candidates or units costs a
page more than everything else on it. The HTML is the same as Django's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A ``<select>`` rendered without a template per option (grouped options included)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = set(self.format_value(value))
        found = False  # one option selected at most, the first matching, as Django does

        def option(key: Any, label: Any) -> SafeString:
            nonlocal found
            text = "" if key is None else str(key)
            selected = not found and text in chosen
            found = found or selected
            return format_html(
                '<option value="{}"{}>{}</option>', text, " selected" if selected else "", label
            )

        parts: list[SafeString] = []
        for key, label in self.choices:
            if isinstance(label, (list, tuple)):
                rows = format_html_join("", "{}", ((option(k, v),) for k, v in label))
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', key, rows))
            else:
                parts.append(option(key, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", "{}", ((part,) for part in parts)),
        )
