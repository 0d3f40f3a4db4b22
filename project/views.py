"""The site's own pages: the start page ("My work")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from approvals.organisation.models import Position


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user holds and what waits for them."""
    today = timezone.localdate()
    positions = (
        Position.objects.active_on(today)
        .filter(user_id=request.user.pk)
        .select_related("unit", "role")
        .order_by("unit__path", "role__name")
    )
    return render(request, "home.html", {"positions": positions, "today": today})
