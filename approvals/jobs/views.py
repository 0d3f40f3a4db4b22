"""The pages of the background jobs: the list ("Việc đang chạy") and one job's progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals.exceptions import ApprovalError
from approvals.jobs.models import ACTIVE, JobStatus
from approvals.jobs.selectors import job_for, jobs_running, jobs_visible
from approvals.jobs.services import job_retry

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse, HttpResponseBase

    from approvals.jobs.models import Job

#: How many ended jobs the list shows under the running ones.
RECENT = 50


def progress_texts() -> dict[str, Any]:
    """The words of the progress line, in the page's language, for the page and its script
    (``{done}``, ``{total}``, ``{percent}`` filled in)."""
    return {
        "statuses": {value: str(label) for value, label in JobStatus.choices},
        "done": _("{done} rows done ({percent}%)"),
        "total": _("{total} rows in all"),
        "unreachable": _("The job's progress cannot be read right now; the page keeps trying."),
        "gone": _("This job can no longer be followed here; reload the page."),
    }


def status_text(job: Job, texts: dict[str, Any]) -> str:
    """ "Running: 40 rows done (40%) · 100 rows in all"."""
    text = "{}: {}".format(
        texts["statuses"][job.status],
        texts["done"].format(done=job.progress_done, percent=job.percent),
    )
    if job.progress_total is not None:
        text += " · " + texts["total"].format(total=job.progress_total)
    return text


def _job(request: HttpRequest, pk: int) -> Job:
    job = job_for(request.user, pk)
    if job is None:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "HEAD"])
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's jobs: those not ended first, then the recently ended ones."""
    running = list(jobs_running(request.user).order_by("created_at", "pk"))
    recent = list(jobs_visible(request.user).exclude(status__in=ACTIVE)[:RECENT])
    return render(request, "approvals_jobs/list.html", {"running": running, "recent": recent})


@login_required
@require_http_methods(["GET", "HEAD"])
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: what it does, its progress (followed by site/job-progress.js), its result or
    error."""
    job = _job(request, pk)
    texts = progress_texts()
    return render(
        request,
        "approvals_jobs/detail.html",
        {"job": job, "texts": texts, "status_text": status_text(job, texts)},
    )


@login_required
@require_POST
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a failed job again (a refusal is shown on the job's page, nothing changed)."""
    job = _job(request, pk)
    try:
        job = job_retry(job=job, user=request.user)
    except ApprovalError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The job was started again."))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file a finished job made."""
    job = _job(request, pk)
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        messages.error(
            request, _("The job's file is no longer kept. Start the work again to get it.")
        )
        return redirect("jobs:detail", pk=job.pk)
    name = job.result_name or str(job.result_file.name).rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)
