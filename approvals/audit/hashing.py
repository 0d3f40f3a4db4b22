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
from collections.abc import Sequence
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


#: The fields of an event that vary inside a batch of the same act on many objects.
_VARYING = ("index", "prev_hash", "subject_id", "subject_label")

_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def _same_act_key(event: AuditEvent) -> tuple[Any, ...] | None:
    """What must be equal for two events to share a template (None: never share)."""
    payload = event.payload
    if payload:  # a non-empty payload varies per event as a rule: hash it the plain way
        return None
    return (
        event.created_at,
        event.actor_id,
        event.actor_label,
        event.on_behalf_of_id,
        event.capacity,
        event.authority,
        event.action,
        event.subject_type,
        event.from_state,
        event.to_state,
        event.comment,
        event.content_hash,
        type(payload),
    )


class BatchHasher:
    """:func:`event_hash` for a run of events, fast when they record the same act.

    Events that differ only in their index, previous hash and subject (a decision
    recognising 10,000 households) have the same canonical JSON but for those four
    values. The JSON of the first is built once with markers in their place and split
    there; each next event's bytes are the pieces joined with its own four values, encoded
    as :func:`canonical_json` encodes them. The result is byte for byte the same, so
    :func:`event_hash` verifies it (``tests/audit/test_hashing.py`` compares the two).
    """

    def __init__(self, *, chain: str) -> None:
        self.chain = chain
        self._key: tuple[Any, ...] | None = None
        self._pieces: list[bytes] | None = None
        self._order: list[int] = []

    def _template(self, event: AuditEvent) -> None:
        marker = "\u2063{}\u2063".format
        material = event_material(
            chain=self.chain,
            index=0,
            created_at=event.created_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            on_behalf_of_id=event.on_behalf_of_id,
            capacity=event.capacity,
            authority=event.authority,
            action=event.action,
            subject_type=event.subject_type,
            subject_id=marker(2),
            subject_label=marker(3),
            from_state=event.from_state,
            to_state=event.to_state,
            comment=event.comment,
            content_hash=event.content_hash,
            payload=event.payload,
            prev_hash=marker(1),
        )
        material["index"] = marker(0)
        text = canonical_json(material)
        quoted = [_encode(marker(n)).encode("utf-8") for n in range(len(_VARYING))]
        found = sorted((text.find(q), n) for n, q in enumerate(quoted))
        if any(at < 0 or text.count(quoted[n]) != 1 for at, n in found):
            self._pieces = None  # a marker inside the content itself: no template
            return
        pieces, start = [], 0
        for at, n in found:
            pieces.append(text[start:at])
            start = at + len(quoted[n])
        pieces.append(text[start:])
        self._pieces = pieces
        self._order = [n for _at, n in found]

    def hash(self, event: AuditEvent) -> str:
        """The hash :func:`event_hash` gives ``event`` in this chain."""
        key = _same_act_key(event)
        if key is None or key != self._key:
            self._key, self._pieces = key, None
            return event_hash(event, chain=self.chain)
        if self._pieces is None:
            self._template(event)
            if self._pieces is None:
                self._key = None
                return event_hash(event, chain=self.chain)
        values = (
            str(int(event.index)).encode(),
            _encode(event.prev_hash).encode("utf-8"),
            _encode(event.subject_id).encode("utf-8"),
            _encode(event.subject_label).encode("utf-8"),
        )
        pieces = self._pieces
        parts = [pieces[0]]
        for position, n in enumerate(self._order, start=1):
            parts.append(values[n])
            parts.append(pieces[position])
        return sha256_hex(b"".join(parts))

    def run(self, template: AuditEvent, subject_ids: Sequence[str], prev_hash: str) -> list[str]:
        """The hashes of ``template``'s act on each of ``subject_ids`` in turn, chained.

        The events are ``template`` with each subject id in turn (the label stays the
        template's), the index ``template.index``, then the next ones, each linked to the
        one before, the first to ``prev_hash``; what :func:`event_hash` gives each of them
        (``tests/perf`` compares).
        Returns ``[prev_hash, hash 1, …, hash n]`` (so element k is event k's previous
        hash), or an empty list when the template cannot be split (a marker in the content).
        No event is built: a decision recognising 100,000 households spends a second less.
        """
        self._template(template)
        pieces = self._pieces
        self._key, self._pieces = None, None
        if pieces is None or self._order != [0, 1, 2, 3] or template.payload:
            return []
        sha256 = hashlib.sha256
        encode = _encode
        head, after_index, after_prev, after_subject = pieces[0], pieces[1], pieces[2], pieces[3]
        tail = after_subject + encode(template.subject_label).encode("utf-8") + pieces[4]
        hashes = [prev_hash]
        previous = encode(prev_hash).encode("utf-8")
        index = int(template.index)
        for subject_id in subject_ids:
            digest = sha256(
                b"".join(
                    (
                        head,
                        str(index).encode(),
                        after_index,
                        previous,
                        after_prev,
                        encode(subject_id).encode("utf-8"),
                        tail,
                    )
                )
            ).hexdigest()
            hashes.append(digest)
            previous = b'"' + digest.encode("ascii") + b'"'
            index += 1
        return hashes

    def link(self, events: list[AuditEvent], prev_hash: str) -> str:
        """Set ``prev_hash`` and ``hash`` of consecutive ``events`` (indexes already set),
        the first chained after ``prev_hash``; returns the last hash."""
        for event in events:
            event.prev_hash = prev_hash
            prev_hash = event.hash = self.hash(event)
        return prev_hash


__all__ = [
    "GENESIS_HASH",
    "HASH_VERSION",
    "BatchHasher",
    "canonical_json",
    "event_hash",
    "event_material",
    "iso_utc",
    "normalise_json",
    "sha256_hex",
]
