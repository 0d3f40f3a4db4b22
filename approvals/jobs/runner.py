"""Running one job: claim it, do its work in one transaction, record how it ended.

In a worker, a reporter thread with its own database connection writes the job's progress
and heartbeat while the work's transaction is open (the work never writes the job row, so
the two never wait on each other). When the worker is killed the work's transaction is
rolled back by the database and the heartbeat stops; :func:`jobs_sweep` then marks the job
failed and it can be started again without anything done twice.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ApprovalError
from approvals.jobs import conf
from approvals.jobs.models import Job, JobStatus
from approvals.jobs.registry import JobOutcome, kind_of

logger = logging.getLogger(__name__)

#: Audit actions of the jobs.
JOB_START = "approvals_jobs.start"
JOB_RUN = "approvals_jobs.run"
JOB_FINISH = "approvals_jobs.finish"
JOB_FAIL = "approvals_jobs.fail"
JOB_RETRY = "approvals_jobs.retry"


class JobContext:
    """Handed to a handler: report progress with :meth:`progress`."""

    def __init__(self, job: Job, *, reporter: _Reporter | None) -> None:
        self.job = job
        self._reporter = reporter
        self.done = 0
        self.total: int | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        """``done`` rows of ``total`` (keep the last total when not given)."""
        self.done = max(0, done)
        if total is not None:
            self.total = max(0, total)
        if self._reporter is not None:
            self._reporter.report(self.done, self.total)


class _Reporter(threading.Thread):
    """Writes the progress and heartbeat of a running job on its own connection."""

    def __init__(self, job_id: int) -> None:
        super().__init__(name=f"job-{job_id}-reporter", daemon=True)
        self.job_id = job_id
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._state: tuple[int, int | None] = (0, None)
        self._written: tuple[int, int | None] | None = None

    def report(self, done: int, total: int | None) -> None:
        with self._lock:
            self._state = (done, total)
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.join(timeout=conf.heartbeat_seconds() + 5)

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._write()
                self._wake.wait(timeout=conf.heartbeat_seconds())
                self._wake.clear()
                # at most one progress write a second
                self._stopping.wait(timeout=min(1.0, conf.heartbeat_seconds()))
        finally:
            connection.close()

    def _write(self) -> None:
        with self._lock:
            done, total = self._state
        fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
        if (done, total) != self._written:
            fields.update(progress_done=done, progress_total=total)
        try:
            Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(**fields)
            self._written = (done, total)
        except Exception:
            logger.warning("job %s: could not write its progress", self.job_id, exc_info=True)


def _claim(job_id: int, token: str) -> Job | None:
    """Mark the job running if this message is its current run; None when it is not."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.token != token or job.status != JobStatus.QUEUED:
            return None
        now = timezone.now()
        job.status = JobStatus.RUNNING
        job.started_at = now
        job.heartbeat_at = now
        job.finished_at = None
        job.attempts += 1
        job.progress_done = 0
        job.error = ""
        job.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "finished_at",
                "attempts",
                "progress_done",
                "error",
            ]
        )
        audit_record(
            actor=None,
            action=JOB_RUN,
            subject=job,
            from_state=JobStatus.QUEUED,
            to_state=JobStatus.RUNNING,
            payload={"kind": job.kind, "attempt": job.attempts},
        )
        return job


def _finish(job_id: int, outcome: JobOutcome | None, error: str, context: JobContext) -> Job:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.RUNNING:
            # swept as dead meanwhile: the work committed (or not) but the record says failed;
            # it ends as the work ended
            logger.warning("job %s ended after it was marked %s", job_id, job.status)
        before = job.status
        job.finished_at = timezone.now()
        job.heartbeat_at = job.finished_at
        if outcome is not None:
            job.status = JobStatus.DONE
            job.result = (
                {**outcome.data, "summary": outcome.summary} if outcome.summary else outcome.data
            )
            total = context.total if context.total is not None else context.done
            job.progress_total = total
            job.progress_done = total
            job.error = ""
            if outcome.file_name:
                job.result_name = outcome.file_name
                job.result_file.save(
                    outcome.file_name, ContentFile(outcome.file_content), save=False
                )
        else:
            job.status = JobStatus.FAILED
            job.error = error
            job.progress_done = context.done
            if context.total is not None:
                job.progress_total = context.total
        job.save()
        audit_record(
            actor=None,
            action=JOB_FINISH if outcome is not None else JOB_FAIL,
            subject=job,
            from_state=before,
            to_state=job.status,
            comment=error[:500],
            payload={"kind": job.kind, "attempt": job.attempts},
        )
        return job


def job_run(job_id: int, token: str) -> Job | None:
    """Run the job's current attempt (the task's body); None when the message is stale."""
    inline = conf.runs_inline()
    if not inline:
        close_old_connections()
    job = _claim(job_id, token)
    if job is None:
        logger.info("job %s: message %s is not its current run; skipped", job_id, token)
        return None
    reporter = None if inline else _Reporter(job.pk)
    context = JobContext(job, reporter=reporter)
    if reporter is not None:
        reporter.start()
    outcome: JobOutcome | None = None
    error = ""
    try:
        kind = kind_of(job.kind)
        with transaction.atomic():
            outcome = kind.handler(job, context)
    except ApprovalError as refusal:
        error = str(refusal)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        error = _(
            "The job stopped on an unexpected error; nothing it did was kept. "
            "Start it again, or tell the site's administrator if it fails again."
        )
    finally:
        if reporter is not None:
            reporter.stop()
    return _finish(job.pk, outcome, error, context)


__all__ = [
    "JOB_FAIL",
    "JOB_FINISH",
    "JOB_RETRY",
    "JOB_RUN",
    "JOB_START",
    "JobContext",
    "job_run",
]
