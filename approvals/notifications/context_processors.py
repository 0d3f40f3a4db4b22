"""The unread count the header's bell shows, counted only when a page shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from approvals.notifications.selectors import unread_count

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

__all__ = ["notification_bell"]


def notification_bell(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """Context processor: ``notifications_unread``, a callable the template resolves once
    (one query, on the first use; none for a page without the bell or an anonymous user)."""
    user: Any = getattr(request, "user", None)
    memo: list[int] = []

    def unread() -> int:
        if not memo:
            memo.append(unread_count(user))
        return memo[0]

    return {"notifications_unread": unread}
