"""Verifying a chain: the first edited, missing, reordered or relinked event, and signatures."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Subquery
from django.utils.translation import gettext as _

from approvals.audit.hashing import GENESIS_HASH, event_hash
from approvals.audit.models import AuditChain, AuditEvent, Signature
from approvals.audit.services.appending import BATCH_SIZE
from approvals.audit.services.chains import MAIN_CHAIN
from approvals.audit.services.signatures import _signature_mismatches
from approvals.exceptions import ValidationFailed


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
