"""Recording events: one act, many acts under one lock, one act on many objects."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models.base import ModelState

from approvals.audit.exceptions import AuditTransactionRequired
from approvals.audit.models import AuditEvent
from approvals.audit.services.appending import (
    PendingEvent,
    _append,
    _append_run,
    _prepare_one,
)
from approvals.audit.services.chains import chain_for
from approvals.audit.services.events import (
    EventRun,
    EventSpec,
    SubjectLike,
    SubjectRef,
    _event,
    _subject_ref,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from approvals.organisation.resolver import Authority


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise AuditTransactionRequired


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


def audit_record_pending(
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
    chain: str,
) -> PendingEvent | None:
    """:func:`audit_record`'s event, chained after the head of ``chain`` this process
    remembers, with its one statement for the caller to send with its own statements
    (PostgreSQL's simple protocol runs them in one round trip); the caller then passes
    that statement's row to :meth:`PendingEvent.finish`, which chains the event after the
    locked head if the head had moved. None when no head is remembered (or not on
    PostgreSQL): record the event with :func:`audit_record`.
    """
    _require_transaction()
    if connection.vendor != "postgresql":
        return None
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
    return _prepare_one(_event(spec), chain)


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
