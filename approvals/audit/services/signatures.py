"""Signature records: signing the exact content under the resolver's authority, and checking it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.hashing import sha256_hex
from approvals.audit.models import Signature
from approvals.audit.services.events import _text
from approvals.audit.services.recording import audit_record
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import Capacity, OrgUnit, Position
from approvals.organisation.resolver import Authority, require
from approvals.steps import service_atomic
from approvals.subjects import ApprovalSubject

if TYPE_CHECKING:
    import datetime

    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class SignatureCheck:
    """The result of :func:`signature_verify`."""

    valid: bool
    expected: str
    actual: str
    message: str


def _signature_payload(signature: Signature) -> dict[str, Any]:
    """What the audit event of ``signature`` stores about it."""
    return {
        "content_sha256": signature.content_sha256,
        "signer": signature.signer_id,
        "capacity": signature.capacity,
        "signature_block": signature.signature_lines,
        "position": signature.position_id,
        "delegation": signature.delegation_id,
        "revision": signature.revision,
    }


def _signature_mismatches(signature: Signature) -> list[str]:
    """Fields of ``signature`` that differ from what its audit event recorded."""
    event = signature.audit_event
    payload = event.payload if isinstance(event.payload, dict) else {}
    recorded = _signature_payload(signature)
    wrong = [key for key, value in recorded.items() if payload.get(key) != value]
    pairs = {
        "subject_type": (signature.subject_type, event.subject_type),
        "subject_id": (signature.subject_id, event.subject_id),
        "signer": (signature.signer_id, event.actor_id),
        "content_sha256": (signature.content_sha256, event.content_hash),
        "capacity": (signature.capacity, event.capacity),
        "authority": (signature.authority, event.authority),
        "signed_at": (signature.signed_at, event.created_at),
    }
    wrong += [key for key, (mine, theirs) in pairs.items() if mine != theirs]
    return sorted(set(wrong))


def _content_bytes(content: Any) -> bytes:
    if not isinstance(content, bytes | bytearray | memoryview):
        raise ValidationFailed(_("The signed content must be bytes (the exact document revision)."))
    return bytes(content)


def _delegate_title(user: AbstractBaseUser, authority: Authority) -> str:
    """The delegate's own title, printed under "TUQ. <head>" (Decree 30/2020)."""
    if authority.capacity != Capacity.TUQ:
        return ""
    position = (
        Position.objects.active_on(timezone.localdate())
        .filter(user_id=user.pk)
        .select_related("role")
        .order_by("valid_from")
        .first()
    )
    return position.printed_title if position is not None else ""


def signature_record(
    *,
    subject: models.Model,
    content: bytes,
    user: AbstractBaseUser,
    action_code: str,
    revision: str = "",
    comment: str = "",
    unit: OrgUnit | None = None,
    authority: Authority | None = None,
) -> Signature:
    """Sign the exact ``content`` of ``subject`` if the resolver allows ``user`` to.

    ``unit`` is where the right is checked when it is not the subject's own unit (a plan
    drafted in a division is signed at the level of its issuing agency).

    Refusals (no authority, separation of duties, lapsed delegation) are raised by the
    resolver before anything is written. The audit event and the signature are written
    in one transaction.
    """
    data = _content_bytes(content)
    if not data:
        raise ValidationFailed(_("There is no content to sign."))
    if not isinstance(subject, models.Model) or not isinstance(subject, ApprovalSubject):
        raise ValidationFailed(_("Only an object guarded by the approval engine can be signed."))
    revision = _text(revision, name="revision", max_length=64)
    with service_atomic():
        if authority is None:
            authority = require(user, action_code, subject, unit=unit)
        digest = sha256_hex(data)
        lines = authority.signature_block(delegate_title=_delegate_title(user, authority))
        signature = Signature(
            revision=revision,
            signer_id=user.pk,
            capacity=authority.capacity,
            signature_block="\n".join(lines),
            position=authority.position,
            delegation=authority.delegation,
            content_sha256=digest,
        )
        event = audit_record(
            actor=user,
            action=action_code,
            subject=subject,
            comment=comment,
            content_hash=digest,
            authority=authority,
            payload=_signature_payload(signature),
        )
        signature.subject_type = event.subject_type
        signature.subject_id = event.subject_id
        signature.authority = event.authority
        signature.signed_at = event.created_at
        signature.audit_event = event
        signature.save()
    return signature


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def signature_verify(*, signature: Signature, content: bytes) -> SignatureCheck:
    """Whether ``content`` is exactly the revision signed, and the record is unaltered."""
    actual = sha256_hex(_content_bytes(content))
    expected = signature.content_sha256
    event = signature.audit_event
    wrong = _signature_mismatches(signature)
    if wrong:
        return SignatureCheck(
            valid=False,
            expected=expected,
            actual=actual,
            message=_(
                "The signature record was altered: %(fields)s no longer match its audit "
                "event #%(index)d, so it cannot be trusted."
            )
            % {"fields": ", ".join(wrong), "index": event.index},
        )
    params = {"signer": event.actor_label, "date": _when(signature.signed_at)}
    if actual != expected:
        return SignatureCheck(
            valid=False,
            expected=expected,
            actual=actual,
            message=_(
                "The content differs from the revision %(signer)s signed on %(date)s: it "
                "was changed after signing."
            )
            % params,
        )
    return SignatureCheck(
        valid=True,
        expected=expected,
        actual=actual,
        message=_("The content is exactly the revision %(signer)s signed on %(date)s.") % params,
    )
