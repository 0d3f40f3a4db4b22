"""An attacker who holds the database and the code: edit, then recompute the chain."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from approvals.audit.hashing import GENESIS_HASH, event_hash
from approvals.audit.models import AuditChain, AuditEvent
from tests.audit.helpers import raw_sql


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def recompute(chain: str) -> None:
    """Relink and rehash every event of ``chain`` with the project's own hash function and
    move its head, in raw SQL: ``chain_verify`` finds nothing afterwards."""
    head = AuditChain.objects.get(name=chain)
    prev, last = GENESIS_HASH, 0
    for event in AuditEvent.objects.filter(chain=head).order_by("index"):
        event.prev_hash = prev
        digest = event_hash(event, chain=chain)
        raw_sql(
            f"UPDATE {_table(AuditEvent)} SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, event.pk],
        )
        prev, last = digest, event.index
    raw_sql(
        f"UPDATE {_table(AuditChain)} SET last_index = %s, last_hash = %s WHERE id = %s",
        [last, prev, head.pk],
    )


def edit_payload(chain: str, index: int, payload: dict[str, Any]) -> None:
    """Change one event's payload in SQL, then recompute the chain."""
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    head = AuditChain.objects.get(name=chain)
    raw_sql(
        f"UPDATE {_table(AuditEvent)} SET payload = %s{cast} "
        f"WHERE chain_id = %s AND {connection.ops.quote_name('index')} = %s",
        [json.dumps(payload), head.pk, index],
    )
    recompute(chain)


def truncate(chain: str, keep: int) -> None:
    """Cut ``chain`` back to its first ``keep`` events (a restored old backup)."""
    head = AuditChain.objects.get(name=chain)
    raw_sql(
        f"DELETE FROM {_table(AuditEvent)} "
        f"WHERE chain_id = %s AND {connection.ops.quote_name('index')} > %s",
        [head.pk, keep],
    )
    recompute(chain)
