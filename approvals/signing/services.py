"""Registering and withdrawing signing credentials, each with its audit event.

Signing itself changes no row: :mod:`approvals.signing.documents` turns PDF bytes into
signed PDF bytes, and the workflow that stores the result records its own event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ValidationFailed
from approvals.signing.models import SignedFile, SigningCredential

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from approvals.organisation.models import OrgUnit

REGISTER_CREDENTIAL = "approvals_signing.register_credential"
WITHDRAW_CREDENTIAL = "approvals_signing.withdraw_credential"


def _message(exc: ValidationError) -> str:
    return " ".join(str(message) for message in exc.messages)


@transaction.atomic
def credential_register(
    *,
    actor: AbstractBaseUser | None,
    backend: str,
    config: dict[str, Any],
    certificate_pem: str,
    user: AbstractBaseUser | None = None,
    unit: OrgUnit | None = None,
    label: str = "",
) -> SigningCredential:
    """Bind a certificate (and where its key is) to a person, or as a seal to a unit."""
    credential = SigningCredential(
        backend=backend,
        config=config,
        certificate_pem=certificate_pem,
        user_id=user.pk if user is not None else None,
        unit=unit,
        label=label.strip(),
    )
    try:
        credential.full_clean(exclude=["fingerprint", "subject_name", "valid_from", "valid_to"])
    except ValidationError as exc:
        raise ValidationFailed(_message(exc)) from exc
    if SigningCredential.objects.filter(
        fingerprint=credential.fingerprint, backend=backend, is_active=True
    ).exists():
        raise ValidationFailed(_("This certificate is already registered."))
    credential.save()
    audit_record(
        actor=actor,
        action=REGISTER_CREDENTIAL,
        subject=credential,
        to_state="active",
        payload={
            "backend": backend,
            "fingerprint": credential.fingerprint,
            "subject": credential.subject_name,
            "owner": f"user:{credential.user_id}" if user else f"unit:{credential.unit_id}",
        },
    )
    return credential


@transaction.atomic
def credential_withdraw(
    *, actor: AbstractBaseUser | None, credential: SigningCredential, reason: str
) -> SigningCredential:
    """Stop using a credential (a lost token, a revoked certificate); it is kept, inactive."""
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(_("Give the reason for withdrawing the credential."))
    locked = SigningCredential.objects.select_for_update().get(pk=credential.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=WITHDRAW_CREDENTIAL,
        subject=locked,
        from_state="active",
        to_state="withdrawn",
        comment=text,
    )
    return locked


def signed_file_store(
    *, subject_type: str, subject_id: object, stage: str, name: str, data: bytes
) -> SignedFile:
    """Keep a signed PDF in the file storage (call it inside the step's transaction).

    The workflow's own audit event names the file's SHA-256 (``content_hash``).
    """
    import hashlib

    from django.core.files.base import ContentFile

    row = SignedFile(
        subject_type=subject_type,
        subject_id=str(subject_id),
        stage=stage,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    row.file.save(name, ContentFile(data), save=False)
    row.save()
    return row


__all__ = ["credential_register", "credential_withdraw", "signed_file_store"]
