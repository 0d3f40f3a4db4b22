"""A slow background job for the tests: renames organisation units one by one.

Registered by the test app's ``ready()`` so a real Celery worker started on ``tests``
settings knows it. ``params``: ``units`` (ids), ``sleep`` (seconds after each row), ``fail_at``
(a row at which it refuses with a clear message; 0 never).
"""

from __future__ import annotations

import time

from approvals.exceptions import ValidationFailed
from approvals.jobs.models import Job
from approvals.jobs.registry import JobOutcome, register
from approvals.jobs.runner import JobContext
from approvals.organisation.models import OrgUnit

SLOW_RENAME = "tests.slow_rename"
SUFFIX = " (renamed)"


def slow_rename(job: Job, context: JobContext) -> JobOutcome:
    ids = [int(pk) for pk in job.params.get("units", [])]
    sleep = float(job.params.get("sleep", 0))
    fail_at = int(job.params.get("fail_at", 0))
    units = list(OrgUnit.objects.filter(pk__in=ids).order_by("pk"))
    context.progress(0, len(units))
    for done, unit in enumerate(units, start=1):
        if done == fail_at:
            raise ValidationFailed(f"Row {done} is wrong.")
        unit.name = unit.name + SUFFIX
        unit.save(update_fields=["name"])
        context.progress(done)
        if sleep:
            time.sleep(sleep)
    return JobOutcome(
        data={"renamed": len(units)},
        summary=f"{len(units)} units renamed.",
        file_name="renamed.csv",
        file_content="\n".join(unit.name for unit in units).encode(),
    )


def register_kinds() -> None:
    register(SLOW_RENAME, label="Rename units slowly", handler=slow_rename)
