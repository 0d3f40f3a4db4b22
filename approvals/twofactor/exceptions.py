"""Refusals of the two-step sign-in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ApprovalError, ValidationFailed


class CodeInvalid(ValidationFailed):
    """A code that no device of the user accepts (wrong, expired, or already used)."""

    code = "otp_invalid"
    default_message = _("The verification code is wrong or has expired.")


class AlreadyEnrolled(ApprovalError):
    """The user already has an authenticator app; remove it before setting up another."""

    code = "otp_already_enrolled"
    default_message = _(
        "Two-step verification is already set up. Remove it first to use another app."
    )


class NotEnrolled(ApprovalError):
    """The user has no authenticator app set up."""

    code = "otp_not_enrolled"
    default_message = _("Two-step verification is not set up for this account.")
