"""The API's own housekeeping: stored idempotent responses expire."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from workflows.api.models import IdempotentRequest


def idempotency_keep() -> datetime.timedelta:
    """How long a stored response answers a repeated key (``API_IDEMPOTENCY_KEEP_HOURS``)."""
    return datetime.timedelta(hours=int(getattr(settings, "API_IDEMPOTENCY_KEEP_HOURS", 24)))


def idempotency_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the keys older than the keeping period; return how many went.

    A key still being handled (no response yet) is kept whatever its age only while it is
    younger than the period too: a claim that old belongs to a request that died, and
    keeping it would refuse the client's retry forever with 409.
    After the purge, the same key starts a new request: clients must not reuse a key after
    the period (docs/api.md says so), as with any other idempotency-key API.
    """
    cutoff = (now or timezone.now()) - idempotency_keep()
    with transaction.atomic():
        deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
