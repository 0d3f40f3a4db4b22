"""Recording and verifying the audit trail and signatures.

Every transition writes one event with :func:`audit_record` (or many at once with
:func:`audit_record_many`) inside the transaction of the change it records. Events are
chained by hash under a row lock on the chain head, so indexes are gap-free and any later
change, deletion or relinking is found by :func:`chain_verify`.

The modules: ``events`` (what an event is about, specs checked into events), ``chains``
(which chain, its partition, its head's lock), ``appending`` (writing chained events),
``recording`` (the recording services), ``verification`` (walking a chain) and
``signatures`` (signature records).
"""

from __future__ import annotations

from approvals.audit.services.appending import BATCH_SIZE, HEAD_COLUMNS, PendingEvent, head_seen
from approvals.audit.services.chains import MAIN_CHAIN, chain_for
from approvals.audit.services.events import EventRun, EventSpec, SubjectLike, SubjectRef
from approvals.audit.services.recording import (
    audit_record,
    audit_record_each,
    audit_record_many,
    audit_record_pending,
)
from approvals.audit.services.signatures import SignatureCheck, signature_record, signature_verify
from approvals.audit.services.verification import (
    BreakKind,
    ChainBreak,
    ChainReport,
    chain_verify,
)

__all__ = [
    "BATCH_SIZE",
    "HEAD_COLUMNS",
    "MAIN_CHAIN",
    "BreakKind",
    "ChainBreak",
    "ChainReport",
    "EventRun",
    "EventSpec",
    "PendingEvent",
    "SignatureCheck",
    "SubjectLike",
    "SubjectRef",
    "audit_record",
    "audit_record_each",
    "audit_record_many",
    "audit_record_pending",
    "chain_for",
    "chain_verify",
    "head_seen",
    "signature_record",
    "signature_verify",
]
