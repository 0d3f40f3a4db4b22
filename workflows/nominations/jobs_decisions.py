"""Large recognition decisions as background jobs with progress.

A decision recognising a whole commune or district (more candidates than the setting
``NOMINATIONS_DECISION_JOB_THRESHOLD``) is numbered, its PDF filled and sealed, and every
candidate recognised in one job: all in the job's one transaction, so a failure anywhere
keeps nothing (no number taken, no candidate recognised). Smaller decisions are issued at
once, as before. The records clerk's rights are checked before the job is started
(:func:`~workflows.nominations.flow_actions.flow_issue_check`) and again when it runs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.exceptions import ValidationFailed
from approvals.jobs.models import Job
from approvals.jobs.registry import JobOutcome, register
from approvals.jobs.runner import JobContext
from approvals.jobs.services import job_start
from workflows.nominations import flow_actions
from workflows.nominations.models import Candidate, CandidateState, Dossier

#: The job kind numbering a large decision.
ISSUE_KIND = "nominations.decision_issue"

#: Default of ``NOMINATIONS_DECISION_JOB_THRESHOLD`` (a matter of the server's load).
DEFAULT_THRESHOLD = 200


def decision_job_threshold() -> int:
    return int(getattr(settings, "NOMINATIONS_DECISION_JOB_THRESHOLD", DEFAULT_THRESHOLD))


def _proposed(dossier: Dossier) -> int:
    return Candidate.objects.of_dossier(dossier).filter(state=CandidateState.PROPOSED).count()


def issue_runs_as_job(dossier: Dossier) -> bool:
    """Whether numbering ``dossier``'s decision is large enough for a background job."""
    return _proposed(dossier) > decision_job_threshold()


def decision_issue_start(dossier: Dossier, user: Any) -> Job:
    """Check that ``user`` may number the decision now, then start the numbering job."""
    flow_actions.flow_issue_check(dossier, user)
    label = _(
        "Number the decision recognising “%(title)s” %(year)s for %(count)s candidates "
        "of %(unit)s"
    ) % {
        "title": dossier.get_title_display(),
        "year": dossier.year,
        "count": _proposed(dossier),
        "unit": dossier.proposing_unit.name,
    }
    return job_start(
        kind=ISSUE_KIND,
        user=user,
        label=label,
        unit=dossier.deciding_unit,
        subject=dossier,
        url=reverse("nominations:detail", args=[dossier.pk]),
        params={"dossier": dossier.pk},
    )


def decision_issue_job(job: Job, context: JobContext) -> JobOutcome:
    """Number, seal and record the decision of ``params["dossier"]`` as its starter."""
    dossier = (
        Dossier.objects.select_related("proposing_unit", "deciding_unit")
        .filter(pk=job.params.get("dossier"))
        .first()
    )
    if dossier is None or job.started_by is None:
        raise ValidationFailed(_("The dossier of this job no longer exists."))
    issued = flow_actions.flow_issue_decision(dossier, job.started_by, progress=context.progress)
    entry = issued.register_entry
    recognised = (
        Candidate.objects.of_dossier(issued).filter(state=CandidateState.RECOGNISED).count()
    )
    symbol = entry.symbol if entry is not None else ""
    return JobOutcome(
        data={"dossier": dossier.pk, "symbol": symbol, "recognised": recognised},
        summary=_("Decision %(symbol)s issued; %(count)s titles recorded.")
        % {"symbol": symbol, "count": recognised},
    )


def register_kinds() -> None:
    """Called by the app's ready()."""
    register(
        ISSUE_KIND,
        label=gettext_lazy("Number a large recognition decision"),
        handler=decision_issue_job,
    )


__all__ = [
    "ISSUE_KIND",
    "decision_issue_job",
    "decision_issue_start",
    "decision_job_threshold",
    "issue_runs_as_job",
    "register_kinds",
]
