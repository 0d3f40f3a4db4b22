"""The year's roll-over of the registers as a background job."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.jobs.models import Job
from approvals.jobs.registry import JobOutcome, register
from approvals.jobs.runner import JobContext
from approvals.organisation.models import OrgUnit
from approvals.registers.rollover import JOB_KIND, registers_roll_over


def roll_over_job(job: Job, context: JobContext) -> JobOutcome:
    """``params``: ``year`` and optionally ``agencies`` (ids); the starter's rights apply."""
    ids = job.params.get("agencies")
    agencies = list(OrgUnit.objects.filter(pk__in=ids).order_by("path")) if ids else None
    counts = registers_roll_over(
        year=job.params["year"], user=job.started_by, agencies=agencies, progress=context.progress
    )
    return JobOutcome(
        data=counts,
        summary=_("%(agencies)s agencies, %(registers)s registers rolled over into %(year)s.")
        % counts,
    )


def register_kinds() -> None:
    register(JOB_KIND, label=gettext_lazy("Roll the registers over"), handler=roll_over_job)


__all__ = ["register_kinds", "roll_over_job"]
