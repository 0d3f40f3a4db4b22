"""The secretary's dashboard page and its XLSX export (a background job)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals.exceptions import ApprovalError
from approvals.jobs.services import job_start
from workflows.nominations import jobs
from workflows.nominations.dashboard import (
    Scope,
    UnitOutOfReach,
    dashboard_for,
    dashboard_scope,
)
from workflows.nominations.views.common import PAGE_SIZE, job_url, page_of, today

#: The filters of the dashboard (``?unit=&year=``), handed to the export's job.
FILTERS = ("unit", "year")


def _scope(request: HttpRequest) -> Scope:
    """The units and year the request's filters choose; 404 for a unit out of reach."""
    try:
        return dashboard_scope(user=request.user, day=today(), filters=request.GET or None)
    except UnitOutOfReach as refused:
        raise Http404(str(refused)) from refused


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Pending dossiers by step and level, overdue first; shares against the target; reports."""
    scope = _scope(request)
    board = dashboard_for(user=request.user, day=today(), scope=scope)
    page = page_of(request, board.pending, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/dashboard.html",
        {"board": board, "form": scope.form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_POST
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """Start the job that writes the dashboard, as the page's filters show it, to an XLSX
    workbook (pending dossiers, counts, shares, late reports); its page offers the file."""
    scope = _scope(request)
    day = today()
    filters = {key: request.GET[key] for key in FILTERS if request.GET.get(key)}
    label = (
        _("Dashboard of %(unit)s for %(year)s, as an XLSX workbook")
        % {"unit": scope.unit.name, "year": scope.year}
        if scope.unit is not None
        else _("Dashboard for %(year)s, as an XLSX workbook") % {"year": scope.year}
    )
    query = request.GET.urlencode()
    back = reverse("nominations:dashboard") + (f"?{query}" if query else "")
    try:
        job = job_start(
            kind=jobs.DASHBOARD_EXPORT,
            user=request.user,
            label=label,
            unit=scope.unit,
            subject=scope.unit,
            url=back,
            params={"day": day.isoformat(), "filters": filters},
        )
    except ApprovalError as refused:  # the queue is unavailable: nothing was started
        messages.error(request, str(refused))
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(job_url(job))


__all__ = ["dashboard", "dashboard_export"]
