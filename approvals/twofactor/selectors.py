"""Reads of the two-step sign-in: who has an app set up, who must have one."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.organisation.models import ActionKind
from approvals.organisation.selectors import holds_actions

#: Roles with a rule for an action of these kinds must use two-step sign-in when required.
DEFAULT_REQUIRED_KINDS = (ActionKind.SIGN.value, ActionKind.DECIDE.value)
#: ... and so must roles with a rule for one of these actions (numbering documents).
DEFAULT_REQUIRED_ACTIONS = ("approvals_registers.issue_number", "approvals_registers.void_number")


def twofactor_enabled(user: Any) -> bool:
    """Whether ``user`` has a confirmed authenticator app (one query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def twofactor_required(user: Any, day: datetime.date) -> bool:
    """Whether ``user`` must sign in in two steps: only when the site sets ``OTP_REQUIRED``,
    for staff and for holders (or delegates) of a role that signs or numbers documents
    (``OTP_REQUIRED_ACTION_KINDS`` and ``OTP_REQUIRED_ACTIONS``)."""
    if not getattr(settings, "OTP_REQUIRED", False):
        return False
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return holds_actions(
        user=user,
        day=day,
        kinds=getattr(settings, "OTP_REQUIRED_ACTION_KINDS", DEFAULT_REQUIRED_KINDS),
        codes=getattr(settings, "OTP_REQUIRED_ACTIONS", DEFAULT_REQUIRED_ACTIONS),
    )


def recovery_codes_left(user: Any) -> int:
    """How many unused recovery codes ``user`` has."""
    return int(StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count())
