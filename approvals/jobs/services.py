"""Starting, retrying and sweeping background jobs (the only writers of :class:`Job`)."""

from __future__ import annotations

import datetime
import logging
import secrets
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ActionNotPermitted
from approvals.jobs import conf
from approvals.jobs.exceptions import JobNotRetryable, JobQueueUnavailable
from approvals.jobs.models import Job, JobStatus
from approvals.jobs.registry import kind_of
from approvals.jobs.runner import JOB_FAIL, JOB_RETRY, JOB_START, job_run
from approvals.organisation.models import OrgUnit

logger = logging.getLogger(__name__)

#: The Celery task that runs one attempt of a job (``approvals.jobs.tasks.run_job``).
RUN_TASK = "approvals.jobs.run"


def _broker_check() -> None:
    """Raise :class:`JobQueueUnavailable` when the broker does not answer (2 s at most)."""
    from celery import current_app

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # kombu and socket errors differ by transport
        logger.warning("job queue unavailable: %s", exc)
        raise JobQueueUnavailable() from exc


def _send(job_id: int, token: str) -> None:
    """Hand the job to the broker after the commit; a failed send fails the job."""
    from celery import current_app

    try:
        # by name: the task module imports these services (for the sweep)
        current_app.send_task(RUN_TASK, args=[job_id, token], retry=False)
    except Exception:
        logger.exception("job %s could not be queued", job_id)
        with transaction.atomic():
            updated = Job.objects.filter(pk=job_id, token=token, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED,
                error=str(JobQueueUnavailable.default_message),
                finished_at=timezone.now(),
            )
            if updated:
                audit_record(
                    actor=None,
                    action=JOB_FAIL,
                    subject=Job.objects.get(pk=job_id),
                    from_state=JobStatus.QUEUED,
                    to_state=JobStatus.FAILED,
                    comment="queue unavailable",
                )


def _dispatch(job: Job) -> Job:
    if conf.runs_inline():
        job_run(job.pk, job.token)
        job.refresh_from_db()
        return job
    job_id, token = job.pk, job.token
    transaction.on_commit(lambda: _send(job_id, token))
    return job


def job_start(
    *,
    kind: str,
    user: Any,
    label: str,
    unit: OrgUnit | None = None,
    subject: models.Model | None = None,
    url: str = "",
    params: dict[str, Any] | None = None,
) -> Job:
    """Queue one job of ``kind`` for ``user`` (the caller has checked the user may do the
    work); refused with :class:`JobQueueUnavailable`, creating nothing, when the broker does
    not answer. Without a broker the job runs now and is returned finished or failed."""
    kind_of(kind)  # refuses an unknown kind before anything is written
    if not conf.runs_inline():
        _broker_check()
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            label=label[:500],
            started_by=user,
            unit=unit,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            url=url[:255],
            params=params or {},
            token=secrets.token_hex(16),
        )
        audit_record(
            actor=user,
            action=JOB_START,
            subject=job,
            to_state=JobStatus.QUEUED,
            payload={"kind": kind, "params": params or {}},
        )
        return _dispatch(job)


def job_retry(*, job: Job, user: Any) -> Job:
    """Start a failed job again with the same parameters (its starter, or a superuser)."""
    if user.pk != job.started_by_id and not user.is_superuser:
        raise ActionNotPermitted(_("Only the person who started this job can start it again."))
    if not conf.runs_inline():
        _broker_check()
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status != JobStatus.FAILED:
            raise JobNotRetryable()
        locked.status = JobStatus.QUEUED
        locked.token = secrets.token_hex(16)
        locked.error = ""
        locked.started_at = None
        locked.finished_at = None
        locked.heartbeat_at = None
        locked.progress_done = 0
        locked.save()
        audit_record(
            actor=user,
            action=JOB_RETRY,
            subject=locked,
            from_state=JobStatus.FAILED,
            to_state=JobStatus.QUEUED,
            payload={"kind": locked.kind, "attempt": locked.attempts + 1},
        )
        return _dispatch(locked)


def jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the running jobs silent for too long (their worker died) and the queued
    jobs the broker lost; return how many. Their work was rolled back by the database."""
    now = now or timezone.now()
    dead_before = now - datetime.timedelta(seconds=conf.stale_after_seconds())
    lost_before = now - datetime.timedelta(seconds=conf.queued_timeout_seconds())
    stale = models.Q(status=JobStatus.RUNNING, heartbeat_at__lt=dead_before) | models.Q(
        status=JobStatus.QUEUED, created_at__lt=lost_before
    )
    count = 0
    for job_id in Job.objects.filter(stale).values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(stale, pk=job_id).first()
            if job is None:
                continue
            before = job.status
            job.status = JobStatus.FAILED
            job.finished_at = now
            job.error = (
                _(
                    "The worker running this job stopped before it finished; nothing it did "
                    "was kept. Start it again."
                )
                if before == JobStatus.RUNNING
                else _("The job was never picked up by a worker; nothing was done. Start it again.")
            )
            job.save(update_fields=["status", "finished_at", "error"])
            audit_record(
                actor=None,
                action=JOB_FAIL,
                subject=job,
                from_state=before,
                to_state=JobStatus.FAILED,
                comment="swept",
            )
            count += 1
    return count


__all__ = ["job_retry", "job_start", "jobs_sweep"]
