"""``/api/auth/``: API tokens, the site's session sign-in and sign-out, and who is asking."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from approvals.organisation.models import Position
from approvals.organisation.resolver import user_label
from workflows.api import serializers as s
from workflows.api.csrf import CsrfEnforced
from workflows.api.twofactor import second_step
from workflows.api.views.base import Localised, validated


class AuthThrottle(ScopedRateThrottle):
    """The rate limit of the login and token endpoints (scope ``auth``)."""

    scope_attr = "throttle_scope"

    def timer(self) -> float:
        # Read the clock at each call: DRF's class attribute ``time.time`` is bound once,
        # at import, and a test clock active then would stay in it.
        return time.time()


class InvalidCredentials(exceptions.APIException):
    """A username and password that do not match an active account."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_credentials"


@extend_schema(tags=["auth"])
class TokenView(Localised, APIView):
    """Exchange a username and password for the user's API token (rate-limited)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]
    throttle_scope = "auth"

    @extend_schema(request=s.CredentialsSerializer, responses={200: s.TokenSerializer})
    def post(self, request: Request) -> Response:
        data = validated(s.CredentialsSerializer, request)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise InvalidCredentials(_("Wrong username or password."))
        second_step(request, user, data.get("otp_token", ""))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


@extend_schema(tags=["auth"])
class LoginView(CsrfEnforced, Localised, APIView):
    """Sign in for the site's session (rate-limited; CSRF-checked, see workflows/api/csrf.py)."""

    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]
    throttle_scope = "auth"

    @extend_schema(request=s.CredentialsSerializer, responses={200: s.MeSerializer})
    def post(self, request: Request) -> Response:
        data = validated(s.CredentialsSerializer, request)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise InvalidCredentials(_("Wrong username or password."))
        device = second_step(request, user, data.get("otp_token", ""))
        login(request._request, user)
        if device is not None:
            otp_login(request._request, device)
        return Response(_me(user))


@extend_schema(tags=["auth"])
class LogoutView(Localised, APIView):
    """End the site's session."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _me(user: Any) -> dict[str, Any]:
    positions = (
        Position.objects.active_on(timezone.localdate())
        .filter(user=user)
        .select_related("user", "unit", "role")
    )
    return dict(
        s.MeSerializer(
            {
                "id": user.pk,
                "username": user.get_username(),
                "name": user_label(user),
                "positions": positions,
            }
        ).data
    )


@extend_schema(tags=["auth"])
class MeView(Localised, APIView):
    """Who the credentials belong to, and the positions they hold today."""

    @extend_schema(responses={200: s.MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(_me(request.user))
