"""The secretary's dashboard page and its XLSX export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workflows.nominations.chart_selectors import unit_in_reach
from workflows.nominations.dashboard import Dashboard, dashboard_get
from workflows.nominations.dashboard_export import dashboard_xlsx
from workflows.nominations.forms import DashboardForm
from workflows.nominations.selectors import reach_units
from workflows.nominations.views.common import PAGE_SIZE, download, page_of, today


def _dashboard(request: HttpRequest) -> tuple[Dashboard, DashboardForm]:
    day = today()
    units = reach_units(user=request.user, day=day)
    form = DashboardForm(request.GET or None, units=units)
    year = day.year
    unit = units[0] if units else None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        chosen = form.cleaned_data["unit"]
        if chosen is not None:
            # a top unit of the reach, or one under it (a commune's page)
            unit = next((u for u in units if u.pk == chosen), None) or unit_in_reach(
                user=request.user, day=day, pk=chosen
            )
            if unit is None:
                raise Http404(_("This unit is outside your reach."))
            if unit not in units:
                form.fields["unit"].widget.choices.append((unit.pk, unit.name))
    board = dashboard_get(user=request.user, day=day, units=units, unit=unit, year=year)
    return board, form


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Pending dossiers by step and level, overdue first; shares against the target; reports."""
    board, form = _dashboard(request)
    page = page_of(request, board.pending, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/dashboard.html",
        {"board": board, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard as an XLSX workbook: pending dossiers, counts, shares, late reports."""
    board, _form = _dashboard(request)
    return download(dashboard_xlsx(board), f"bang-dieu-khien-{board.day:%Y%m%d}.xlsx", "xlsx")


__all__ = ["dashboard", "dashboard_export"]
