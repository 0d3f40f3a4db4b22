"""Canonical JSON and SHA-256 for the audit chain.

An event's hash covers every field that carries meaning, serialised as canonical JSON
(sorted keys, no whitespace, UTF-8, non-ASCII kept as is) so that the same event always
gives the same bytes, whichever database stored it and whatever Python version reads it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from approvals.exceptions import ValidationFailed

if TYPE_CHECKING:
    from approvals.audit.models import AuditEvent

#: ``prev_hash`` of the first event of every chain.
GENESIS_HASH = "0" * 64

#: Bumped if the hashed material ever changes, so old events still verify.
HASH_VERSION = 1


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationFailed(_("Audit data cannot contain NaN or infinite numbers."))
        # PostgreSQL's jsonb gives 1e+20 back as the integer 100000000000000000000,
        # so integral floats are treated as integers on both sides.
        return int(value) if value.is_integer() else value
    if isinstance(value, str) and "\x00" in value:
        raise ValidationFailed(_("Audit data cannot contain the NUL character."))
    return value


def normalise_json(value: Any) -> Any:
    """Turn ``value`` into the plain JSON data that the database will give back.

    Dates, decimals, UUIDs and lazy strings become strings (as ``DjangoJSONEncoder``
    writes them); tuples become lists; integral floats become integers.
    """
    try:
        plain = json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            _("Audit data must be JSON-serialisable: %(error)s") % {"error": exc}
        ) from exc
    return _normalise(plain)


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes of ``value``: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        normalise_json(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def iso_utc(moment: datetime.datetime) -> str:
    """``moment`` in UTC as ISO 8601 with microseconds."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def event_material(
    *,
    chain: str,
    index: int,
    created_at: datetime.datetime,
    actor_id: int | None,
    actor_label: str,
    on_behalf_of_id: int | None,
    capacity: str,
    authority: str,
    action: str,
    subject_type: str,
    subject_id: str,
    subject_label: str,
    from_state: str,
    to_state: str,
    comment: str,
    content_hash: str,
    payload: Any,
    prev_hash: str,
) -> dict[str, Any]:
    """The dictionary whose canonical JSON is hashed for one event."""
    return {
        "v": HASH_VERSION,
        "chain": chain,
        "index": index,
        "created_at": iso_utc(created_at),
        "actor": actor_id,
        "actor_label": actor_label,
        "on_behalf_of": on_behalf_of_id,
        "capacity": capacity,
        "authority": authority,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "subject_label": subject_label,
        "from_state": from_state,
        "to_state": to_state,
        "comment": comment,
        "content_hash": content_hash,
        "payload": payload,
        "prev_hash": prev_hash,
    }


def event_hash(event: AuditEvent, *, chain: str) -> str:
    """Recompute the hash of ``event`` (in chain ``chain``) from its stored fields."""
    material = event_material(
        chain=chain,
        index=event.index,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        on_behalf_of_id=event.on_behalf_of_id,
        capacity=event.capacity,
        authority=event.authority,
        action=event.action,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        subject_label=event.subject_label,
        from_state=event.from_state,
        to_state=event.to_state,
        comment=event.comment,
        content_hash=event.content_hash,
        payload=event.payload,
        prev_hash=event.prev_hash,
    )
    return sha256_hex(canonical_json(material))


__all__ = [
    "GENESIS_HASH",
    "HASH_VERSION",
    "canonical_json",
    "event_hash",
    "event_material",
    "iso_utc",
    "normalise_json",
    "sha256_hex",
]
