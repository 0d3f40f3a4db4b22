"""``{% load people %}``: people's names in pages, safe on optional relations.

A filter *argument* that fails to resolve (``|default:row.user.username`` with no user)
raises in Django's templates instead of printing nothing, so a page showing an optional
person (a decision taken by the system, a receipt not yet acknowledged) must not look the
name up that way; ``{{ row.user|person }}`` prints the name, or nothing when there is none.
"""

from __future__ import annotations

from typing import Any

from django import template

from approvals.people import person_name

register = template.Library()


@register.filter
def person(user: Any, fallback: str = "") -> str:
    """The user's name, family name first (:func:`approvals.people.person_name`), else the
    username; ``fallback`` when there is no user."""
    return person_name(user, fallback)
