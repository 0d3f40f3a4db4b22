"""The jobs' services: the sweep, stale messages, who may retry, and a broker that is down."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from approvals.audit.models import AuditEvent
from approvals.exceptions import ActionNotPermitted
from approvals.jobs import conf
from approvals.jobs.exceptions import JobKindUnknown, JobNotRetryable, JobQueueUnavailable
from approvals.jobs.models import Job, JobStatus
from approvals.jobs.runner import job_run
from approvals.jobs.services import job_retry, job_start, jobs_sweep
from approvals.jobs.tasks import run_job
from approvals.organisation.models import OrgUnit
from tests.factories import OrgUnitFactory, UserFactory
from tests.testapp.jobs import SLOW_RENAME, SUFFIX

pytestmark = pytest.mark.django_db


def _job(status: str, **fields: object) -> Job:
    """A job row in ``status`` (as a worker would have left it)."""
    return Job.objects.create(
        kind=SLOW_RENAME,
        label="x",
        started_by=fields.pop("started_by", None) or UserFactory(),
        status=status,
        token="t1",
        **fields,
    )


def test_the_sweep_fails_a_silent_running_job_and_a_lost_queued_one_only() -> None:
    now = timezone.now()
    stale = datetime.timedelta(seconds=conf.stale_after_seconds() + 1)
    dead = _job(JobStatus.RUNNING, heartbeat_at=now - stale, started_at=now - stale)
    alive = _job(JobStatus.RUNNING, heartbeat_at=now, started_at=now - stale)
    lost = _job(JobStatus.QUEUED)
    fresh = _job(JobStatus.QUEUED)
    Job.objects.filter(pk=lost.pk).update(
        created_at=now - datetime.timedelta(seconds=conf.queued_timeout_seconds() + 1)
    )
    finished = _job(JobStatus.DONE, heartbeat_at=now - stale * 10)

    assert jobs_sweep(now=now) == 2  # in the site's language, as beat runs it
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {
        dead.pk: JobStatus.FAILED,
        alive.pk: JobStatus.RUNNING,
        lost.pk: JobStatus.FAILED,
        fresh.pk: JobStatus.QUEUED,
        finished.pk: JobStatus.DONE,
    }
    dead.refresh_from_db()
    lost.refresh_from_db()
    assert dead.error.startswith("Tiến trình xử lý việc này đã dừng trước khi xong")
    assert lost.error.startswith("Việc chưa từng được tiến trình xử lý nhận")
    assert dead.finished_at == now
    events = AuditEvent.objects.filter(action="approvals_jobs.fail", comment="swept")
    assert sorted(int(e.subject_id) for e in events) == sorted([dead.pk, lost.pk])
    assert jobs_sweep(now=now) == 0  # nothing twice


def test_a_stale_message_whose_run_was_replaced_is_skipped() -> None:
    unit = OrgUnitFactory()
    name = str(unit.name)
    job = _job(JobStatus.QUEUED, params={"units": [unit.pk]})
    Job.objects.filter(pk=job.pk).update(token="t2")  # retried: a new run, a new token
    assert job_run(job.pk, "t1") is None
    assert run_job(job.pk, "t1") == "skipped"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)
    assert OrgUnit.objects.get(pk=unit.pk).name == name
    # the current message runs it
    assert run_job(job.pk, "t2") == JobStatus.DONE
    assert OrgUnit.objects.get(pk=unit.pk).name == name + SUFFIX
    # and a second delivery of the same message does nothing more
    assert run_job(job.pk, "t2") == "skipped"
    assert OrgUnit.objects.get(pk=unit.pk).name == name + SUFFIX


def test_only_the_starter_or_a_superuser_retries_and_only_a_failed_job() -> None:
    starter, other = UserFactory(), UserFactory()
    unit = OrgUnitFactory()
    job = job_start(
        kind=SLOW_RENAME, user=starter, label="x", params={"units": [unit.pk], "fail_at": 1}
    )
    assert job.status == JobStatus.FAILED
    with pytest.raises(ActionNotPermitted):
        job_retry(job=job, user=other)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)

    done = job_start(kind=SLOW_RENAME, user=starter, label="y", params={"units": []})
    assert done.status == JobStatus.DONE
    with pytest.raises(JobNotRetryable):
        job_retry(job=done, user=starter)
    running = _job(JobStatus.RUNNING, started_by=starter)
    with pytest.raises(JobNotRetryable):
        job_retry(job=running, user=starter)
    admin = UserFactory(is_superuser=True)
    assert job_retry(job=job, user=admin).status == JobStatus.FAILED  # fails at row 1 again
    job.refresh_from_db()
    assert job.attempts == 2


def test_an_unknown_kind_is_refused_before_anything_is_written() -> None:
    with pytest.raises(JobKindUnknown):
        job_start(kind="tests.nothing", user=UserFactory(), label="x")
    assert not Job.objects.exists()


def test_an_unexpected_error_fails_the_job_with_a_generic_message_and_keeps_nothing() -> None:
    unit = OrgUnitFactory()
    # a unit id that is not a number: the handler raises ValueError, not a refusal
    job = job_start(
        kind=SLOW_RENAME, user=UserFactory(), label="x", params={"units": [unit.pk, "x"]}
    )
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Việc đã dừng do một lỗi không lường trước")
    assert OrgUnit.objects.get(pk=unit.pk).name == unit.name


def test_with_redis_down_starting_a_job_is_refused_quickly_and_creates_nothing(
    dead_broker: None,
) -> None:
    user = UserFactory()
    started = time.monotonic()
    with pytest.raises(JobQueueUnavailable) as refusal:
        job_start(kind=SLOW_RENAME, user=user, label="x", params={"units": []})
    assert time.monotonic() - started < 3
    assert str(refusal.value).startswith("Hàng đợi xử lý nền hiện không hoạt động")
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="approvals_jobs.start").exists()
