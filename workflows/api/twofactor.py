"""The second step of the API's sign-in (``otp_token`` beside the username and password).

A user with an authenticator app must send a current code (or a recovery code, used up);
a user who must use two-step sign-in (``OTP_REQUIRED``) and has no app is refused until they
set one up on the site. A wrong code counts as a failed sign-in for the login throttle.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from rest_framework import exceptions, status
from rest_framework.request import Request

from approvals.twofactor.selectors import twofactor_enabled, twofactor_required
from approvals.twofactor.services import twofactor_verify


class OtpRequired(exceptions.APIException):
    """The account signs in in two steps and no code was sent."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "otp_required"
    default_detail = _(
        "This account uses two-step verification: send the code from the authenticator app "
        "in otp_token."
    )


class OtpInvalid(exceptions.APIException):
    """The code sent is wrong, expired or already used."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "otp_invalid"
    default_detail = _("The verification code is wrong or has expired.")


class OtpEnrolmentRequired(exceptions.APIException):
    """The account must use two-step verification and has not set it up."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "otp_enrolment_required"
    default_detail = _(
        "This account must use two-step verification: set it up on the site, then sign in "
        "with a code."
    )


def second_step(request: Request, user: Any, code: str) -> Device | None:
    """The device that verified ``code`` for ``user``, None when the account needs none."""
    if not twofactor_enabled(user):
        if twofactor_required(user, timezone.localdate()):
            raise OtpEnrolmentRequired
        return None
    if not code:
        raise OtpRequired
    device = twofactor_verify(user=user, code=code)
    if device is None:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username()},
            request=request._request,
        )
        raise OtpInvalid
    return device
