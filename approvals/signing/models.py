"""Signing credentials: a certificate bound to a person, or a seal certificate to a unit.

A credential says where the private key is (``backend`` and its ``config``) and which
certificate it signs with. The configuration never holds a secret: PINs, passphrases and
service tokens are read at signing time from the environment variables it names (or typed
by the person signing). The certificate is stored so that the layer can refuse an expired
certificate or one of another person before it touches the key.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.audit.models import AppendOnlyModel, AppendOnlyQuerySet
from approvals.organisation.models import OrgUnit


class BackendKind(models.TextChoices):
    PKCS11 = "pkcs11", _("PKCS#11 token or HSM")
    PKCS12 = "pkcs12", _("PKCS#12 file on the server")
    CSC = "csc", _("Remote signing service (CSC API)")


#: Configuration keys each back-end requires and accepts (values are never secrets).
CONFIG_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    BackendKind.PKCS11: (
        frozenset({"module", "key_label", "pin_env"}),
        frozenset({"token_label", "slot", "cert_label"}),
    ),
    BackendKind.PKCS12: (frozenset({"path", "passphrase_env"}), frozenset()),
    BackendKind.CSC: (
        frozenset({"url", "credential_id", "token_env"}),
        frozenset({"timeout", "pin_env"}),
    ),
}

#: Words that mark a configuration key as a secret, which the database must never hold.
_SECRET_WORDS = ("pin", "password", "passphrase", "secret", "token")


def load_certificate(pem: str | bytes) -> x509.Certificate:
    """Parse a PEM (or DER) certificate; ``ValidationError`` when it is none."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ValidationError(_("This is not an X.509 certificate."), code="invalid") from exc


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, in lower-case hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def name_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def validate_config(backend: str, config: Any) -> None:
    """Refuse a configuration with missing or unknown keys, or one holding a secret."""
    if backend not in CONFIG_KEYS:
        raise ValidationError(_("Unknown signing back-end."), code="invalid")
    if not isinstance(config, dict):
        raise ValidationError(_("The configuration must be a JSON object."), code="invalid")
    required, optional = CONFIG_KEYS[backend]
    missing = sorted(required - config.keys())
    if missing:
        raise ValidationError(
            _("The configuration lacks: %(keys)s.") % {"keys": ", ".join(missing)},
            code="invalid",
        )
    unknown = sorted(config.keys() - required - optional)
    secret = [key for key in unknown if any(word in key.lower() for word in _SECRET_WORDS)]
    if secret:
        raise ValidationError(
            _("Secrets are never stored: name an environment variable instead of %(keys)s.")
            % {"keys": ", ".join(secret)},
            code="secret",
        )
    if unknown:
        raise ValidationError(
            _("Unknown configuration keys: %(keys)s.") % {"keys": ", ".join(unknown)},
            code="invalid",
        )


class SigningCredential(models.Model):
    """A certificate and where its key is, owned by a person or (a seal) by a unit."""

    label = models.CharField(_("label"), max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seal_credentials",
    )
    backend = models.CharField(_("key back-end"), max_length=16, choices=BackendKind.choices)
    config = models.JSONField(
        _("back-end configuration"),
        default=dict,
        blank=True,
        help_text=_(
            "Where the key is (module path, token label, key label; file path; service URL "
            "and credential id) and the names of the environment variables holding the PIN, "
            "passphrase or token. Never the secrets themselves."
        ),
    )
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, editable=False)
    subject_name = models.CharField(_("subject name (CN)"), max_length=255, editable=False)
    organisation_name = models.CharField(
        _("subject organisation (O)"), max_length=255, blank=True, editable=False
    )
    valid_from = models.DateTimeField(_("valid from"), editable=False)
    valid_to = models.DateTimeField(_("valid to"), editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    appearance_image = models.FileField(
        _("signature or seal image (PNG)"),
        upload_to="signing/images/",
        blank=True,
        max_length=255,
        help_text=_(
            "A person's handwritten signature in blue, or a unit's seal in red, as a PNG with "
            "a transparent background (Decree 30/2020 Phụ lục I)."
        ),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        ordering = ["subject_name", "-valid_to"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(unit__isnull=True))
                | (Q(user__isnull=True) & Q(unit__isnull=False)),
                name="signingcredential_one_owner",
            ),
            models.UniqueConstraint(
                fields=["fingerprint", "backend"],
                condition=Q(is_active=True),
                name="signingcredential_active_fingerprint_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.subject_name

    @property
    def certificate(self) -> x509.Certificate:
        return load_certificate(self.certificate_pem)

    @property
    def is_seal(self) -> bool:
        return self.unit_id is not None

    def fill_from_certificate(self) -> None:
        """Copy the fingerprint, names and validity out of ``certificate_pem``."""
        cert = self.certificate
        self.certificate_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        self.fingerprint = fingerprint(cert)
        self.subject_name = name_attribute(cert.subject, NameOID.COMMON_NAME)[:255]
        self.organisation_name = name_attribute(cert.subject, NameOID.ORGANIZATION_NAME)[:255]
        self.valid_from = cert.not_valid_before_utc
        self.valid_to = cert.not_valid_after_utc

    def clean(self) -> None:
        if (self.user_id is None) == (self.unit_id is None):
            raise ValidationError(
                _("A credential belongs either to a person or, as a seal, to a unit.")
            )
        validate_config(self.backend, self.config)
        self.fill_from_certificate()

    def is_valid_on(self, moment: datetime.datetime) -> bool:
        return self.valid_from <= moment <= self.valid_to


class SignedStage(models.TextChoices):
    SIGNED = "signed", _("signed by the signer")
    ISSUED = "issued", _("issued by the organisation")
    ATTACHMENT = "attachment", _("attachment signed by the organisation")


def signed_file_path(instance: SignedFile, filename: str) -> str:
    subject = instance.subject_type.replace(".", "-")
    return f"signed/{subject}/{instance.subject_id}/{instance.stage}-{filename}"


class SignedFile(AppendOnlyModel):
    """A signed PDF as it left the signing layer: stored once, never changed.

    The subject is named like the audit trail's subjects (``plans.plan`` and its id): the
    engine knows no workflow.
    """

    immutable_message = _("A signed file is never changed or deleted.")

    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    stage = models.CharField(_("stage"), max_length=16, choices=SignedStage.choices)
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=signed_file_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed file")
        verbose_name_plural = _("signed files")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "stage"])]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.stage} {self.name}"

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            return bytes(handle.read())
