"""Recording and verifying the audit trail and signatures.

Every transition writes one event with :func:`audit_record` (or many at once with
:func:`audit_record_many`) inside the transaction of the change it records. Events are
chained by hash under a row lock on the chain head, so indexes are gap-free and any later
change, deletion or relinking is found by :func:`chain_verify`.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Subquery
from django.db.models.base import ModelState
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.exceptions import AuditTransactionRequired
from approvals.audit.hashing import (
    GENESIS_HASH,
    BatchHasher,
    event_hash,
    normalise_json,
    sha256_hex,
)
from approvals.audit.models import AuditChain, AuditEvent, Signature
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import Capacity, OrgUnit, Position
from approvals.organisation.resolver import Authority, Basis, require, user_label
from approvals.steps import service_atomic
from approvals.subjects import ApprovalSubject

if TYPE_CHECKING:
    import datetime

    from django.contrib.auth.models import AbstractBaseUser

#: The chain every event goes to unless another is named.
MAIN_CHAIN = "main"

#: Rows per INSERT in bulk writes (the database backend may lower it) and per fetch when
#: verifying.
BATCH_SIZE = 2000

_CHAIN_NAME = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class SubjectRef:
    """An object named by type and id, for writing events without loading the objects."""

    subject_type: str
    subject_id: str
    label: str = ""

    @classmethod
    def of(cls, obj: models.Model) -> SubjectRef:
        """The reference of a saved model instance (type from its ``_meta``, label ``str``)."""
        if obj.pk is None:
            raise ValidationFailed(_("An object must be saved before an event can refer to it."))
        meta = obj._meta
        return cls(f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj))


#: What an event can be about: a model instance, a reference, or a
#: ``(subject_type, subject_id[, label])`` tuple.
SubjectLike = models.Model | SubjectRef | tuple[str, str] | tuple[str, str, str]


@dataclass(frozen=True, kw_only=True)
class EventSpec:
    """One event to record with :func:`audit_record_many`."""

    action: str
    subject: SubjectLike
    actor: AbstractBaseUser | None = None
    from_state: str = ""
    to_state: str = ""
    comment: str = ""
    content_hash: str = ""
    authority: Authority | str | None = None
    payload: Mapping[str, Any] | None = None


class BreakKind(enum.StrEnum):
    """How a chain or a signature was found broken."""

    EDITED = "edited"  # the stored hash no longer matches the event's fields
    MISSING = "missing"  # index gap: events before this one were deleted
    OUT_OF_ORDER = "out_of_order"  # an index repeats or goes backwards
    RELINKED = "relinked"  # prev_hash is not the hash of the previous event
    END_DELETED = "end_deleted"  # the head records more events than there are
    HEAD_MISMATCH = "head_mismatch"  # the head's last hash is not the last event's hash
    BEYOND_HEAD = "beyond_head"  # events after the head's last index (written around it)
    SIGNATURE_EDITED = "signature_edited"  # a signature differs from its audit event


@dataclass(frozen=True)
class ChainBreak:
    """The first place a chain (or its signatures) was found broken, in words."""

    kind: BreakKind
    message: str
    event_id: int | None = None
    index: int | None = None
    signature_id: int | None = None


@dataclass(frozen=True)
class ChainReport:
    """The result of :func:`chain_verify`.

    ``events_checked`` counts the events found intact before the first break (all of them
    when the chain is whole). Event and signature breaks are reported separately.
    """

    chain: str
    events_checked: int
    signatures_checked: int
    event_break: ChainBreak | None = None
    signature_break: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        """Whether the chain and all its signatures are intact."""
        return self.event_break is None and self.signature_break is None

    @property
    def breaks(self) -> list[ChainBreak]:
        """The breaks found: the first in the chain, then the first signature."""
        return [b for b in (self.event_break, self.signature_break) if b is not None]

    @property
    def first_break(self) -> ChainBreak | None:
        """The first break of the chain, or else the first broken signature."""
        return self.event_break or self.signature_break

    @property
    def message(self) -> str:
        """A summary in words."""
        if self.ok:
            return _(
                "Chain “%(chain)s” is intact: %(events)d events and %(signatures)d "
                "signatures verified."
            ) % {
                "chain": self.chain,
                "events": self.events_checked,
                "signatures": self.signatures_checked,
            }
        return " ".join(b.message for b in self.breaks)


@dataclass(frozen=True)
class SignatureCheck:
    """The result of :func:`signature_verify`."""

    valid: bool
    expected: str
    actual: str
    message: str


@dataclass(frozen=True)
class EventRun:
    """The events one bulk act wrote: ``count`` consecutive indexes of one chain."""

    chain: str
    first_index: int
    count: int

    def events(self) -> models.QuerySet[AuditEvent]:
        """The events written, in chain order."""
        return AuditEvent.objects.filter(
            chain__name=self.chain,
            index__gte=self.first_index,
            index__lt=self.first_index + self.count,
        ).order_by("index")


# --- recording -----------------------------------------------------------------------------


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise AuditTransactionRequired


def _text(value: Any, *, name: str, max_length: int | None = None, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(_("“%(field)s” must be text.") % {"field": name})
    if "\x00" in value:
        raise ValidationFailed(_("“%(field)s” cannot contain the NUL character.") % {"field": name})
    if required and not value.strip():
        raise ValidationFailed(_("“%(field)s” is required.") % {"field": name})
    if max_length is not None and len(value) > max_length:
        raise ValidationFailed(
            _("“%(field)s” is longer than %(max)d characters.") % {"field": name, "max": max_length}
        )
    return value


def _label(value: str) -> str:
    return value.replace("\x00", "")[:255]


def _subject_ref(subject: Any) -> SubjectRef:
    if isinstance(subject, SubjectRef):
        ref = subject
    elif isinstance(subject, models.Model):
        ref = SubjectRef.of(subject)
    elif isinstance(subject, tuple) and len(subject) in (2, 3):
        ref = SubjectRef(*(str(part) for part in subject))
    else:
        raise ValidationFailed(
            _(
                "An audit event needs a saved object or a (type, id, label) reference, "
                "not %(value)r."
            )
            % {"value": subject}
        )
    subject_type = _text(ref.subject_type, name="subject_type", max_length=100, required=True)
    if "." not in subject_type:
        raise ValidationFailed(
            _("The object type must read “app_label.model”, not “%(value)s”.")
            % {"value": subject_type}
        )
    subject_id = _text(ref.subject_id, name="subject_id", max_length=64, required=True)
    return SubjectRef(subject_type, subject_id, _label(str(ref.label)))


def _content_hash(value: Any) -> str:
    digest = _text(value, name="content_hash").lower()
    if digest and not _SHA256.match(digest):
        raise ValidationFailed(
            _("“content_hash” must be a SHA-256 in 64 hexadecimal digits, not “%(value)s”.")
            % {"value": value}
        )
    return digest


def _authority_text(authority: Authority) -> str:
    parts = [authority.description]
    position = authority.position
    if authority.basis != Basis.DELEGATION and position is not None and position.basis:
        parts.append(position.basis)
    return "; ".join(part for part in parts if part)


def _event(spec: EventSpec) -> AuditEvent:
    """An unsaved event from ``spec``, checked; chain, index, time and hashes come later."""
    actor = spec.actor
    if actor is not None and getattr(actor, "pk", None) is None:
        raise ValidationFailed(
            _("The actor of an audit event must be a saved user (or None for the system).")
        )
    authority = spec.authority
    capacity, authority_text, on_behalf_of_id = "", "", None
    if isinstance(authority, Authority):
        capacity = authority.capacity
        authority_text = _authority_text(authority)
        on_behalf_of_id = authority.on_behalf_of_id
    elif authority is not None:
        authority_text = _text(authority, name="authority")
    if capacity and capacity not in Capacity.values:
        raise ValidationFailed(_("Unknown capacity “%(value)s”.") % {"value": capacity})
    if not isinstance(spec.payload, Mapping | None):
        raise ValidationFailed(_("The payload of an audit event must be a mapping."))
    payload = normalise_json(dict(spec.payload) if spec.payload is not None else {})
    ref = _subject_ref(spec.subject)
    return AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        actor_label=_label(user_label(actor)) if actor is not None else "",
        on_behalf_of_id=on_behalf_of_id,
        capacity=capacity,
        authority=authority_text,
        action=_text(spec.action, name="action", max_length=150, required=True),
        subject_type=ref.subject_type,
        subject_id=ref.subject_id,
        subject_label=ref.label,
        from_state=_text(spec.from_state, name="from_state", max_length=64),
        to_state=_text(spec.to_state, name="to_state", max_length=64),
        comment=_text(spec.comment, name="comment"),
        content_hash=_content_hash(spec.content_hash),
        payload=payload,
    )


def _lock_head(name: str) -> AuditChain:
    if not isinstance(name, str) or not _CHAIN_NAME.match(name):
        raise ValidationFailed(
            _("“%(value)s” is not a valid chain name (letters, digits, “-” and “_”).")
            % {"value": name}
        )
    if connection.vendor == "postgresql":
        # The hottest statement of the engine: written out, not compiled by the ORM.
        table = connection.ops.quote_name(AuditChain._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, last_index, last_hash, updated_at, partition "  # noqa: S608
                f"FROM {table} WHERE name = %s FOR UPDATE",
                [name],
            )
            row = cursor.fetchone()
        if row is not None:
            head = AuditChain(
                id=row[0],
                name=name,
                last_index=row[1],
                last_hash=row[2],
                updated_at=row[3],
                partition=row[4],
            )
            head._state.adding, head._state.db = False, connection.alias
            return head
    try:
        return AuditChain.objects.select_for_update().get(name=name)
    except AuditChain.DoesNotExist:
        # get_or_create survives a concurrent creation of the same head (unique name).
        AuditChain.objects.get_or_create(name=name, defaults={"partition": chain_partition(name)})
        return AuditChain.objects.select_for_update().get(name=name)


_UNIT_CHAIN = re.compile(r"^unit-(\d+)$")


def chain_partition(name: str) -> int:
    """The partition of a new chain: the root unit of ``unit-<id>``, else 0 (one query).

    Read once, when the chain's head is created; its events copy it from the head.
    """
    match = _UNIT_CHAIN.match(name)
    if match is None:
        return 0
    path = OrgUnit.objects.filter(pk=int(match.group(1))).values_list("path", flat=True).first()
    ids = [part for part in (path or "").split("/") if part]
    return int(ids[0]) if ids else 0


_COLUMNS: tuple[tuple[str, str], ...] = (
    ("chain_id", "bigint"),
    ("partition", "bigint"),
    ("index", "bigint"),
    ("created_at", "timestamptz"),
    ("actor_id", "bigint"),
    ("actor_label", "text"),
    ("on_behalf_of_id", "bigint"),
    ("capacity", "text"),
    ("authority", "text"),
    ("action", "text"),
    ("subject_type", "text"),
    ("subject_id", "text"),
    ("subject_label", "text"),
    ("from_state", "text"),
    ("to_state", "text"),
    ("comment", "text"),
    ("content_hash", "text"),
    ("payload", "text"),
    ("prev_hash", "text"),
    ("hash", "text"),
)


#: Separates the values of a column sent as one text parameter (never in a valid value:
#: the check falls back to an array parameter if it is).
_SEP = "\x1f"


def _batch_statement(batch: list[AuditEvent], head: AuditChain | None) -> tuple[str, list[Any]]:
    """One ``INSERT … SELECT`` for a batch of chained events (and the head's move).

    A column equal in the whole batch is sent once; the index is the first one plus the
    row's ordinal (a batch is consecutive); varying columns (subjects, hashes) travel as
    one text joined by a separator (or an array when a value contains it). Sending a
    few large strings instead of arrays of 2,000 Python values keeps the driver's work
    small.
    """
    quote = connection.ops.quote_name
    n = len(batch)
    params: list[Any] = []
    selects: list[str] = []
    sources: list[str] = []
    source_params: list[Any] = []
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True).encode
    for name, kind in _COLUMNS:
        if name == "index":
            selects.append("%s::bigint + e.k - 1")
            params.append(batch[0].index)
            continue
        values = [dumps(e.payload) if name == "payload" else getattr(e, name) for e in batch]
        cast = "jsonb" if name == "payload" else kind
        first = values[0]
        if all(v == first for v in values):
            selects.append(f"%s::{cast}")
            params.append(first)
            continue
        column = f"v_{len(sources)}"
        if kind == "text" and not any(_SEP in v for v in values):
            sources.append(f"unnest(string_to_array(%s, chr(31))) AS {column}")
            source_params.append(_SEP.join(values))
        else:
            sources.append(f"unnest(%s::{kind}[]) AS {column}")
            source_params.append(values)
        selects.append(f"{column}::{cast}" if cast == "jsonb" else column)
    table = quote(AuditEvent._meta.db_table)
    names = ", ".join(quote(name) for name, _type in _COLUMNS)
    # the ordinal k comes from a series; varying columns are zipped alongside it
    rows = ", ".join(["generate_series(1, %s) AS k", *sources])
    insert = (
        f"INSERT INTO {table} ({names}) SELECT {', '.join(selects)} "  # noqa: S608
        f"FROM (SELECT {rows}) AS e RETURNING id, {quote('index')}"
    )
    all_params = [*params, n, *source_params]
    if head is None:
        return insert, all_params
    chain = quote(AuditChain._meta.db_table)
    sql = (
        f"WITH inserted AS ({insert}), moved AS ("  # noqa: S608
        f"UPDATE {chain} SET last_index = %s, last_hash = %s, updated_at = %s WHERE id = %s"
        ") SELECT * FROM inserted"
    )
    return sql, [*all_params, head.last_index, head.last_hash, head.updated_at, head.pk]


def _write(events: list[AuditEvent], head: AuditChain) -> list[AuditEvent]:
    """Insert ``events`` (chained after ``head``, whose fields already say where the chain
    now ends) and move the head row, in the fewest statements the backend allows.

    PostgreSQL: one statement per batch of :data:`BATCH_SIZE`, the last one moving the
    head too (so one event costs the head lock and one statement). Elsewhere: Django's
    ``bulk_create``, then an ``UPDATE`` of the head.
    """
    if connection.vendor != "postgresql":
        created: list[AuditEvent] = AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        AuditChain.objects.filter(pk=head.pk).update(
            last_index=head.last_index, last_hash=head.last_hash, updated_at=head.updated_at
        )
        return created
    by_index = {event.index: event for event in events}
    with connection.cursor() as cursor:
        for start in range(0, len(events), BATCH_SIZE):
            batch = events[start : start + BATCH_SIZE]
            last = start + BATCH_SIZE >= len(events)
            sql, params = _batch_statement(batch, head if last else None)
            cursor.execute(sql, params)
            for pk, index in cursor.fetchall():
                event = by_index[index]
                event.pk = pk
                event._state.adding = False
                event._state.db = connection.alias
    return events


def _chain_after(events: list[AuditEvent], head: AuditChain) -> None:
    """Chain ``events`` after ``head`` at this moment, and move ``head`` past them."""
    now = timezone.now()
    index = head.last_index
    chain_id, partition = head.pk, head.partition
    for event in events:
        index += 1
        # the foreign key's id and its cache set directly: the descriptor's checks cost
        # as much as hashing the event, 100,000 times for one decision
        event.chain_id = chain_id
        event._state.fields_cache["chain"] = head
        event.partition = partition
        event.index = index
        event.created_at = now
    prev_hash = BatchHasher(chain=head.name).link(events, head.last_hash)
    head.last_index, head.last_hash, head.updated_at = index, prev_hash, now


#: The head of each chain as this process last wrote or read it: (database alias, chain
#: name) → (id, last index, last hash, partition). Only a guess for :func:`_append_one`,
#: which checks it in the database; a stale entry costs one statement, never a wrong chain.
_HEADS: dict[tuple[str, str], tuple[int, int, str, int]] = {}


def _remember(head: AuditChain) -> None:
    _HEADS[(connection.alias, head.name)] = (
        head.pk,
        head.last_index,
        head.last_hash,
        head.partition,
    )


def _append(events: list[AuditEvent], chain: str) -> list[AuditEvent]:
    """Chain ``events`` after the locked head, insert them in batches, move the head."""
    if len(events) == 1 and connection.vendor == "postgresql":
        written = _append_one(events[0], chain)
        if written is not None:
            return [written]
    head = _lock_head(chain)
    # Chained after the lock, so times follow the chain order.
    _chain_after(events, head)
    written_all = _write(events, head)
    if connection.vendor == "postgresql":
        _remember(head)
    return written_all


def _append_one(event: AuditEvent, chain: str) -> AuditEvent | None:
    """Append one event in one statement when the head is where this process left it.

    The statement moves the head only if its index and hash are still the ones the event
    was chained to (``UPDATE … WHERE last_index = … AND last_hash = …``), and inserts the
    event only if the head moved. A concurrent writer holding the row makes it wait, and
    once that writer commits the condition is checked again on the new row (READ
    COMMITTED), so it fails; then nothing is written and the caller takes the lock and
    chains the event after the real head. Under the row lock the head cannot move until
    this transaction ends, so indexes stay gap-free and times in chain order: the
    remembered head was committed (or written in this transaction) before ``now``.
    """
    known = _HEADS.get((connection.alias, chain))
    if known is None:
        return None
    head = AuditChain(
        id=known[0], name=chain, last_index=known[1], last_hash=known[2], partition=known[3]
    )
    head._state.adding, head._state.db = False, connection.alias
    expected_index, expected_hash = head.last_index, head.last_hash
    _chain_after([event], head)
    sql, params = _one_statement(event, head, expected_index, expected_hash)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        _HEADS.pop((connection.alias, chain), None)
        return None
    event.pk = row[0]
    event._state.adding = False
    event._state.db = connection.alias
    _remember(head)
    return event


_ONE_SQL: dict[str, tuple[str, list[Any]]] = {}


def _one_sql() -> tuple[str, list[Any]]:
    """The statement of :func:`_append_one`; the event's columns are the model's fields."""
    cached = _ONE_SQL.get(connection.alias)
    if cached is not None:
        return cached
    quote = connection.ops.quote_name
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    names = ", ".join(quote(str(f.column)) for f in fields)
    values = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    chain = quote(AuditChain._meta.db_table)
    sql = (
        f"WITH moved AS (UPDATE {chain} SET last_index = %s, last_hash = %s, "  # noqa: S608
        "updated_at = %s WHERE id = %s AND last_index = %s AND last_hash = %s RETURNING id) "
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({names}) SELECT {values} FROM moved "
        f"RETURNING {quote(str(AuditEvent._meta.pk.column))}"
    )
    _ONE_SQL[connection.alias] = (sql, fields)
    return sql, fields


def _one_statement(
    event: AuditEvent, head: AuditChain, expected_index: int, expected_hash: str
) -> tuple[str, list[Any]]:
    sql, fields = _one_sql()
    params: list[Any] = [
        head.last_index,
        head.last_hash,
        head.updated_at,
        head.pk,
        expected_index,
        expected_hash,
    ]
    params.extend(f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields)
    return sql, params


def chain_for(authority: Authority | str | None) -> str:
    """The chain an act goes to when the caller names none.

    With the setting ``APPROVALS_AUDIT_CHAIN_DEPTH`` at 0 (the default) every event goes
    to the one main chain. At ``n`` > 0, an act resting on a position (or a delegation of
    one) goes to the chain of the position's ancestor at depth ``n`` of the organisation
    tree (1: the province, 2: its communes and departments), named ``unit-<id>``, so
    writers in different units do not queue on one chain head. Each chain verifies on its
    own (``verify_audit_chain --all``). Acts without a position (system events, one-off
    grants) stay in the main chain.
    """
    depth = int(getattr(settings, "APPROVALS_AUDIT_CHAIN_DEPTH", 0) or 0)
    if depth <= 0 or not isinstance(authority, Authority) or authority.position is None:
        return MAIN_CHAIN
    path = authority.position.unit.path
    ids = [part for part in path.split("/") if part]
    if not ids:
        return MAIN_CHAIN
    return f"unit-{ids[min(depth, len(ids)) - 1]}"


def _same_act(spec: EventSpec) -> tuple[Any, ...]:
    """What two specs share when they record the same act on different objects."""
    return (
        spec.action,
        spec.actor,
        spec.from_state,
        spec.to_state,
        spec.comment,
        spec.content_hash,
        spec.authority,
        spec.payload,
    )


def _clone(template: AuditEvent, ref: SubjectRef) -> AuditEvent:
    """A copy of the checked ``template`` event about another object (no re-check needed:
    only the subject differs, and ``ref`` went through :func:`_subject_ref`)."""
    event = AuditEvent.__new__(AuditEvent)
    event.__dict__.update(template.__dict__)
    event._state = ModelState()
    event.pk = None
    event.subject_type = ref.subject_type
    event.subject_id = ref.subject_id
    event.subject_label = ref.label
    return event


def _fresh_payload(event: AuditEvent) -> AuditEvent:
    if event.payload:
        event.payload = json.loads(json.dumps(event.payload))  # no shared mutable payloads
    return event


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    subject: SubjectLike,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    content_hash: str = "",
    authority: Authority | str | None = None,
    payload: Mapping[str, Any] | None = None,
    chain: str | None = None,
) -> AuditEvent:
    """Append one event to ``chain``; call it inside the transaction of the change.

    ``authority`` (from the resolver) fills the capacity, the authority text and the
    delegator the act is on behalf of. ``actor`` is None for system events. Without a
    ``chain`` the event goes to :func:`chain_for` the authority (the main chain unless
    the site splits its chains).
    """
    _require_transaction()
    spec = EventSpec(
        actor=actor,
        action=action,
        subject=subject,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        content_hash=content_hash,
        authority=authority,
        payload=payload,
    )
    return _append([_event(spec)], chain or chain_for(authority))[0]


def audit_record_many(*, events: Sequence[EventSpec], chain: str | None = None) -> list[AuditEvent]:
    """Append many events under one head lock, inserted in batches, in the given order.

    Without a ``chain`` they go to :func:`chain_for` the first event's authority.
    """
    _require_transaction()
    built: list[AuditEvent] = []
    previous: tuple[Any, ...] | None = None
    for spec in events:
        key = _same_act(spec)
        if built and key == previous:
            built.append(_fresh_payload(_clone(built[-1], _subject_ref(spec.subject))))
        else:
            built.append(_event(spec))
        previous = key
    if not built:
        return []
    return _append(built, chain or chain_for(events[0].authority))


def audit_record_each(
    *,
    subject_type: str,
    subject_ids: Sequence[Any],
    actor: AbstractBaseUser | None,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    content_hash: str = "",
    authority: Authority | str | None = None,
    chain: str | None = None,
) -> EventRun:
    """One event per object of ``subject_type``, all recording the same act: a bulk move.

    The same events as :func:`audit_record_many` with one :class:`EventSpec` per id (and an
    empty label), in the order of ``subject_ids``; the act is checked once. On PostgreSQL
    no event object is built: the hashes come from the act's canonical JSON split once
    (:meth:`BatchHasher.run`) and :data:`RUN_BATCH_SIZE` events go in one statement.
    Returns where the events are.
    """
    _require_transaction()
    name = chain or chain_for(authority)
    if not subject_ids:
        return EventRun(chain=name, first_index=0, count=0)
    template = _event(
        EventSpec(
            actor=actor,
            action=action,
            subject=SubjectRef(subject_type, str(subject_ids[0])),
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            content_hash=content_hash,
            authority=authority,
        )
    )
    texts = [template.subject_id]
    for subject_id in subject_ids[1:]:
        text = str(subject_id)
        if not text or len(text) > 64 or "\x00" in text:
            _subject_ref(SubjectRef(subject_type, text))  # raises the specific refusal
        texts.append(text)
    if connection.vendor == "postgresql":
        run = _append_run(template, texts, name)
        if run is not None:
            return run
    built = [template]
    built += [_clone(template, SubjectRef(template.subject_type, t, "")) for t in texts[1:]]
    written = _append(built, name)
    return EventRun(chain=name, first_index=written[0].index, count=len(written))


#: Events per statement of :func:`_append_run` (one act: a few large text parameters).
RUN_BATCH_SIZE = 10_000


def _append_run(template: AuditEvent, subject_ids: list[str], chain: str) -> EventRun | None:
    """PostgreSQL: ``template``'s act on each of ``subject_ids``, chained after the locked
    head, in one ``INSERT … SELECT`` per :data:`RUN_BATCH_SIZE` events (the last one also
    moves the head). None, having written nothing, when the act's JSON cannot be split.
    """
    head = _lock_head(chain)
    now = timezone.now()
    first = head.last_index + 1
    template.chain_id, template.partition = head.pk, head.partition
    template.index, template.created_at = first, now
    hashes = BatchHasher(chain=head.name).run(template, subject_ids, head.last_hash)
    if not hashes:
        return None
    quote = connection.ops.quote_name
    total = len(subject_ids)
    head.last_index, head.last_hash, head.updated_at = first + total - 1, hashes[-1], now
    # The act's columns are constants; the index, subject and hashes come from the rows of
    # the subquery ``e``, whose parameters change per statement.
    varying = {"index": "e.idx", "subject_id": "e.subject", "prev_hash": "e.prev", "hash": "e.hash"}
    selects: list[str] = []
    constants: list[Any] = []
    for column, kind in _COLUMNS:
        if column in varying:
            selects.append(varying[column])
        elif column == "payload":
            selects.append("'{}'::jsonb")
        else:
            selects.append(f"%s::{kind}")
            constants.append(getattr(template, column))
    insert = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(column) for column, _kind in _COLUMNS)}) "
        f"SELECT {', '.join(selects)} FROM (SELECT generate_series(%s::bigint, %s::bigint) "
        "AS idx, unnest({subjects}) AS subject, unnest(string_to_array(%s, ',')) AS prev, "
        "unnest(string_to_array(%s, ',')) AS hash) AS e"
    )
    move_head = (
        f"UPDATE {quote(AuditChain._meta.db_table)} SET last_index = %s, "  # noqa: S608
        "last_hash = %s, updated_at = %s WHERE id = %s RETURNING 1"
    )
    with connection.cursor() as cursor:
        for start in range(0, total, RUN_BATCH_SIZE):
            end = min(start + RUN_BATCH_SIZE, total)
            subjects = subject_ids[start:end]
            subject_param: str | list[str]
            if any(_SEP in text for text in subjects):
                source, subject_param = "%s::text[]", subjects
            else:  # one text joined by the separator: less work for the driver
                source, subject_param = "string_to_array(%s, chr(31))", _SEP.join(subjects)
            sql = insert.replace("{subjects}", source)
            params = [
                *constants,
                first + start,
                first + end - 1,
                subject_param,
                ",".join(hashes[start:end]),
                ",".join(hashes[start + 1 : end + 1]),
            ]
            if end == total:  # the last statement also moves the head
                sql = (
                    f"WITH inserted AS ({sql} RETURNING 1), moved AS ({move_head}) "  # noqa: S608
                    "SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM moved)"
                )
                params += [head.last_index, head.last_hash, now, head.pk]
            cursor.execute(sql, params)
    _remember(head)
    return EventRun(chain=chain, first_index=first, count=total)


# --- verifying -----------------------------------------------------------------------------


def _describe(event: AuditEvent) -> dict[str, Any]:
    return {
        "index": event.index,
        "id": event.pk,
        "action": event.action,
        "subject": event.subject_label or f"{event.subject_type} {event.subject_id}",
    }


def _check_event(
    event: AuditEvent, *, expected_index: int, prev_hash: str, chain: str
) -> ChainBreak | None:
    where = _describe(event)
    if event.index > expected_index:
        first, last = expected_index, event.index - 1
        return ChainBreak(
            kind=BreakKind.MISSING,
            event_id=event.pk,
            index=event.index,
            message=(
                _(
                    "Event #%(first)d is missing before event #%(index)d (id %(id)s, "
                    "“%(action)s” on %(subject)s): it was deleted."
                )
                if first == last
                else _(
                    "Events #%(first)d to #%(last)d are missing before event #%(index)d "
                    "(id %(id)s, “%(action)s” on %(subject)s): they were deleted."
                )
            )
            % {**where, "first": first, "last": last},
        )
    if event.index < expected_index:
        return ChainBreak(
            kind=BreakKind.OUT_OF_ORDER,
            event_id=event.pk,
            index=event.index,
            message=_(
                "Event #%(index)d (id %(id)s, “%(action)s” on %(subject)s) is out of order: "
                "event #%(expected)d was expected."
            )
            % {**where, "expected": expected_index},
        )
    try:
        recomputed = event_hash(event, chain=chain)
    except ValidationFailed:
        recomputed = ""
    if recomputed != event.hash:
        return ChainBreak(
            kind=BreakKind.EDITED,
            event_id=event.pk,
            index=event.index,
            message=_(
                "Event #%(index)d (id %(id)s, “%(action)s” on %(subject)s) was edited after "
                "it was recorded: its content no longer matches its stored hash."
            )
            % where,
        )
    if event.prev_hash != prev_hash:
        return ChainBreak(
            kind=BreakKind.RELINKED,
            event_id=event.pk,
            index=event.index,
            message=_(
                "Event #%(index)d (id %(id)s, “%(action)s” on %(subject)s) does not link to "
                "the event before it: the chain was relinked, or the previous event was "
                "altered and given a new hash."
            )
            % where,
        )
    return None


def _check_tail(
    head: AuditChain, *, last_index: int, last_hash: str, last: AuditEvent | None
) -> ChainBreak | None:
    if head.last_index > last_index:
        return ChainBreak(
            kind=BreakKind.END_DELETED,
            index=last_index + 1,
            message=_(
                "The end of the chain was deleted: the chain head records %(recorded)d "
                "events, but the last event found is #%(found)d, so events #%(first)d to "
                "#%(recorded)d are missing."
            )
            % {"recorded": head.last_index, "found": last_index, "first": last_index + 1},
        )
    if head.last_hash != last_hash:
        return ChainBreak(
            kind=BreakKind.HEAD_MISMATCH,
            event_id=last.pk if last is not None else None,
            index=last_index,
            message=_(
                "The last event #%(index)d does not match the chain head: the event was "
                "replaced and rehashed, or the head was edited."
            )
            % {"index": last_index},
        )
    # One statement, so an append committed meanwhile (which moves the head in the same
    # transaction) is never mistaken for an event written around the head.
    current_last = AuditChain.objects.filter(pk=head.pk).values("last_index")[:1]
    stray = (
        AuditEvent.objects.filter(chain=head, index__gt=Subquery(current_last))
        .order_by("index")
        .first()
    )
    if stray is not None:
        return ChainBreak(
            kind=BreakKind.BEYOND_HEAD,
            event_id=stray.pk,
            index=stray.index,
            message=_(
                "Event #%(index)d (id %(id)s, “%(action)s” on %(subject)s) lies beyond the "
                "chain head: it was written outside the audit service, or the head was "
                "edited."
            )
            % _describe(stray),
        )
    return None


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


def chain_verify(*, chain: str = MAIN_CHAIN) -> ChainReport:
    """Walk ``chain`` in index order and report the first break, then check signatures."""
    head = AuditChain.objects.filter(name=chain).first()
    if head is None:
        return ChainReport(chain=chain, events_checked=0, signatures_checked=0)

    checked, expected_index, prev_hash = 0, 1, GENESIS_HASH
    last: AuditEvent | None = None
    event_break: ChainBreak | None = None
    # Events appended while we read lie above the head read here; they are left out.
    events = AuditEvent.objects.filter(
        chain=head, partition=head.partition, index__lte=head.last_index
    ).order_by("index")
    for event in events.iterator(chunk_size=BATCH_SIZE):
        event_break = _check_event(
            event, expected_index=expected_index, prev_hash=prev_hash, chain=head.name
        )
        if event_break is not None:
            break
        checked += 1
        expected_index, prev_hash, last = event.index + 1, event.hash, event
    if event_break is None:
        event_break = _check_tail(
            head, last_index=expected_index - 1, last_hash=prev_hash, last=last
        )

    signatures_checked = 0
    signature_break: ChainBreak | None = None
    signatures = (
        Signature.objects.filter(audit_event__chain=head)
        .select_related("audit_event")
        .order_by("pk")
    )
    for signature in signatures.iterator(chunk_size=BATCH_SIZE):
        wrong = _signature_mismatches(signature)
        if wrong:
            signature_break = ChainBreak(
                kind=BreakKind.SIGNATURE_EDITED,
                signature_id=signature.pk,
                event_id=signature.audit_event_id,
                index=signature.audit_event.index,
                message=_(
                    "Signature id %(id)s was edited after signing: %(fields)s no longer "
                    "match its audit event #%(index)d."
                )
                % {
                    "id": signature.pk,
                    "fields": ", ".join(wrong),
                    "index": signature.audit_event.index,
                },
            )
            break
        signatures_checked += 1

    return ChainReport(
        chain=head.name,
        events_checked=checked,
        signatures_checked=signatures_checked,
        event_break=event_break,
        signature_break=signature_break,
    )


# --- signatures ----------------------------------------------------------------------------


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


__all__ = [
    "BATCH_SIZE",
    "MAIN_CHAIN",
    "BreakKind",
    "ChainBreak",
    "ChainReport",
    "EventRun",
    "EventSpec",
    "SignatureCheck",
    "SubjectLike",
    "SubjectRef",
    "audit_record",
    "audit_record_each",
    "audit_record_many",
    "chain_for",
    "chain_verify",
    "signature_record",
    "signature_verify",
]
