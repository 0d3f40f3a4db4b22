"""Checks made before a key is used: who owns the credential, and is its certificate fit.

Each failing check raises its own :class:`~approvals.signing.exceptions.SigningRefused`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.signing.exceptions import (
    CertificateExpired,
    CertificateMismatch,
    CertificateNotYetValid,
    CertificateOfAnotherAgency,
    CertificateOfAnotherPerson,
    KeyUsageMissing,
    SigningRefused,
    WeakKey,
)
from approvals.signing.models import fingerprint

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from approvals.organisation.models import OrgUnit
    from approvals.signing.models import SigningCredential

#: The weakest keys the layer signs with (Decree 30/2020 asks for recognised algorithms).
MIN_RSA_BITS = 2048
ACCEPTED_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def check_owner(
    credential: SigningCredential,
    *,
    as_user: AbstractBaseUser | None = None,
    as_unit: OrgUnit | None = None,
) -> None:
    """The acting person must own a personal credential; the sealing unit a seal credential."""
    if not credential.is_active:
        raise SigningRefused(_("This signing credential has been withdrawn."))
    if credential.user_id is not None:
        if as_user is None or as_user.pk != credential.user_id:
            raise CertificateOfAnotherPerson(
                _("The certificate “%(name)s” belongs to another person.")
                % {"name": credential.subject_name}
            )
    elif as_unit is None or as_unit.pk != credential.unit_id:
        raise CertificateOfAnotherAgency(
            _("The seal certificate “%(name)s” belongs to another agency.")
            % {"name": credential.subject_name}
        )


def check_certificate(cert: x509.Certificate, *, at: datetime.datetime | None = None) -> None:
    """Valid at ``at`` (default now), allowed to sign, with a strong enough key."""
    moment = at or timezone.now()
    if moment < cert.not_valid_before_utc:
        raise CertificateNotYetValid(
            _("The signing certificate is valid only from %(date)s.")
            % {"date": _when(cert.not_valid_before_utc)}
        )
    if moment > cert.not_valid_after_utc:
        raise CertificateExpired(
            _("The signing certificate expired on %(date)s.")
            % {"date": _when(cert.not_valid_after_utc)}
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not (usage.digital_signature or usage.content_commitment):
        raise KeyUsageMissing()
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise WeakKey()
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ACCEPTED_CURVES):
            raise WeakKey()
    else:
        raise WeakKey()


def check_device_certificate(credential: SigningCredential, device_cert: x509.Certificate) -> None:
    """The key's certificate (on the token or at the service) is the one registered."""
    if fingerprint(device_cert) != credential.fingerprint:
        raise CertificateMismatch()


def check_credential(
    credential: SigningCredential,
    *,
    as_user: AbstractBaseUser | None = None,
    as_unit: OrgUnit | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """Every check that needs no device: owner, then the registered certificate."""
    check_owner(credential, as_user=as_user, as_unit=as_unit)
    check_certificate(credential.certificate, at=at)


__all__ = ["check_certificate", "check_credential", "check_device_certificate", "check_owner"]
