"""Jobs without a broker: they run at once inside the starting call."""

from __future__ import annotations

import pytest

from approvals.audit.models import AuditEvent
from approvals.exceptions import ValidationFailed
from approvals.jobs import registry
from approvals.jobs.models import Job, JobStatus
from approvals.jobs.runner import JobContext
from approvals.jobs.services import job_retry, job_start
from approvals.organisation.models import OrgUnit
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

FAIL_FIRST: dict[str, bool] = {}


def _rename(job: Job, context: JobContext) -> registry.JobOutcome:
    """Renames units one by one, failing half-way when told to."""
    units = list(OrgUnit.objects.filter(pk__in=job.params["units"]).order_by("pk"))
    for done, unit in enumerate(units, start=1):
        unit.name = f"{unit.name} (renamed)"
        unit.save(update_fields=["name"])
        if done == 2 and FAIL_FIRST.pop("fail", False):
            raise ValidationFailed("row 2 is wrong")
        context.progress(done, len(units))
    return registry.JobOutcome(
        data={"renamed": len(units)}, file_name="out.txt", file_content=b"ok"
    )


@pytest.fixture(autouse=True)
def _kind() -> None:
    registry.register("tests.rename", label="Rename", handler=_rename)


def test_a_job_runs_to_the_end_and_keeps_its_result() -> None:
    user = UserFactory()
    units = [OrgUnitFactory() for _ in range(3)]
    job = job_start(
        kind="tests.rename", user=user, label="x", params={"units": [u.pk for u in units]}
    )
    assert job.status == JobStatus.DONE
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.result == {"renamed": 3}
    assert job.result_file.read() == b"ok"
    assert all(
        u.name.endswith("(renamed)") for u in OrgUnit.objects.filter(pk__in=[u.pk for u in units])
    )
    actions = list(
        AuditEvent.objects.for_subject("approvals_jobs.job", str(job.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["approvals_jobs.start", "approvals_jobs.run", "approvals_jobs.finish"]


def test_a_failed_job_keeps_nothing_and_runs_again() -> None:
    user = UserFactory()
    units = [OrgUnitFactory() for _ in range(3)]
    names = {u.pk: u.name for u in units}
    FAIL_FIRST["fail"] = True
    job = job_start(kind="tests.rename", user=user, label="x", params={"units": list(names)})
    assert job.status == JobStatus.FAILED
    assert job.error == "row 2 is wrong"
    assert {u.pk: u.name for u in OrgUnit.objects.filter(pk__in=names)} == names
    again = job_retry(job=job, user=user)
    assert again.status == JobStatus.DONE
    assert again.attempts == 2
    assert all(u.name == f"{names[u.pk]} (renamed)" for u in OrgUnit.objects.filter(pk__in=names))
