"""Refusals of the signing layer: each has a stable code and a reason in Vietnamese first.

A refusal is raised before anything leaves the layer: the caller never gets a half-signed
PDF, and nothing has been written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ApprovalError


class SigningRefused(ApprovalError):
    """The document was not signed; ``code`` says why, the message says it to the person."""

    code = "signing_refused"
    default_message: Any = _("The document could not be signed.")


class WrongPin(SigningRefused):
    code = "wrong_pin"
    default_message = _("The PIN of the signing device is wrong.")


class PinLocked(SigningRefused):
    code = "pin_locked"
    default_message = _("The PIN of the signing device is locked; ask its administrator.")


class PinMissing(SigningRefused):
    code = "pin_missing"
    default_message = _("No PIN was given for the signing device.")


class TokenAbsent(SigningRefused):
    code = "token_absent"
    default_message = _("The signing device (token) is not connected or cannot be found.")


class KeyNotFound(SigningRefused):
    code = "key_not_found"
    default_message = _("The signing key or its certificate is not on the signing device.")


class CredentialMissing(SigningRefused):
    code = "credential_missing"
    default_message = _("No signing certificate is registered for this person or agency.")


class CertificateExpired(SigningRefused):
    code = "certificate_expired"
    default_message = _("The signing certificate has expired.")


class CertificateNotYetValid(SigningRefused):
    code = "certificate_not_yet_valid"
    default_message = _("The signing certificate is not valid yet.")


class KeyUsageMissing(SigningRefused):
    code = "key_usage_missing"
    default_message = _(
        "The certificate does not allow digital signatures (key usage digitalSignature or "
        "nonRepudiation)."
    )


class WeakKey(SigningRefused):
    code = "weak_key"
    default_message = _(
        "The certificate's key is too weak: an RSA key of at least 2048 bits or an ECDSA "
        "P-256 key is required."
    )


class CertificateOfAnotherPerson(SigningRefused):
    code = "certificate_of_another_person"
    default_message = _("This certificate belongs to another person.")


class CertificateOfAnotherAgency(SigningRefused):
    code = "certificate_of_another_agency"
    default_message = _("This certificate belongs to another agency.")


class CertificateMismatch(SigningRefused):
    code = "certificate_mismatch"
    default_message = _(
        "The certificate on the signing device is not the one registered for this credential."
    )


class CertificateUntrusted(SigningRefused):
    code = "certificate_untrusted"
    default_message = _("The signing certificate does not chain to a trusted root.")


class CertificateRevoked(SigningRefused):
    code = "certificate_revoked"
    default_message = _("The signing certificate has been revoked.")


class CredentialMisconfigured(SigningRefused):
    code = "credential_misconfigured"
    default_message = _("The signing credential is not configured correctly.")


class RemoteServiceTimeout(SigningRefused):
    code = "remote_timeout"
    default_message = _("The remote signing service did not answer in time.")


class RemoteServiceError(SigningRefused):
    code = "remote_error"
    default_message = _("The remote signing service refused or failed the request.")


class TimestampUnavailable(SigningRefused):
    code = "timestamp_unavailable"
    default_message = _("The timestamp service could not be reached.")


class NotAPdf(SigningRefused):
    code = "not_a_pdf"
    default_message = _("The file is not a readable PDF document.")


class FieldAlreadySigned(SigningRefused):
    code = "field_already_signed"
    default_message = _("The signature field is already signed.")


class FieldInvalid(SigningRefused):
    code = "field_invalid"
    default_message = _("The signature or form field cannot be used.")


class ModificationNotAllowed(SigningRefused):
    code = "modification_not_allowed"
    default_message = _("An earlier signature does not allow this change to the document.")


__all__ = [
    "CertificateExpired",
    "CertificateMismatch",
    "CertificateNotYetValid",
    "CertificateOfAnotherAgency",
    "CertificateOfAnotherPerson",
    "CertificateRevoked",
    "CertificateUntrusted",
    "CredentialMisconfigured",
    "CredentialMissing",
    "FieldAlreadySigned",
    "FieldInvalid",
    "KeyNotFound",
    "KeyUsageMissing",
    "ModificationNotAllowed",
    "NotAPdf",
    "PinLocked",
    "PinMissing",
    "RemoteServiceError",
    "RemoteServiceTimeout",
    "SigningRefused",
    "TimestampUnavailable",
    "TokenAbsent",
    "WeakKey",
    "WrongPin",
]
