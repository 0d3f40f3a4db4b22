"""State changes of the two-step sign-in, each in one transaction with its audit event.

The secret of a new authenticator app is kept by the caller (the enrolment page keeps it in
the session) until the user proves with a first code that the app holds it; only then is the
device saved, confirmed. Recovery codes are shown once and stored as SHA-256 digests (in
django-otp's static tokens), so the database does not hold usable codes.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from binascii import unhexlify
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from approvals.audit.services import audit_record
from approvals.steps import service_atomic
from approvals.twofactor.exceptions import AlreadyEnrolled, CodeInvalid, NotEnrolled

#: How many recovery codes are issued at once.
RECOVERY_CODE_COUNT = 10
#: Letters of a recovery code: lower-case base32 (60 bits in 12 of them).
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_RECOVERY_LENGTH = 12
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{12}$")
_TOTP_CODE = re.compile(r"^\d{6}$")
#: The name of the devices this package makes.
DEVICE_NAME = "default"


@dataclass(frozen=True)
class Enrolment:
    """A confirmed authenticator app and its recovery codes (shown once)."""

    device: TOTPDevice
    recovery_codes: list[str]


def new_secret() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it)."""
    return str(default_key())


def secret_base32(key: str) -> str:
    """The secret as the authenticator apps take it when typed in (base32, no padding)."""
    return base64.b32encode(unhexlify(key)).decode("ascii").rstrip("=")


def provisioning_uri(user: Any, key: str) -> str:
    """The ``otpauth://`` address the QR code holds."""
    return str(TOTPDevice(user=user, key=key).config_url)


def normalise_code(code: str) -> str:
    """A typed code without spaces and dashes, in lower case."""
    return re.sub(r"[\s-]+", "", str(code or "")).lower()


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()[:16]


def _format_recovery(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _issue_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with new ones; return them formatted."""
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_digest(c)) for c in codes)
    return [_format_recovery(code) for code in codes]


def _lock_user(user: Any) -> None:
    """Serialise the two-step changes of one user (enrolling twice at once makes one app)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


@service_atomic()
def twofactor_enrol(*, user: Any, key: str, code: str) -> Enrolment:
    """Confirm the app holding ``key`` with a first ``code`` it shows; issue recovery codes.

    Refused (nothing saved) with :class:`CodeInvalid` for a wrong code and with
    :class:`AlreadyEnrolled` when the user already has a confirmed app.
    """
    _lock_user(user)
    if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        raise AlreadyEnrolled
    cleaned = normalise_code(code)
    try:
        totp = TOTP(unhexlify(key))
    except (ValueError, TypeError) as exc:
        raise CodeInvalid from exc
    totp.time = time.time()
    if not _TOTP_CODE.match(cleaned) or not totp.verify(int(cleaned), tolerance=1):
        raise CodeInvalid
    TOTPDevice.objects.filter(user_id=user.pk).delete()  # unconfirmed leftovers
    device = TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=totp.t()
    )
    codes = _issue_recovery_codes(user)
    audit_record(actor=user, action="twofactor.enrol", subject=user)
    return Enrolment(device=device, recovery_codes=codes)


@service_atomic()
def twofactor_recovery_codes_renew(*, user: Any) -> list[str]:
    """New recovery codes for an enrolled user; the old ones stop working."""
    _lock_user(user)
    if not TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        raise NotEnrolled
    codes = _issue_recovery_codes(user)
    audit_record(actor=user, action="twofactor.recovery_codes_renew", subject=user)
    return codes


@service_atomic()
def twofactor_remove(*, user: Any) -> None:
    """Remove the user's authenticator app and recovery codes."""
    _lock_user(user)
    if not TOTPDevice.objects.filter(user_id=user.pk).exists():
        raise NotEnrolled
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    StaticDevice.objects.filter(user_id=user.pk).delete()
    audit_record(actor=user, action="twofactor.remove", subject=user)


@service_atomic()
def twofactor_verify(*, user: Any, code: str, recovery: bool = True) -> Device | None:
    """The device that accepts ``code`` for ``user`` (None if none does).

    A 6-digit code is checked against the authenticator app (a code is accepted once);
    a recovery code (with ``recovery``) is used up and the use is recorded. django-otp's
    own throttling slows down repeated failures on each device.
    """
    cleaned = normalise_code(code)
    if _TOTP_CODE.match(cleaned):
        for device in TOTPDevice.objects.select_for_update().filter(
            user_id=user.pk, confirmed=True
        ):
            if device.verify_token(cleaned):
                return device
        return None
    if recovery and _RECOVERY_CODE.match(cleaned):
        for static in StaticDevice.objects.select_for_update().filter(
            user_id=user.pk, confirmed=True
        ):
            if static.verify_token(_digest(cleaned)):
                audit_record(actor=user, action="twofactor.recovery_code_use", subject=user)
                return static
    return None


__all__ = [
    "RECOVERY_CODE_COUNT",
    "Enrolment",
    "new_secret",
    "normalise_code",
    "provisioning_uri",
    "secret_base32",
    "twofactor_enrol",
    "twofactor_recovery_codes_renew",
    "twofactor_remove",
    "twofactor_verify",
]
