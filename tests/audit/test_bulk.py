"""Writing thousands of events at once, in a fixed number of queries."""

from __future__ import annotations

import math

import pytest
from django.db import connection, transaction

from approvals.audit.models import AuditChain, AuditEvent
from approvals.audit.services import (
    BATCH_SIZE,
    EventSpec,
    SubjectRef,
    audit_record_many,
    chain_verify,
)
from tests.audit.helpers import record_events
from tests.factories import UserFactory

COUNT = 5_000


def insert_statements(count: int) -> int:
    """INSERTs needed for ``count`` events: our batch, or less if the backend caps it."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    per_batch = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * count))
    return math.ceil(count / per_batch)


def specs(count: int, actor) -> list[EventSpec]:
    return [
        EventSpec(
            actor=actor,
            action="testapp.decide_case",
            subject=SubjectRef("testapp.case", str(n), f"Hộ gia đình {n}"),
            from_state="voted",
            to_state="recognised",
            payload={"household": n, "title": "Gia đình văn hóa"},
        )
        for n in range(1, count + 1)
    ]


def test_five_thousand_events_take_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    # given a chain with two events already and 5,000 household decisions to record
    record_events(2)
    chairman = UserFactory(username="ct_bulk", first_name="Sơn", last_name="Hoàng Văn")
    batch = specs(COUNT, chairman)
    # when they are written at once
    # (savepoint, lock, inserts, head update, release: 4 statements besides the INSERTs)
    budget = insert_statements(COUNT) + 4
    with django_assert_max_num_queries(budget), transaction.atomic():
        events = audit_record_many(events=batch)
    # then they follow the existing events without gap and the chain verifies
    assert len(events) == COUNT
    assert [e.index for e in events] == list(range(3, COUNT + 3))
    assert all(e.pk is not None for e in events)
    assert AuditChain.objects.get(name="main").last_index == COUNT + 2
    assert AuditEvent.objects.count() == COUNT + 2
    report = chain_verify()
    assert report.ok
    assert report.events_checked == COUNT + 2


@pytest.mark.postgres
def test_bulk_needs_only_three_inserts_on_postgresql(db, django_assert_max_num_queries):
    batch = specs(COUNT, None)
    with django_assert_max_num_queries(7), transaction.atomic():
        audit_record_many(events=batch)
    assert chain_verify().events_checked == COUNT


def test_empty_bulk_writes_nothing(db, django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(0):
        assert audit_record_many(events=[]) == []


def test_bulk_with_one_bad_event_writes_nothing(db):
    from approvals.exceptions import ValidationFailed

    batch = [*specs(10, None), EventSpec(action="", subject=("testapp.case", "1"))]
    with pytest.raises(ValidationFailed), transaction.atomic():
        audit_record_many(events=batch)
    assert not AuditEvent.objects.exists()
