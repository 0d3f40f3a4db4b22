"""The page “Xác thực văn bản”: upload a PDF, read what its signatures are worth."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from workflows.verification.forms import VerifyForm
from workflows.verification.reports import (
    VerificationRefused,
    max_bytes,
    may_fetch,
    verify_pdf,
)
from workflows.verification.throttling import allowed

TEMPLATE = "verification/verify.html"


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Open to anyone (recipients outside the system check what they received); rate-limited."""
    context: dict[str, Any] = {"limit_mb": f"{max_bytes() / 1_048_576:.0f}", "result": None}
    if request.method != "POST":
        return render(request, TEMPLATE, {**context, "form": VerifyForm()})
    form = VerifyForm(request.POST, request.FILES)
    ok, wait = allowed(request)
    if not ok:
        form.add_error(
            None,
            _("Too many documents checked from here; try again in %(seconds)d seconds.")
            % {"seconds": wait},
        )
        response = render(request, TEMPLATE, {**context, "form": form})
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response
    if form.is_valid():
        try:
            context["result"] = verify_pdf(
                form.cleaned_data["data"], allow_fetching=may_fetch(request.user)
            )
        except VerificationRefused as exc:
            form.add_error("file", str(exc.message))
    status = 400 if form.errors else 200
    return render(request, TEMPLATE, {**context, "form": form}, status=status)
