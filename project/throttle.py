"""Login throttling: after ``LOGIN_THROTTLE_ATTEMPTS`` failed sign-ins for one user name from
one address within ``LOGIN_THROTTLE_WINDOW`` seconds, that pair is locked out for
``LOGIN_THROTTLE_LOCKOUT`` seconds, whatever password is tried.

The counters live in Django's cache (give production a shared cache, e.g. Redis, so every
worker process sees the same counts). The lock is enforced by an authentication backend
listed first, so the site's sign-in page and the admin's are both covered; a successful
sign-in clears the counter.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

THROTTLED = "throttled"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def client_address(request: HttpRequest) -> str:
    """The caller's address (REMOTE_ADDR; the proxy in front must set it to the client's)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(username: str, address: str, kind: str) -> str:
    digest = hashlib.sha256(f"{username.strip().casefold()}\n{address}".encode()).hexdigest()
    return f"login-throttle:{kind}:{digest}"


def is_locked(username: str, request: HttpRequest) -> bool:
    """Whether sign-ins of ``username`` from this request's address are locked out now."""
    return bool(cache.get(_key(username, client_address(request), "lock")))


def record_failure(username: str, request: HttpRequest) -> None:
    """Count one failed sign-in; lock the pair out when the count reaches the limit."""
    address = client_address(request)
    window = _setting("LOGIN_THROTTLE_WINDOW", 900)
    failures = _key(username, address, "fail")
    cache.add(failures, 0, timeout=window)
    try:
        count = cache.incr(failures)
    except ValueError:  # expired between add and incr
        cache.set(failures, 1, timeout=window)
        count = 1
    if count >= _setting("LOGIN_THROTTLE_ATTEMPTS", 5):
        cache.set(
            _key(username, address, "lock"), True, timeout=_setting("LOGIN_THROTTLE_LOCKOUT", 900)
        )
        cache.delete(failures)


def clear(username: str, request: HttpRequest) -> None:
    """Forget the failures of ``username`` from this address (after a successful sign-in)."""
    address = client_address(request)
    cache.delete_many([_key(username, address, "fail"), _key(username, address, "lock")])


class LoginThrottleBackend(BaseBackend):
    """Refuses every sign-in of a locked-out pair; authenticates nobody itself."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, **kwargs: Any
    ) -> None:
        """Raise PermissionDenied for a locked pair, so no later backend is tried."""
        if request is not None and username and is_locked(username, request):
            raise PermissionDenied

    def get_user(self, user_id: Any) -> Any:
        """As the model backend: ``force_login`` records the first backend in the session."""
        return ModelBackend().get_user(user_id)


@receiver(user_login_failed, dispatch_uid="project.throttle.failed")
def _on_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    username = credentials.get("username")
    if request is not None and username and not is_locked(username, request):
        record_failure(username, request)


@receiver(user_logged_in, dispatch_uid="project.throttle.success")
def _on_success(sender: Any, request: Any, user: Any, **_: Any) -> None:
    if request is not None:
        clear(user.get_username(), request)


class ThrottledAuthenticationForm(AuthenticationForm):
    """The sign-in form, saying plainly when a user name is locked out."""

    def clean(self) -> dict[str, Any]:
        """Refuse a locked pair before checking the password."""
        username = self.cleaned_data.get("username")
        if self.request is not None and username and is_locked(username, self.request):
            minutes = max(1, _setting("LOGIN_THROTTLE_LOCKOUT", 900) // 60)
            raise ValidationError(
                _(
                    "Too many failed sign-ins for this user name. Try again in %(minutes)d "
                    "minutes or ask the administrator."
                ),
                code=THROTTLED,
                params={"minutes": minutes},
            )
        return super().clean()


class ThrottledLoginView(auth_views.LoginView):
    """The sign-in page; a locked-out attempt answers 429 Too Many Requests."""

    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        """Render the form again, with 429 when the user name is locked out."""
        throttled = form.has_error("__all__", THROTTLED)
        response = self.render_to_response(self.get_context_data(form=form, throttled=throttled))
        if throttled:
            response.status_code = 429
        return response
