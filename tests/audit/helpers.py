"""Helpers for the audit tests: events written through the service, raw tampering."""

from __future__ import annotations

from django.db import connection, transaction

from approvals.audit.models import AuditEvent
from approvals.audit.services import SubjectRef, audit_record


def record_events(count: int, *, actor=None, chain: str = "main") -> list[AuditEvent]:
    """Write ``count`` events, one transaction each, as services do."""
    events = []
    for n in range(1, count + 1):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    action="testapp.submit_document",
                    subject=SubjectRef("testapp.document", str(n), f"Kế hoạch số {n}"),
                    from_state="draft",
                    to_state="submitted",
                    comment=f"Trình lần {n}",
                    payload={"n": n, "ghi_chú": "đời sống văn hóa"},
                    chain=chain,
                )
            )
    return events


def raw_sql(sql: str, params: list | None = None) -> None:
    """Change the database behind Django's back, as a tamperer would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
