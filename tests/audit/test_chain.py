"""Recording events and verifying the hash chain, including tampering behind Django's back."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from approvals.audit.exceptions import AuditTransactionRequired
from approvals.audit.hashing import GENESIS_HASH, event_hash
from approvals.audit.models import AuditChain, AuditEvent
from approvals.audit.services import (
    BreakKind,
    audit_record,
    chain_verify,
)
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import Capacity, Delegation
from approvals.organisation.resolver import require
from tests.audit.helpers import raw_sql, record_events
from tests.testapp.models import Document

TABLE = "approvals_audit_auditevent"


def verify_command(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


def broken_command(*args: str) -> str:
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain", *args, stdout=StringIO())
    return str(exc.value)


# --- recording -----------------------------------------------------------------------------


def test_events_are_chained_with_contiguous_indexes_and_the_chain_verifies(five_events):
    # given five events written by the service (fixture)
    # when the chain is verified
    report = chain_verify()
    # then the indexes run 1..5, each links to the one before, and all is well
    events = list(AuditEvent.objects.in_chain("main"))
    assert [e.index for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    head = AuditChain.objects.get(name="main")
    assert (head.last_index, head.last_hash) == (5, events[-1].hash)
    assert report.ok
    assert report.events_checked == 5
    assert report.first_break is None
    assert "OK: 5 events verified" in verify_command()


def test_event_records_subject_actor_and_states_of_a_model_instance(org):
    # given a saved document
    doc = Document.objects.create(unit=org.division_a, author=org.drafter_a, title="Kế hoạch")
    # when its submission is recorded
    with transaction.atomic():
        event = audit_record(
            actor=org.drafter_a,
            action="testapp.submit_document",
            subject=doc,
            from_state="draft",
            to_state="submitted",
            content_hash=doc.content_hash(),
        )
    # then the event names the object, the actor (name kept) and the revision
    event.refresh_from_db()
    assert (event.subject_type, event.subject_id) == ("testapp.document", str(doc.pk))
    assert event.subject_label == str(doc)
    assert event.actor == org.drafter_a
    assert event.actor_label == "Nguyễn Thị Hoa"
    assert event.content_hash == doc.content_hash()
    assert event.created_at.utcoffset().total_seconds() == 0
    assert event.hash == event_hash(event, chain="main")


def test_authority_fills_capacity_text_and_on_behalf_of(org):
    # given the director's signing delegated in writing to the office head (TUQ.)
    doc = Document.objects.create(unit=org.division_a, author=org.drafter_a, title="KH")
    delegation = Delegation.objects.create(
        delegator=org.director_a,
        delegator_position=org.p_director_a,
        delegate=org.office_head_a,
        instrument="Giấy ủy quyền số 05/GUQ-LĐTBXH",
        valid_from="2020-01-01",
        valid_to="2099-12-31",
    )
    delegation.actions.add(org.sign)
    authority = require(org.office_head_a, "testapp.sign_document", doc)
    # when an act resting on it is recorded
    with transaction.atomic():
        event = audit_record(
            actor=org.office_head_a,
            action="testapp.sign_document",
            subject=doc,
            authority=authority,
        )
    # then the event says in which capacity, on what authority and for whom
    assert event.capacity == Capacity.TUQ
    assert event.authority == "Giấy ủy quyền số 05/GUQ-LĐTBXH"
    assert event.on_behalf_of == org.director_a
    assert chain_verify().ok


def test_system_event_has_no_actor(db):
    with transaction.atomic():
        event = audit_record(actor=None, action="system.reminder", subject=("testapp.case", "7"))
    assert event.actor is None
    assert event.actor_label == ""
    assert chain_verify().ok


def test_recording_outside_a_transaction_is_refused(transactional_db):
    # given no transaction is open
    # when an event is recorded / then it is refused as a programming error
    with pytest.raises(AuditTransactionRequired):
        audit_record(actor=None, action="system.tick", subject=("testapp.case", "1"))
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content_hash", "not-a-hash"),
        ("action", ""),
        ("subject", ("nodot", "1")),
        ("subject", "just a string"),
        ("to_state", "x" * 65),
        ("comment", "nul\x00byte"),
        ("payload", {"share": float("nan")}),
        ("payload", {"thing": object()}),
        ("chain", "no spaces allowed"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(db, field, value):
    kwargs = {"actor": None, "action": "system.tick", "subject": ("testapp.case", "1")}
    kwargs[field] = value
    with pytest.raises(ValidationFailed), transaction.atomic():
        audit_record(**kwargs)
    assert not AuditEvent.objects.exists()


def test_unsaved_object_is_refused(org):
    with pytest.raises(ValidationFailed), transaction.atomic():
        audit_record(
            actor=None,
            action="system.tick",
            subject=Document(unit=org.division_a, author=org.drafter_a, title="x"),
        )
    assert not AuditEvent.objects.exists()


def test_payload_is_stored_as_hashed_and_round_trips(db):
    # given a payload with dates, decimals, tuples and integral floats
    import datetime
    from decimal import Decimal

    payload = {"on": datetime.date(2026, 6, 10), "share": Decimal("0.5"), "ids": (1, 2), "n": 3.0}
    with transaction.atomic():
        event = audit_record(
            actor=None, action="system.tick", subject=("testapp.case", "1"), payload=payload
        )
    # then what is stored is plain JSON and still verifies after a round trip
    event.refresh_from_db()
    assert event.payload == {"on": "2026-06-10", "share": "0.5", "ids": [1, 2], "n": 3}
    assert chain_verify().ok


def test_chains_are_independent(db):
    record_events(2, chain="other")
    record_events(3)
    assert [e.index for e in AuditEvent.objects.in_chain("other")] == [1, 2]
    assert chain_verify(chain="other").events_checked == 2
    assert chain_verify().events_checked == 3
    assert "OK: 2 events verified" in verify_command("--chain", "other")


# --- tampering -----------------------------------------------------------------------------


def test_event_edited_with_raw_sql_is_named_and_earlier_events_are_fine(five_events):
    # given event #3 edited behind Django's back
    third = five_events[2]
    raw_sql(f"UPDATE {TABLE} SET comment = %s WHERE id = %s", ["Đã sửa", third.pk])
    # when the chain is verified
    report = chain_verify()
    # then the break is event #3, edited, and the two before it are fine
    assert not report.ok
    brk = report.event_break
    assert (brk.kind, brk.index, brk.event_id) == (BreakKind.EDITED, 3, third.pk)
    assert report.events_checked == 2
    message = broken_command()
    assert "#3" in message
    assert f"id {third.pk}" in message
    assert "edited" in message
    assert "2 events before the break are intact" in message


def test_payload_edited_with_raw_sql_is_detected(five_events):
    raw_sql(f"UPDATE {TABLE} SET payload = %s WHERE id = %s", ['{"n": 99}', five_events[1].pk])
    report = chain_verify()
    assert (report.event_break.kind, report.event_break.index) == (BreakKind.EDITED, 2)


def test_event_deleted_in_the_middle_is_reported_as_missing_at_its_place(five_events):
    # given event #3 deleted behind Django's back
    raw_sql(f"DELETE FROM {TABLE} WHERE id = %s", [five_events[2].pk])
    # when the chain is verified
    with translation.override("en"):
        report = chain_verify()
    # then the event after the gap is named, with #3 missing before it
    brk = report.event_break
    assert (brk.kind, brk.index, brk.event_id) == (BreakKind.MISSING, 4, five_events[3].pk)
    assert report.events_checked == 2
    assert "Event #3 is missing before event #4" in brk.message
    assert "deleted" in broken_command()


def test_first_event_deleted_is_reported(five_events):
    raw_sql(f"DELETE FROM {TABLE} WHERE id = %s", [five_events[0].pk])
    brk = chain_verify().event_break
    assert (brk.kind, brk.index) == (BreakKind.MISSING, 2)


def test_last_event_deleted_is_reported_through_the_head(five_events):
    # given the last event deleted behind Django's back
    raw_sql(f"DELETE FROM {TABLE} WHERE id = %s", [five_events[4].pk])
    # when the chain is verified
    report = chain_verify()
    # then the head still records five events, so the end is known to be cut off
    brk = report.event_break
    assert (brk.kind, brk.index) == (BreakKind.END_DELETED, 5)
    assert report.events_checked == 4
    message = broken_command()
    assert "end of the chain was deleted" in message
    assert "#5" in message


def test_relinked_event_is_reported(five_events):
    # given event #3 pointed at another predecessor and rehashed consistently
    third = AuditEvent.objects.get(pk=five_events[2].pk)
    third.prev_hash = five_events[0].hash
    new_hash = event_hash(third, chain="main")
    raw_sql(
        f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s",
        [third.prev_hash, new_hash, third.pk],
    )
    # when verified / then #3 does not link to #2
    brk = chain_verify().event_break
    assert (brk.kind, brk.index) == (BreakKind.RELINKED, 3)


def test_edited_and_rehashed_event_is_caught_by_the_next_link(five_events):
    # given event #3 edited and its own hash recomputed by a careful tamperer
    third = AuditEvent.objects.get(pk=five_events[2].pk)
    third.comment = "Đã sửa"
    raw_sql(
        f"UPDATE {TABLE} SET comment = %s, hash = %s WHERE id = %s",
        [third.comment, event_hash(third, chain="main"), third.pk],
    )
    # when verified / then #4 no longer links to it
    report = chain_verify()
    assert (report.event_break.kind, report.event_break.index) == (BreakKind.RELINKED, 4)
    assert report.events_checked == 3


def test_last_event_edited_and_rehashed_is_caught_by_the_head(five_events):
    last = AuditEvent.objects.get(pk=five_events[4].pk)
    last.comment = "Đã sửa"
    raw_sql(
        f"UPDATE {TABLE} SET comment = %s, hash = %s WHERE id = %s",
        [last.comment, event_hash(last, chain="main"), last.pk],
    )
    brk = chain_verify().event_break
    assert (brk.kind, brk.index) == (BreakKind.HEAD_MISMATCH, 5)


def test_event_written_around_the_service_is_reported(five_events):
    # given an event inserted directly, past the head
    first = five_events[0]
    AuditEvent.objects.create(
        chain=first.chain,
        index=6,
        created_at=first.created_at,
        action="x.y",
        subject_type="testapp.case",
        subject_id="1",
        prev_hash=five_events[4].hash,
        hash="0" * 64,
    )
    # when verified / then it is named as lying beyond the head
    brk = chain_verify().event_break
    assert (brk.kind, brk.index) == (BreakKind.BEYOND_HEAD, 6)


def test_verifying_an_unknown_chain_reports_nothing_checked(db):
    report = chain_verify(chain="never-used")
    assert report.ok
    assert report.events_checked == 0


def test_verification_takes_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    record_events(30)
    with django_assert_max_num_queries(4):
        report = chain_verify()
    assert report.events_checked == 30


@pytest.mark.postgres
def test_a_pending_event_after_a_moved_head_is_chained_after_the_real_head(db):
    # given a head remembered as a caller read it, then moved by another event
    from approvals.audit.services import MAIN_CHAIN, audit_record_pending, head_seen

    with transaction.atomic():
        audit_record(actor=None, action="testapp.first", subject=("testapp.case", "1", "Một"))
    head = AuditChain.objects.get(name=MAIN_CHAIN)
    with transaction.atomic():
        head_seen(MAIN_CHAIN, (head.pk, head.last_index, head.last_hash, head.partition))
        pending = audit_record_pending(
            actor=None,
            action="testapp.third",
            subject=("testapp.case", "3", "Ba"),
            chain=MAIN_CHAIN,
        )
        assert pending is not None
        audit_record(actor=None, action="testapp.second", subject=("testapp.case", "2", "Hai"))
        # when the pending statement runs: the head moved, so it writes nothing
        with connection.cursor() as cursor:
            cursor.execute(pending.sql, pending.params)
            row = cursor.fetchone()
        assert row is None
        event = pending.finish(row)
    # then the event is chained after the real head and the chain verifies
    assert [e.action for e in AuditEvent.objects.order_by("index")] == [
        "testapp.first",
        "testapp.second",
        "testapp.third",
    ]
    assert event.index == head.last_index + 2
    assert chain_verify(chain=MAIN_CHAIN).ok
