"""Large recognition decisions as background jobs with progress.

A decision recognising a whole commune or district (more candidates than the setting
``NOMINATIONS_DECISION_JOB_THRESHOLD``) is signed by the leader as one job (its PDF with the
annex rendered and signed; only when no PIN is typed), then numbered as another: the number
taken, the PDF filled and sealed, every candidate recognised. Each job's work is one
transaction, so a failure anywhere keeps nothing (no number taken, no candidate recognised).
Smaller decisions are signed and issued at once, as before. The rights are checked before a
job is started (``flow_decide_check``, ``flow_issue_check``) and again when it runs.
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
from workflows.documents.esign import pin_needed
from workflows.nominations import flow_actions
from workflows.nominations.models import Candidate, CandidateState, Dossier

#: The job kind numbering a large decision.
ISSUE_KIND = "nominations.decision_issue"

#: The job kind signing a large decision (the leader's step, before the numbering).
SIGN_KIND = "nominations.decision_sign"

#: Default of ``NOMINATIONS_DECISION_JOB_THRESHOLD`` (a matter of the server's load).
DEFAULT_THRESHOLD = 200


def decision_job_threshold() -> int:
    return int(getattr(settings, "NOMINATIONS_DECISION_JOB_THRESHOLD", DEFAULT_THRESHOLD))


def _proposed(dossier: Dossier) -> int:
    count: int = Candidate.objects.of_dossier(dossier).filter(state=CandidateState.PROPOSED).count()
    return count


def issue_runs_as_job(dossier: Dossier) -> bool:
    """Whether numbering ``dossier``'s decision is large enough for a background job."""
    return _proposed(dossier) > decision_job_threshold()


def _decision_job_start(
    dossier: Dossier, user: Any, *, kind: str, label: str, params: dict[str, Any]
) -> Job:
    """Start the decision's job ``kind``; ``label`` names the act, completed here with the
    dossier's title, year, candidates and proposing unit."""
    label %= {
        "title": dossier.get_title_display(),
        "year": dossier.year,
        "count": _proposed(dossier),
        "unit": dossier.proposing_unit.name,
    }
    return job_start(
        kind=kind,
        user=user,
        label=label,
        unit=dossier.deciding_unit,
        subject=dossier,
        url=reverse("nominations:detail", args=[dossier.pk]),
        params={"dossier": dossier.pk, **params},
    )


def decision_issue_start(dossier: Dossier, user: Any) -> Job:
    """Check that ``user`` may number the decision now, then start the numbering job."""
    flow_actions.flow_issue_check(dossier, user)
    label = _(
        "Number the decision recognising “%(title)s” %(year)s for %(count)s candidates of %(unit)s"
    )
    return _decision_job_start(dossier, user, kind=ISSUE_KIND, label=label, params={})


def decision_sign_runs_as_job(dossier: Dossier, user: Any, *, pin: str | None) -> bool:
    """Whether signing ``dossier``'s decision is large enough for a background job: only
    when no PIN is typed (a job's parameters are kept and audited, a PIN never is); with a
    PIN the decision is signed at once, as a small one."""
    return not pin and not pin_needed(user) and issue_runs_as_job(dossier)


def decision_sign_start(dossier: Dossier, user: Any, *, late_reason: str = "") -> Job:
    """Check that ``user`` may sign the decision now, then start the signing job."""
    flow_actions.flow_decide_check(dossier, user, late_reason=late_reason)
    label = _(
        "Sign the decision recognising “%(title)s” %(year)s for %(count)s candidates of %(unit)s"
    )
    params = {"late_reason": late_reason}
    return _decision_job_start(dossier, user, kind=SIGN_KIND, label=label, params=params)


def _dossier_of(job: Job) -> Dossier:
    dossier: Dossier | None = (
        Dossier.objects.select_related("proposing_unit", "deciding_unit")
        .filter(pk=job.params.get("dossier"))
        .first()
    )
    if dossier is None or job.started_by is None:
        raise ValidationFailed(_("The dossier of this job no longer exists."))
    return dossier


def decision_sign_job(job: Job, context: JobContext) -> JobOutcome:
    """Render and sign the decision of ``params["dossier"]`` as its starter (one phase: the
    PDF with its annex is made and signed at once)."""
    dossier = _dossier_of(job)
    context.progress(0, 1)
    flow_actions.flow_decide(
        dossier, job.started_by, late_reason=str(job.params.get("late_reason") or "")
    )
    context.progress(1, 1)
    return JobOutcome(
        data={"dossier": dossier.pk},
        summary=_("The decision was signed; the records clerk gives it its number."),
    )


def decision_issue_job(job: Job, context: JobContext) -> JobOutcome:
    """Number, seal and record the decision of ``params["dossier"]`` as its starter."""
    dossier = _dossier_of(job)
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
    register(
        SIGN_KIND,
        label=gettext_lazy("Sign a large recognition decision"),
        handler=decision_sign_job,
    )


__all__ = [
    "ISSUE_KIND",
    "SIGN_KIND",
    "decision_issue_job",
    "decision_issue_start",
    "decision_job_threshold",
    "decision_sign_job",
    "decision_sign_runs_as_job",
    "decision_sign_start",
    "issue_runs_as_job",
    "register_kinds",
]
