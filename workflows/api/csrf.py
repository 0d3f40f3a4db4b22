"""CSRF for the API's session sign-in, which an anonymous browser calls.

DRF exempts its views from Django's CSRF middleware and lets ``SessionAuthentication`` check
the token instead, but only once a user is signed in. A sign-in is made by an anonymous
visitor, so without :class:`CsrfEnforced` another site could post a form to
``/api/auth/login/`` and sign the visitor's browser in as the attacker's account (login
CSRF). The check is Django's own: the ``Origin`` (or, over HTTPS, the ``Referer``) must be
this site or a trusted origin, and the ``X-CSRFToken`` header (or the form's
``csrfmiddlewaretoken``) must match the ``csrftoken`` cookie, which ``GET /api/auth/csrf/``
hands out. Token clients (``/api/auth/token/``) send no cookie and need none of this.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import CSRFCheck
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class CsrfFailed(exceptions.PermissionDenied):
    """The request did not come from a page of this site."""

    default_code = "csrf_failed"


def enforce_csrf(request: Request) -> None:
    """Django's CSRF check on ``request``, signed in or not; :class:`CsrfFailed` if it fails."""

    def no_response(_request: Any) -> HttpResponse:  # pragma: no cover - never called
        return HttpResponse()

    check = CSRFCheck(no_response)
    check.process_request(request._request)
    reason = check.process_view(request._request, None, (), {})
    if reason:
        raise CsrfFailed(
            _(
                "This sign-in did not come from a page of this site (CSRF check failed): "
                "fetch a token from /api/auth/csrf/ and send it in the X-CSRFToken header."
            )
        )


class CsrfEnforced:
    """Mix into an ``APIView`` whose POST changes the browser's session, even anonymously."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            enforce_csrf(request)


class CsrfTokenSerializer(serializers.Serializer[Any]):
    csrf_token = serializers.CharField()


@extend_schema(tags=["auth"])
class CsrfTokenView(APIView):
    """The CSRF token for a session sign-in (also set as the ``csrftoken`` cookie)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CsrfTokenSerializer})
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request._request)})
