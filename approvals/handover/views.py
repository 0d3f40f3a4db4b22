"""The hand-over lists (biên bản bàn giao hồ sơ): their index and each list as a document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from approvals.handover.selectors import handover_list_visible

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@login_required
@require_http_methods(["GET", "HEAD"])
def handover_list(request: HttpRequest) -> HttpResponse:
    """The hand-over lists the user may read."""
    lists = handover_list_visible(user=request.user, day=timezone.localdate())
    return render(request, "approvals_handover/list.html", {"lists": lists[:200]})


@login_required
@require_http_methods(["GET", "HEAD"])
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One hand-over list as a printable document (another unit's list answers 404)."""
    hand_over = get_object_or_404(
        handover_list_visible(user=request.user, day=timezone.localdate()), pk=pk
    )
    return render(
        request,
        "approvals_handover/detail.html",
        {"hand_over": hand_over, "cases": list(hand_over.cases.all())},
    )
