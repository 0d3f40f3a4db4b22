"""A household's page: who and where it is, and its candidacies year by year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workflows.nominations.selectors import household_candidacies, household_get_for
from workflows.nominations.views.common import today


@login_required
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The household ``pk`` if its village is within the user's reach today, else 404."""
    day = today()
    household = household_get_for(user=request.user, pk=pk, day=day)
    if household is None:
        raise Http404(_("No such household, or it is outside your units."))
    candidacies = household_candidacies(user=request.user, household=household, day=day)
    return render(
        request,
        "nominations/household_detail.html",
        {"household": household, "candidacies": candidacies},
    )
