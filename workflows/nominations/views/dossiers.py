"""The list of dossiers and the page that opens a new one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from approvals.exceptions import ApprovalError
from workflows.nominations import flow_actions, services
from workflows.nominations.forms import DossierCreateForm, DossierFilterForm
from workflows.nominations.models import Title
from workflows.nominations.selectors import dossier_list_for, proposing_units_for
from workflows.nominations.views.common import PAGE_SIZE, detail_url, error_status, page_of, today


@login_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    """Dossiers of the user's units and below, filtered by title, state and year."""
    form = DossierFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "title": form.cleaned_data["title"] or "",
            "state": form.cleaned_data["state"] or "",
            "year": form.cleaned_data["year"],
        }
    rows = dossier_list_for(user=request.user, day=today(), **filters)
    page = page_of(request, rows, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/dossier_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": today()},
    )


@login_required
def dossier_new(request: HttpRequest) -> HttpResponse:
    """Open a dossier for a title and a year, and start its workflow."""
    day = today()
    units = proposing_units_for(user=request.user, day=day)
    form = DossierCreateForm(
        request.POST or None,
        units=units,
        initial={"year": day.year, "title": Title.CULTURAL_FAMILY},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                dossier = services.dossier_create(
                    user=request.user,
                    title=form.cleaned_data["title"],
                    year=form.cleaned_data["year"],
                    proposing_unit=form.cleaned_data["proposing_unit"],
                )
                flow_actions.flow_start(dossier, request.user)
        except ApprovalError as error:
            form.add_error(None, str(error))
            status = error_status(error)
        else:
            messages.success(request, _("The dossier was opened."))
            return HttpResponseRedirect(detail_url(dossier))
    elif request.method == "POST":
        status = 400
    return render(
        request, "nominations/dossier_new.html", {"form": form, "units": units}, status=status
    )


__all__ = ["dossier_list", "dossier_new"]
