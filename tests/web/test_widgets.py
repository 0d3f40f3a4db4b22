"""PlainSelect writes the same HTML as Django's Select."""

from __future__ import annotations

import re

import pytest
from django import forms

from approvals.widgets import PlainSelect

CHOICES = [
    ("", "---"),
    (1, "Hộ Nguyễn Văn An <thôn Thượng>"),
    (2, 'Hộ "Trần" & Lê'),
    ("Thôn Hạ", [(3, "Hộ Phạm Thị Bình"), (4, "Hộ Đỗ Văn C")]),
]


@pytest.mark.parametrize("value", [None, 2, "4", ""])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_candidate", "required": True, "disabled": False}]
)
def test_the_html_equals_django_s(value: object, attrs: dict[str, object] | None) -> None:
    django_html = forms.Select(choices=CHOICES).render("candidate", value, attrs)
    plain_html = PlainSelect(choices=CHOICES).render("candidate", value, attrs)
    assert _tight(plain_html) == _tight(django_html)
    assert "&lt;thôn Thượng&gt;" in plain_html  # labels are escaped
    assert plain_html.count(" selected") == 1


def _tight(html: str) -> str:
    """Without the whitespace between tags that Django's templates leave."""
    return re.sub(r">\s+<", "><", html.strip())
