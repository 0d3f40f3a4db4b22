"""The year's roll-over of the registers: the page that starts it as a background job."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approvals.exceptions import ApprovalError
from approvals.jobs.services import job_start
from approvals.registers.rollover import (
    JOB_KIND,
    roll_over_agencies,
    roll_over_plan,
    year_check,
)

#: From this month on the page offers next year (the year's end is near).
NEXT_YEAR_FROM_MONTH = 10


def _default_year() -> int:
    today = timezone.localdate()
    return today.year + 1 if today.month >= NEXT_YEAR_FROM_MONTH else today.year


@login_required
@require_http_methods(["GET", "POST"])
def registers_roll_over_view(request: HttpRequest) -> HttpResponse:
    """Which agencies' registers would roll over into the year; POST starts the job."""
    user = cast(Any, request.user)
    allowed = roll_over_agencies(user=user)
    if allowed is not None and not allowed:
        raise PermissionDenied(_("You may not roll the registers over."))
    error = ""
    raw = request.POST.get("year") if request.method == "POST" else request.GET.get("year")
    try:
        year = year_check(raw) if raw else _default_year()
    except ApprovalError as exc:
        error, year = str(exc), _default_year()
    if request.method == "POST" and not error:
        try:
            job = job_start(
                kind=JOB_KIND,
                user=user,
                label=(
                    _("Roll the registers of every agency over into %(year)s")
                    if allowed is None
                    else _("Roll the registers of %(agencies)s over into %(year)s")
                )
                % {"year": year, "agencies": ", ".join(a.name for a in allowed or [])},
                url=reverse("registers"),
                params={"year": year},
            )
        except ApprovalError as exc:
            error = str(exc)
        else:
            return redirect("jobs:detail", job.pk)
    if error:
        messages.error(request, error)
    plans = roll_over_plan(year=year, agencies=allowed)
    return render(
        request,
        "registers_roll_over.html",
        {"year": year, "plans": plans, "all_agencies": allowed is None},
        status=400 if error else 200,
    )


__all__ = ["registers_roll_over_view"]
