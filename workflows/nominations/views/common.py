"""What every nomination page uses: the day, paging, the dossier in reach, refusals, downloads."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.downloads import file_download
from approvals.exceptions import ActionNotPermitted, ApprovalError, ConcurrentUpdate
from workflows.nominations.flows import dossier_stage
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.selectors import dossier_get_for

if TYPE_CHECKING:
    from approvals.jobs.models import Job

#: Rows per page of the lists.
PAGE_SIZE = 25


def today() -> datetime.date:
    """The local date the pages work with."""
    return timezone.localdate()


def page_of(request: HttpRequest, rows: Any, size: int, param: str = "page") -> Page[Any]:
    """The page of ``rows`` the request asks for (``?page=``), ``size`` rows each."""
    return Paginator(rows, size).get_page(request.GET.get(param))


def error_status(error: ApprovalError) -> int:
    """The HTTP status of a refused action: 403 not permitted, 409 concurrent, else 400."""
    if isinstance(error, ActionNotPermitted):
        return 403
    if isinstance(error, ConcurrentUpdate):
        return 409
    return 400


def dossier_visible(request: HttpRequest, pk: int) -> Dossier:
    """The dossier ``pk`` if it is within the user's reach today, else 404."""
    dossier = dossier_get_for(user=request.user, pk=pk, day=today())
    if dossier is None:
        raise Http404(_("No such dossier, or it is outside your units."))
    return dossier


def detail_url(dossier: Dossier) -> str:
    """The address of the dossier's page."""
    return reverse("nominations:detail", args=[dossier.pk])


def job_url(job: Job) -> str:
    """The page of a started job (its progress, then its outcome)."""
    return reverse("jobs:detail", args=[job.pk])


def check_fresh(request: HttpRequest, dossier: Dossier) -> None:
    """Refuse an action posted from a page showing an older stage of the dossier."""
    seen = request.POST.get("stage", "")
    now = dossier_stage(dossier)
    if seen and seen != now:
        state = now.split(":")[0]
        raise ConcurrentUpdate(
            _(
                "The dossier has moved on since you opened the page (now: %(state)s); "
                "nothing was changed. Reload the page and check it again."
            )
            % {"state": DossierState(state).label}
        )


_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def download(data: bytes, filename: str, fmt: str) -> HttpResponse:
    """``data`` as an attachment named ``filename`` with the format ``fmt``'s content type."""
    return file_download(data, filename, _TYPES[fmt])


__all__ = [
    "PAGE_SIZE",
    "check_fresh",
    "detail_url",
    "dossier_visible",
    "download",
    "error_status",
    "job_url",
    "page_of",
    "today",
]
