"""Hand-over lists a user may read: those given or taken over by a unit in their scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from approvals.handover.models import HandOver
from approvals.organisation.models import Position


def handover_list_visible(*, user: Any, day: datetime.date) -> QuerySet[HandOver]:
    """The hand-over lists whose giving or receiving unit lies within a unit where ``user``
    holds a position on ``day`` (every list for a superuser), newest first."""
    lists = HandOver.objects.select_related("from_unit", "to_unit", "created_by")
    if not getattr(user, "is_authenticated", False):
        return lists.none()
    if user.is_superuser:
        return lists
    paths = list(
        Position.objects.active_on(day).filter(user=user).values_list("unit__path", flat=True)
    )
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(from_unit__path__startswith=path) | Q(to_unit__path__startswith=path)
    return lists.filter(condition)
