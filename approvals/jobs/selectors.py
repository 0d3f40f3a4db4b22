"""The jobs a user may follow."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from approvals.jobs.models import ACTIVE, Job


def jobs_visible(user: Any) -> QuerySet[Job]:
    """The jobs ``user`` started (all of them for a superuser), newest first."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    jobs = Job.objects.select_related("started_by", "unit")
    if user.is_superuser:
        return jobs
    return jobs.filter(started_by=user)


def jobs_running(user: Any) -> QuerySet[Job]:
    """The visible jobs not ended yet ("Việc đang chạy")."""
    return jobs_visible(user).filter(status__in=ACTIVE)


def job_for(user: Any, pk: int) -> Job | None:
    return jobs_visible(user).filter(pk=pk).first()


__all__ = ["job_for", "jobs_running", "jobs_visible"]
