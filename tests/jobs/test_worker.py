"""Jobs run by a real Celery worker on PostgreSQL and Redis: progress seen while the work's
transaction is open, a worker killed mid-job (nothing half done; swept to failed; retried
without doing anything twice), and a normal run to the end."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from approvals.audit.models import AuditEvent
from approvals.jobs import conf
from approvals.jobs.models import Job, JobStatus
from approvals.jobs.services import job_retry, job_start, jobs_sweep
from approvals.organisation.models import OrgUnit
from tests.factories import OrgUnitFactory, UserFactory
from tests.jobs.conftest import Workers, wait_for
from tests.testapp.jobs import SLOW_RENAME, SUFFIX

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

#: A worker takes a few seconds to start (Django and the site's apps).
START = 60
ROWS = 8


def _names(ids: list[int]) -> dict[int, str]:
    return dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))


def _job(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def _actions(job: Job) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.for_subject("approvals_jobs.job", str(job.pk))
        .order_by("pk")
        .values_list("action", "to_state", "comment")
    )


def test_a_killed_worker_leaves_nothing_half_done_and_the_retry_does_each_row_once(
    workers: Workers, tmp_path: Path
) -> None:
    user = UserFactory()
    ids = [OrgUnitFactory().pk for _ in range(ROWS)]
    before = _names(ids)
    job = job_start(
        kind=SLOW_RENAME,
        user=user,
        label="Đổi tên đơn vị",
        params={"units": ids, "sleep": 0.5},
    )
    assert job.status == JobStatus.QUEUED  # sent to the queue, not run here

    first = workers.start(tmp_path)
    # the reporter thread writes the progress while the work's transaction is still open...
    running = wait_for(
        lambda: Job.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, progress_done__gt=0
        ).first(),
        timeout=START,
        what="progress > 0 in the database",
        workers=workers,
    )
    assert running.progress_total == ROWS
    assert running.progress_done < ROWS
    # ...and nothing of that work is visible to anyone else yet
    assert _names(ids) == before

    workers.kill(first)
    assert first.returncode == -9
    # the database rolled the work back with the dead connection: nothing half done
    assert _names(ids) == before
    killed = _job(job.pk)
    assert killed.status == JobStatus.RUNNING  # nobody has noticed yet
    assert killed.heartbeat_at is not None

    # a sweep before the stale limit leaves it alone; one past it marks it failed
    assert jobs_sweep(now=killed.heartbeat_at + datetime.timedelta(seconds=1)) == 0
    later = timezone.now() + datetime.timedelta(seconds=conf.stale_after_seconds() + 1)
    assert jobs_sweep(now=later) == 1
    swept = _job(job.pk)
    assert swept.status == JobStatus.FAILED
    assert "stopped before it finished" in swept.error or "đã dừng trước khi xong" in swept.error
    assert _names(ids) == before

    workers.start(tmp_path)
    again = job_retry(job=swept, user=user)
    assert again.status == JobStatus.QUEUED
    done = wait_for(
        lambda: Job.objects.filter(
            pk=job.pk, status__in=[JobStatus.DONE, JobStatus.FAILED]
        ).first(),
        timeout=START,
        what="the retried job to end",
        workers=workers,
    )
    assert done.status == JobStatus.DONE, done.error
    assert (done.progress_done, done.progress_total, done.percent) == (ROWS, ROWS, 100)
    assert done.attempts == 2
    # each row changed exactly once
    assert _names(ids) == {pk: name + SUFFIX for pk, name in before.items()}
    assert _actions(done) == [
        ("approvals_jobs.start", JobStatus.QUEUED, ""),
        ("approvals_jobs.run", JobStatus.RUNNING, ""),
        ("approvals_jobs.fail", JobStatus.FAILED, "swept"),
        ("approvals_jobs.retry", JobStatus.QUEUED, ""),
        ("approvals_jobs.run", JobStatus.RUNNING, ""),
        ("approvals_jobs.finish", JobStatus.DONE, ""),
    ]


def test_jobs_run_to_the_end_or_fail_cleanly_through_the_worker(
    workers: Workers, tmp_path: Path
) -> None:
    user = UserFactory()
    ids = [OrgUnitFactory().pk for _ in range(3)]
    before = _names(ids)
    failing = job_start(
        kind=SLOW_RENAME, user=user, label="hỏng", params={"units": ids, "fail_at": 3}
    )
    job = job_start(kind=SLOW_RENAME, user=user, label="đủ", params={"units": ids, "sleep": 0.3})
    seen: set[str] = {_job(job.pk).status}
    workers.start(tmp_path)

    def ended() -> Any:
        current = _job(job.pk)
        seen.add(current.status)
        return current if current.status in (JobStatus.DONE, JobStatus.FAILED) else None

    done = wait_for(ended, timeout=START, what="the job to end", workers=workers)
    assert done.status == JobStatus.DONE, done.error
    assert seen >= {JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE}
    assert done.result == {"renamed": 3, "summary": "3 units renamed."}
    assert done.started_at is not None
    assert done.finished_at is not None
    assert done.started_at <= done.finished_at
    assert done.result_file.read().decode().count(SUFFIX) == 3
    assert _names(ids) == {pk: name + SUFFIX for pk, name in before.items()}

    failed = _job(failing.pk)  # queued first, so ended first
    assert failed.status == JobStatus.FAILED
    assert failed.error == "Row 3 is wrong."
    assert failed.progress_done == 2  # how far it got, though none of it was kept
    assert [a for a, _s, _c in _actions(failed)][-1] == "approvals_jobs.fail"
