"""Settings of the background jobs (with their defaults)."""

from __future__ import annotations

from django.conf import settings


def heartbeat_seconds() -> float:
    """How often a running job writes its progress and a sign of life."""
    return float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 5))


def stale_after_seconds() -> float:
    """A running job silent this long is taken for dead (its worker was killed)."""
    return float(getattr(settings, "JOBS_STALE_AFTER_SECONDS", 120))


def queued_timeout_seconds() -> float:
    """A job still queued after this long was lost by the broker (a restart) and fails."""
    return float(getattr(settings, "JOBS_QUEUED_TIMEOUT_SECONDS", 3600))


def runs_inline() -> bool:
    """Without a broker (the demo, the tests) a job runs at once in the starting process."""
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True))
