"""The pages of the background jobs: the list ("Việc đang chạy") and one job's progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from approvals.exceptions import ApprovalError
from approvals.jobs.models import JobStatus
from approvals.jobs.selectors import job_for, jobs_visible
from approvals.jobs.services import job_retry

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from approvals.jobs.models import Job


def _job(request: HttpRequest, pk: int) -> Job:
    job = job_for(request.user, pk)
    if job is None:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "HEAD"])
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's jobs, running ones first."""
    jobs = list(jobs_visible(request.user)[:200])
    return render(request, "approvals_jobs/list.html", {"jobs": jobs})


@login_required
@require_http_methods(["GET", "HEAD"])
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: what it does, its progress, its result or error."""
    return render(request, "approvals_jobs/detail.html", {"job": _job(request, pk)})


@login_required
@require_POST
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a failed job again."""
    job = _job(request, pk)
    try:
        job = job_retry(job=job, user=request.user)
    except ApprovalError as refusal:
        messages.error(request, str(refusal))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file a finished job made."""
    job = _job(request, pk)
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)
