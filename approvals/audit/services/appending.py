"""Chained events written after a chain's head in the fewest statements the backend allows."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.utils import timezone

from approvals.audit.hashing import BatchHasher
from approvals.audit.models import AuditChain, AuditEvent
from approvals.audit.services.chains import _lock_head
from approvals.audit.services.events import EventRun

#: Rows per INSERT in bulk writes (the database backend may lower it) and per fetch when
#: verifying.
BATCH_SIZE = 2000


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


#: Up to this many events (a step's few: its clocks' events) are appended by
#: :func:`_append_one`'s one optimistic statement; more (a batch job's) take the head's lock.
FEW_EVENTS = 4


#: The head's columns, in the order :func:`head_seen` takes them, for a caller that reads
#: the head in one of its own statements (``SELECT {HEAD_COLUMNS} FROM <chain table>``).
HEAD_COLUMNS = "id, last_index, last_hash, partition"


def head_seen(chain: str, row: tuple[int, int, str, int] | None) -> None:
    """Remember the head of ``chain`` as a caller's statement just read it (``row`` in the
    order of :data:`HEAD_COLUMNS`; None: no head yet, nothing remembered).

    A caller whose own lock already orders the writers of the chain (a register's numbers)
    reads the head, unlocked, in a statement taken after that lock, so the next event is
    appended in one statement (:func:`_append_one`). Only a guess like any remembered
    head: if another writer moved the head since, that statement writes nothing and the
    event is chained after the locked head.
    """
    if row is None or row[0] is None:
        return
    _HEADS[(connection.alias, chain)] = (int(row[0]), int(row[1]), str(row[2]), int(row[3]))


def _append(events: list[AuditEvent], chain: str) -> list[AuditEvent]:
    """Chain ``events`` after the locked head, insert them in batches, move the head."""
    if 0 < len(events) <= FEW_EVENTS and connection.vendor == "postgresql":
        written = _append_one(events[0], chain) if len(events) == 1 else _append_few(events, chain)
        if written is not None:
            return [written] if isinstance(written, AuditEvent) else written
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
    pending = _prepare_one(event, chain)
    if pending is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(pending.sql, pending.params)
        row = cursor.fetchone()
    return pending.written(row)


class PendingEvent:
    """One event chained after the remembered head, its statement not sent yet.

    ``sql`` with ``params`` is :func:`_append_one`'s statement; a caller may send it in one
    round trip with its own statements. :meth:`finish` takes the row it returned.
    """

    def __init__(
        self, event: AuditEvent, chain: str, head: AuditChain, sql: str, params: list[Any]
    ) -> None:
        self.event, self.chain, self.head = event, chain, head
        self.sql, self.params = sql, params

    def written(self, row: tuple[Any, ...] | None) -> AuditEvent | None:
        """The event if the statement wrote it (``row`` its result), else None."""
        if row is None:
            _HEADS.pop((connection.alias, self.chain), None)
            return None
        event = self.event
        event.pk = row[0]
        event._state.adding = False
        event._state.db = connection.alias
        _remember(self.head)
        return event

    def finish(self, row: tuple[Any, ...] | None) -> AuditEvent:
        """The event: written by the statement, or (the head had moved) chained after the
        locked head now."""
        written = self.written(row)
        if written is not None:
            return written
        return _append([self.event], self.chain)[0]


def _remembered_head(chain: str) -> AuditChain | None:
    """The head of ``chain`` as this process left it (unsaved copy), or None."""
    known = _HEADS.get((connection.alias, chain))
    if known is None:
        return None
    head = AuditChain(
        id=known[0], name=chain, last_index=known[1], last_hash=known[2], partition=known[3]
    )
    head._state.adding, head._state.db = False, connection.alias
    return head


def _prepare_one(event: AuditEvent, chain: str) -> PendingEvent | None:
    """``event`` chained after the remembered head of ``chain`` and its one statement, or
    None when this process remembers no head."""
    head = _remembered_head(chain)
    if head is None:
        return None
    expected_index, expected_hash = head.last_index, head.last_hash
    _chain_after([event], head)
    sql, params = _one_statement(event, head, expected_index, expected_hash)
    return PendingEvent(event, chain, head, sql, params)


def _append_few(events: list[AuditEvent], chain: str) -> list[AuditEvent] | None:
    """:func:`_append_one` for a few events: one statement moves the head past them all if
    it is still where this process left it, and inserts them only then (else nothing)."""
    head = _remembered_head(chain)
    if head is None:
        return None
    expected_index, expected_hash = head.last_index, head.last_hash
    _chain_after(events, head)
    _sql, fields = _one_sql()
    quote = connection.ops.quote_name
    row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + ")"
    names = ", ".join(quote(str(f.column)) for f in fields)
    pk, index = quote(str(AuditEvent._meta.pk.column)), quote("index")
    sql = (
        f"WITH moved AS (UPDATE {quote(AuditChain._meta.db_table)} SET last_index = %s, "  # noqa: S608
        "last_hash = %s, updated_at = %s WHERE id = %s AND last_index = %s AND last_hash = %s "
        f"RETURNING id) INSERT INTO {quote(AuditEvent._meta.db_table)} ({names}) "
        f"SELECT v.* FROM moved, (VALUES {', '.join([row] * len(events))}) AS v ({names}) "
        f"RETURNING {pk}, {index}"
    )
    params = _head_params(head, expected_index, expected_hash)
    for event in events:
        params.extend(f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        _HEADS.pop((connection.alias, chain), None)
        return None
    by_index = {event.index: event for event in events}
    for event_pk, event_index in rows:
        event = by_index[event_index]
        event.pk = event_pk
        event._state.adding = False
        event._state.db = connection.alias
    _remember(head)
    return events


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


def _head_params(head: AuditChain, expected_index: int, expected_hash: str) -> list[Any]:
    """The head's move (new index, hash, time; id) and where it must still be, in the order
    of the one-statement append's ``UPDATE … WHERE``."""
    return [
        head.last_index,
        head.last_hash,
        head.updated_at,
        head.pk,
        expected_index,
        expected_hash,
    ]


def _one_statement(
    event: AuditEvent, head: AuditChain, expected_index: int, expected_hash: str
) -> tuple[str, list[Any]]:
    sql, fields = _one_sql()
    params = _head_params(head, expected_index, expected_hash)
    params.extend(f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields)
    return sql, params


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
