"""The two-step sign-in pages: the code step after the password, and the enrolment page.

The password step (the site's sign-in page) does not sign in a user who has an
authenticator app: it keeps who they are in the session for ``OTP_LOGIN_TIMEOUT`` seconds and
sends them to the code step, which signs them in and marks the session verified. Wrong codes
count as failed sign-ins for the login throttle (``project.throttle``), as wrong passwords do.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from approvals.exceptions import ApprovalError
from approvals.twofactor.exceptions import CodeInvalid
from approvals.twofactor.selectors import recovery_codes_left, twofactor_enabled
from approvals.twofactor.services import (
    new_secret,
    provisioning_uri,
    secret_base32,
    twofactor_enrol,
    twofactor_recovery_codes_renew,
    twofactor_remove,
    twofactor_verify,
)
from project.throttle import THROTTLED, ThrottledLoginView, is_locked
from project.twofactor.forms import CodeForm, ConfirmForm, EnrolForm

#: Session keys: the sign-in waiting for its code, and the secret of an app being set up.
PENDING = "twofactor_pending"
ENROL_KEY = "twofactor_enrol_key"


class TwoStepLoginView(ThrottledLoginView):
    """The sign-in page: a user with an authenticator app goes on to the code step."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """Sign in, or keep the user waiting for their code."""
        user = form.get_user()
        if not twofactor_enabled(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
            "since": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_code")


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any] | None]:
    """Who the code step is for: the signed-in, unverified user, or the pending sign-in."""
    user: Any = request.user
    if user.is_authenticated:
        return (user, None) if not user.is_verified() and twofactor_enabled(user) else (None, None)
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None, None
    if time.time() - float(pending.get("since", 0)) > settings.OTP_LOGIN_TIMEOUT:
        request.session.pop(PENDING, None)
        return None, None
    found = get_user_model().objects.filter(pk=int(pending.get("user", 0)), is_active=True).first()
    return found, pending


def _safe_next(request: HttpRequest, candidate: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if candidate and allowed else reverse(settings.LOGIN_REDIRECT_URL)


def _throttled_message() -> str:
    minutes = max(1, int(settings.LOGIN_THROTTLE_LOCKOUT) // 60)
    return _(
        "Too many failed sign-ins for this user name. Try again in %(minutes)d "
        "minutes or ask the administrator."
    ) % {"minutes": minutes}


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app (or a recovery code, used up)."""
    user, pending = _pending_user(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.error(request, _("Your sign-in has expired. Please sign in again."))
        return redirect("login")
    next_url = pending["next"] if pending else request.GET.get("next", request.POST.get("next", ""))
    form = CodeForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "next": next_url}
    if request.method == "POST" and form.is_valid():
        username = user.get_username()
        if is_locked(username, request):
            return _refuse_locked(request, context)
        device = twofactor_verify(user=user, code=form.cleaned_data["otp_token"])
        if device is not None:
            if pending is not None:
                auth_login(request, user, backend=pending["backend"])
                request.session.pop(PENDING, None)
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                _warn_recovery_used(request, user)
            return redirect(_safe_next(request, next_url))
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        if is_locked(username, request):
            return _refuse_locked(request, context)
        form.add_error("otp_token", str(CodeInvalid.default_message))
    return render(request, "twofactor/login_code.html", context)


def _refuse_locked(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    request.session.pop(PENDING, None)
    context["form"].add_error(None, _throttled_message())
    context[THROTTLED] = True
    return render(request, "twofactor/login_code.html", context, status=429)


def _warn_recovery_used(request: HttpRequest, user: Any) -> None:
    left = recovery_codes_left(user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code; %(count)d code is left. "
            "Create new codes on the two-step verification page.",
            "You signed in with a recovery code; %(count)d codes are left. "
            "Create new codes on the two-step verification page.",
            left,
        )
        % {"count": left},
    )


def _qr_svg(uri: str) -> str:
    """The QR code as an inline ``<svg>`` (no script and no data: address: the CSP allows it)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308 - segno's own markup, from our own address


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    response = render(request, "twofactor/recovery_codes.html", {"codes": codes, "first": first})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def twofactor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, or see and manage the one set up."""
    user: Any = request.user
    if twofactor_enabled(user):
        if request.method == "POST":
            messages.error(request, _("Two-step verification is already set up."))
            return redirect("twofactor")
        context = {"codes_left": recovery_codes_left(user), "confirm": ConfirmForm()}
        return render(request, "twofactor/manage.html", context)
    key = request.session.get(ENROL_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = request.session[ENROL_KEY] = new_secret()
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = twofactor_enrol(user=user, key=key, code=form.cleaned_data["otp_token"])
        except ApprovalError as exc:
            form.add_error("otp_token", str(exc.message))
        else:
            request.session.pop(ENROL_KEY, None)
            django_otp.login(request, enrolment.device)
            return _codes_page(request, enrolment.recovery_codes, first=True)
    context = {
        "form": form,
        "qr": _qr_svg(provisioning_uri(user, key)),
        "secret": _grouped(secret_base32(key)),
        "next": request.GET.get("next", ""),
    }
    return render(request, "twofactor/enrol.html", context)


def _confirmed(request: HttpRequest, form: ConfirmForm) -> bool:
    """Whether the user gave their password or a current code (wrong ones are failures)."""
    user: Any = request.user
    if not form.is_valid():
        messages.error(request, _("Enter your password or a current code from the app."))
        return False
    username = user.get_username()
    if is_locked(username, request):
        messages.error(request, _throttled_message())
        return False
    value = form.cleaned_data["confirmation"]
    if user.check_password(value) or twofactor_verify(user=user, code=value, recovery=False):
        return True
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    messages.error(request, _("That is neither your password nor a current code from the app."))
    return False


@require_POST
@login_required
def twofactor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    if not _confirmed(request, ConfirmForm(request.POST)):
        return redirect("twofactor")
    try:
        codes = twofactor_recovery_codes_renew(user=request.user)
    except ApprovalError as exc:
        messages.error(request, str(exc.message))
        return redirect("twofactor")
    return _codes_page(request, codes, first=False)


@require_POST
@login_required
def twofactor_remove_view(request: HttpRequest) -> HttpResponse:
    """Remove the authenticator app and the recovery codes."""
    if _confirmed(request, ConfirmForm(request.POST)):
        try:
            twofactor_remove(user=request.user)
        except ApprovalError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Two-step verification has been removed."))
    return redirect("twofactor")
