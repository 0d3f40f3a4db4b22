"""The nominations' long works as background jobs: a village's households and a review
meeting's votes imported from a sheet, the dashboard exported to XLSX.

A page checks the user's right, keeps the uploaded sheet in the storage
(:func:`upload_job_start`) and starts the job; the handler reads the sheet back, does the
work as the user who started it (every service checks again) and reports its progress.
A refused sheet fails the job with the refusal's message, listing the rows, and nothing is
written (the runner's transaction is rolled back).

The sheet is deleted once imported, or once refused by a check (the same file would be
refused again); after any other failure it is kept so the job can be started again.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from approvals.exceptions import ActionNotPermitted, ValidationFailed
from approvals.jobs import registry
from approvals.jobs.services import job_start
from approvals.organisation.models import OrgUnit
from workflows.nominations import flow_actions, imports
from workflows.nominations.dashboard import dashboard_for, dashboard_scope
from workflows.nominations.dashboard_export import dashboard_file_name, dashboard_xlsx
from workflows.nominations.selectors import dossier_get_for

if TYPE_CHECKING:
    from approvals.jobs.models import Job
    from approvals.jobs.runner import JobContext

#: The kinds of job of the nominations.
HOUSEHOLDS_IMPORT = "nominations.households_import"
VOTES_IMPORT = "nominations.votes_import"
DASHBOARD_EXPORT = "nominations.dashboard_export"

#: Where uploaded sheets wait for their job (in the default storage).
UPLOADS = "jobs/in/"


def upload_job_start(
    *,
    kind: str,
    user: Any,
    label: str,
    data: bytes,
    unit: OrgUnit | None,
    subject: models.Model | None,
    url: str,
    params: dict[str, Any],
) -> Job:
    """Keep ``data`` (an uploaded sheet) for the job and start it; the caller has checked
    the user's right. The sheet is removed again when the job could not be started."""
    path = default_storage.save(f"{UPLOADS}{uuid.uuid4().hex}", ContentFile(data))
    try:
        return job_start(
            kind=kind,
            user=user,
            label=label,
            unit=unit,
            subject=subject,
            url=url,
            params={**params, "upload": path},
        )
    except Exception:
        default_storage.delete(path)
        raise


@contextmanager
def _upload(job: Job) -> Iterator[bytes]:
    """The job's uploaded sheet; deleted after the commit of the work, or at once when a
    check refuses it."""
    path = str(job.params.get("upload", ""))
    if not path.startswith(UPLOADS) or not default_storage.exists(path):
        raise ValidationFailed(
            _("The file of this job is no longer kept; upload it again from its page.")
        )
    with default_storage.open(path, "rb") as stored:
        data = stored.read()
    try:
        yield data
    except ValidationFailed:
        default_storage.delete(path)
        raise
    transaction.on_commit(functools.partial(default_storage.delete, path))


def _households(job: Job, context: JobContext) -> registry.JobOutcome:
    village = OrgUnit.objects.get(pk=job.params["village"])
    filename = str(job.params["filename"])
    with _upload(job) as data:
        result = imports.households_import(
            village=village,
            user=job.started_by,
            data=data,
            filename=filename,
            progress=context.progress,
        )
    return registry.JobOutcome(
        data={"count": result.count, "filename": filename, "sha256": result.sha256},
        summary=ngettext(
            "%(count)d household was imported into %(unit)s.",
            "%(count)d households were imported into %(unit)s.",
            result.count,
        )
        % {"count": result.count, "unit": village.name},
    )


def _votes(job: Job, context: JobContext) -> registry.JobOutcome:
    params = job.params
    dossier = dossier_get_for(user=job.started_by, pk=params["dossier"], day=timezone.localdate())
    if dossier is None:
        raise ActionNotPermitted(_("No such dossier, or it is outside your units."))
    with _upload(job) as data:
        meeting = flow_actions.flow_meeting_from_sheet(
            dossier,
            job.started_by,
            data=data,
            filename=str(params["filename"]),
            held_on=datetime.date.fromisoformat(params["held_on"]),
            invited=int(params["invited"]),
            present=int(params["present"]),
            chaired_by=str(params["chaired_by"]),
            minutes=str(params.get("minutes", "")),
            progress=context.progress,
        )
    summary = (
        _("The review meeting was recorded.")
        if meeting.quorate
        else _(
            "The meeting was recorded without the quorum: no vote was counted. "
            "The dossier waits for a further meeting."
        )
    )
    return registry.JobOutcome(
        data={"meeting": meeting.pk, "quorate": meeting.quorate}, summary=summary
    )


def _dashboard(job: Job, context: JobContext) -> registry.JobOutcome:
    user = job.started_by
    day = datetime.date.fromisoformat(job.params["day"])
    scope = dashboard_scope(user=user, day=day, filters=job.params.get("filters") or None)
    board = dashboard_for(user=user, day=day, scope=scope)
    content = dashboard_xlsx(board, progress=context.progress)
    return registry.JobOutcome(
        data={"year": board.year, "unit": board.unit.pk if board.unit else None},
        summary=_("The dashboard was exported."),
        file_name=dashboard_file_name(board),
        file_content=content,
    )


def register() -> None:
    """Register the nominations' kinds of job (called by the app's ready())."""
    registry.register(
        HOUSEHOLDS_IMPORT, label=gettext_lazy("Household import"), handler=_households
    )
    registry.register(VOTES_IMPORT, label=gettext_lazy("Votes import"), handler=_votes)
    registry.register(DASHBOARD_EXPORT, label=gettext_lazy("Dashboard export"), handler=_dashboard)


__all__ = [
    "DASHBOARD_EXPORT",
    "HOUSEHOLDS_IMPORT",
    "UPLOADS",
    "VOTES_IMPORT",
    "register",
    "upload_job_start",
]
