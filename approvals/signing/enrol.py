"""Test-PKI credentials for the demo and the tests: never for real documents.

:func:`enrol_test_credential` issues a certificate of the test PKI (:mod:`approvals.signing.pki`)
to a person or, as a seal, to a unit, and registers it as a PKCS#12 credential whose
passphrase is read from ``SIGNING_PKI_PASSPHRASE``. Key pairs are reused within a process:
generating RSA keys is the slow part of a PKI.

With ``settings.SIGNING_TEST_AUTO_ENROL`` (the tests' settings; never a real site) a person
or unit without a credential gets one the first time it signs: see :func:`usable_credential`.
"""

from __future__ import annotations

import datetime
import os
import uuid
from typing import TYPE_CHECKING

from django.conf import settings

from approvals.organisation.resolver import user_label
from approvals.signing.models import BackendKind, SigningCredential
from approvals.signing.pki import PrivateKey, TestPki, _new_key
from approvals.signing.selectors import credential_for_user, seal_credential_for
from approvals.signing.services import credential_register

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from approvals.organisation.models import OrgUnit

#: The environment variable the test credentials read their passphrase from.
PASSPHRASE_ENV = "SIGNING_PKI_PASSPHRASE"

_KEYS: dict[str, PrivateKey] = {}


def _shared_key(kind: str) -> PrivateKey:
    if kind not in _KEYS:
        _KEYS[kind] = _new_key("rsa")
    return _KEYS[kind]


def open_test_pki() -> TestPki:
    os.environ.setdefault(PASSPHRASE_ENV, str(getattr(settings, "SIGNING_PKI_PASSPHRASE", "")))
    return TestPki.open(passphrase=os.environ[PASSPHRASE_ENV].encode() or None)


def enrol_test_credential(
    *,
    user: AbstractBaseUser | None = None,
    unit: OrgUnit | None = None,
    name: str = "",
    actor: AbstractBaseUser | None = None,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    digital_signature: bool = True,
    non_repudiation: bool = True,
) -> SigningCredential:
    """A test-PKI certificate for ``user`` (or, a seal, for ``unit``), registered."""
    pki = open_test_pki()
    if unit is not None:
        title = name or unit.name
        identity = pki.issue_organisation(
            title,
            file_name=f"unit-{unit.pk}-{uuid.uuid4().hex[:12]}",
            key=_shared_key("seal"),
            not_before=not_before,
            not_after=not_after,
            digital_signature=digital_signature,
            non_repudiation=non_repudiation,
        )
    else:
        assert user is not None  # noqa: S101 - one owner or the other
        # the certificate names the person as Vietnamese names are written: family name first
        title = name or user_label(user)
        identity = pki.issue_person(
            title,
            file_name=f"user-{user.pk}-{uuid.uuid4().hex[:12]}",
            key=_shared_key("person"),
            not_before=not_before,
            not_after=not_after,
            digital_signature=digital_signature,
            non_repudiation=non_repudiation,
        )
    return credential_register(
        actor=actor,
        backend=BackendKind.PKCS12,
        config={"path": str(identity.p12_path), "passphrase_env": PASSPHRASE_ENV},
        certificate_pem=identity.certificate_pem,
        user=user,
        unit=unit,
        label=f"TEST {title}"[:120],
    )


def _auto() -> bool:
    return bool(getattr(settings, "SIGNING_TEST_AUTO_ENROL", False))


def usable_credential(user: AbstractBaseUser) -> SigningCredential | None:
    """The person's credential; under auto-enrolment (tests only) one is issued if none."""
    found = credential_for_user(user)
    if found is None and _auto() and not SigningCredential.objects.filter(user_id=user.pk).exists():
        found = enrol_test_credential(user=user)
    return found


def usable_seal(unit: OrgUnit) -> SigningCredential | None:
    """The unit's seal credential; under auto-enrolment (tests only) one is issued if none."""
    found = seal_credential_for(unit)
    if found is None and _auto() and not SigningCredential.objects.filter(unit=unit).exists():
        found = enrol_test_credential(unit=unit)
    return found


__all__ = ["enrol_test_credential", "open_test_pki", "usable_credential", "usable_seal"]
