"""What a user sees of their notifications (a fixed number of queries whatever the count)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from approvals.notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

__all__ = [
    "NOTIFICATIONS_SHOWN",
    "NotificationList",
    "notifications_for",
    "preferences_for",
    "unread_count",
]

#: How many of the newest notifications a list shows.
NOTIFICATIONS_SHOWN = 50


@dataclass(frozen=True)
class NotificationList:
    """The newest notifications of a user and how many are unread in all."""

    items: list[Notification]
    unread: int


def notifications_for(
    user: AbstractBaseUser | AnonymousUser | Any,
    *,
    unread_only: bool = False,
    limit: int = NOTIFICATIONS_SHOWN,
) -> NotificationList:
    """The user's newest notifications, newest first (two queries; none when anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return NotificationList(items=[], unread=0)
    rows = Notification.objects.filter(recipient_id=user.pk)
    unread = rows.filter(read_at__isnull=True)
    shown = unread if unread_only else rows
    items = list(shown.order_by("-created_at", "-pk")[: max(limit, 0)])
    return NotificationList(items=items, unread=unread.count())


def unread_count(user: AbstractBaseUser | AnonymousUser | Any) -> int:
    """How many of the user's notifications are unread (one query; none when anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preferences_for(user: Any) -> dict[str, tuple[bool, bool]]:
    """The user's choice per kind a step sends: ``{kind: (site, email)}`` (one query)."""
    from approvals.notifications.models import CHOOSABLE_KINDS, NotificationPreference

    chosen = {
        kind: (site, email)
        for kind, site, email in NotificationPreference.objects.filter(
            user_id=user.pk, kind__in=CHOOSABLE_KINDS
        ).values_list("kind", "site", "email")
    }
    return {kind: chosen.get(kind, (True, True)) for kind in CHOOSABLE_KINDS}
