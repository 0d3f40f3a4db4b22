"""Sends a signed-in user whose session still needs the second step where they can give it.

- a user with an authenticator app whose session was not verified with a code (signed in
  before the app was set up, elsewhere) goes to the code step;
- a user who must use two-step sign-in (``OTP_REQUIRED``) and has no app yet goes to the
  enrolment page before any other page.

The API answers 403 with a code instead of redirecting; its sign-in endpoints, the sign-out
and the language switch stay reachable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.twofactor.selectors import twofactor_enabled, twofactor_required

CODE_STEP = "login_code"
ENROLMENT = "twofactor"
#: Pages open to a session that still needs the given step.
OPEN_PAGES = {
    CODE_STEP: frozenset({"login", CODE_STEP, "logout", "set_language"}),
    ENROLMENT: frozenset({"login", ENROLMENT, "logout", "set_language"}),
}
#: The API's own sign-in and sign-out (they ask for the code themselves).
OPEN_API = ("/api/auth/token/", "/api/auth/login/", "/api/auth/logout/")


def pending_step(request: HttpRequest) -> str | None:
    """The URL name of the step this session still needs, or None."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return None
    if twofactor_enabled(user):
        return CODE_STEP
    if twofactor_required(user, timezone.localdate()):
        return ENROLMENT
    return None


def _is_open(request: HttpRequest, step: str) -> bool:
    path = request.path_info
    if path.startswith(OPEN_API) or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        name = resolve(path).url_name
    except Resolver404:
        return True  # a 404 page gives nothing away
    return name in OPEN_PAGES[step]


class TwoFactorMiddleware:
    """Holds a session at its second step until it is done (after ``OTPMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = pending_step(request)
        if step is None or _is_open(request, step):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            if step == CODE_STEP:
                code, message = "otp_required", _("Enter the verification code to continue.")
            else:
                code = "otp_enrolment_required"
                message = _("Set up two-step verification on the site to continue.")
            return JsonResponse({"code": code, "message": message, "fields": {}}, status=403)
        target = reverse(step)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
