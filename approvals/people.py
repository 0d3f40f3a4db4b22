"""A person's name as people read it: the one function every page, document, API and export uses.

Vietnamese names are written family name first: "Trần Thu Trang". Django's ``last_name``
holds the family and middle names ("Trần Thu") and ``first_name`` the given name ("Trang"),
so Django's own ``get_full_name`` ("Trang Trần Thu") is never used to show a person.
"""

from __future__ import annotations

from typing import Any


def person_name(user: Any, fallback: str = "") -> str:
    """The user's name in Vietnamese order (family, middle, given), else the username;
    ``fallback`` when there is no user."""
    if user is None or not hasattr(user, "get_username"):
        return fallback
    family = str(getattr(user, "last_name", "") or "").strip()
    given = str(getattr(user, "first_name", "") or "").strip()
    full = " ".join(part for part in (family, given) if part)
    return full or str(user.get_username())


__all__ = ["person_name"]
