"""Concurrent writers on PostgreSQL: the head lock keeps indexes gap-free and unique."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from approvals.audit.models import AuditEvent
from approvals.audit.services import SubjectRef, audit_record, chain_verify

THREADS = 8
PER_THREAD = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_threads_append_without_gap_or_duplicate():
    # given eight writers, each on its own connection, starting together
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(PER_THREAD):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="testapp.tick",
                        subject=SubjectRef("testapp.case", str(number), f"Luồng {number}"),
                        payload={"thread": number, "n": n},
                    )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    # when each appends fifty events in separate transactions
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then 400 events hold indexes 1..400 exactly once and the chain verifies
    assert errors == []
    indexes = list(AuditEvent.objects.in_chain("main").values_list("index", flat=True))
    assert indexes == list(range(1, THREADS * PER_THREAD + 1))
    for number in range(THREADS):
        own = AuditEvent.objects.filter(subject_id=str(number)).order_by("index")
        assert [e.payload["n"] for e in own] == list(range(PER_THREAD))
    report = chain_verify()
    assert report.ok, report.message
    assert report.events_checked == THREADS * PER_THREAD
