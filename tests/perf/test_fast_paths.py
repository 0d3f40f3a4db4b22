"""The engine's fast paths give exactly what the plain paths give, and keep every check."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from approvals.audit.hashing import BatchHasher, event_hash
from approvals.audit.models import AuditEvent
from approvals.audit.services import (
    EventSpec,
    SubjectRef,
    audit_record,
    audit_record_each,
    audit_record_many,
    chain_for,
    chain_verify,
)
from approvals.audit.services import appending as audit_services
from approvals.bulk import update_returning_pks
from approvals.exceptions import ActionNotPermitted, ConcurrentUpdate, ValidationFailed
from approvals.organisation.models import ActionRule
from approvals.organisation.resolver import decide, require, rules_cache_clear
from approvals.steps import one_step
from approvals.transitions import transition_perform
from tests.nominations.timeline import timeline, today_is  # noqa: F401  (fixture)
from tests.testapp.models import Document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]


def _event(n: int, **fields) -> AuditEvent:
    base = {
        "chain_id": 1,
        "index": n,
        "created_at": timezone.now().replace(microsecond=123456),
        "actor_id": 7,
        "actor_label": "Hoàng Văn Sơn",
        "capacity": "TM",
        "authority": "Chủ tịch, UBND xã Tân Tiến",
        "action": "nominations.decide_dossier",
        "subject_type": "nominations.candidate",
        "subject_id": str(1000 + n),
        "subject_label": f"Hộ {n} “Nguyễn”",
        "from_state": "proposed",
        "to_state": "recognised",
        "payload": {},
        "prev_hash": f"{n:064x}",
    }
    base.update(fields)
    return AuditEvent(**base)


def test_batch_hasher_gives_event_hash_byte_for_byte():
    # given a run of the same act on many objects, then a different act, then the first again
    now = timezone.now()
    events = [_event(n, created_at=now) for n in range(1, 6)]
    events += [_event(6, created_at=now, comment="khác")]
    events += [_event(n, created_at=now, subject_id=f'id,"{n}"\\') for n in range(7, 10)]
    events += [_event(10, created_at=now, payload={"n": 1, "tên": "Lan"})]
    hasher = BatchHasher(chain="unit-12")
    # then every hash equals the plain computation
    assert [hasher.hash(e) for e in events] == [event_hash(e, chain="unit-12") for e in events]


def test_batch_hasher_link_chains_every_event_to_the_one_before_as_event_hash_does():
    # given a run mixing one act on many objects (with repeated and odd labels), another
    # act, a payload, and a marker inside the content
    now = timezone.now()
    marker = "\u2063" + "1" + "\u2063"
    events = [_event(n, created_at=now, subject_label="") for n in range(1, 5)]
    events += [_event(n, created_at=now, subject_label='Hộ "A"\\') for n in range(5, 8)]
    events += [_event(8, created_at=now, comment="khác")]
    events += [_event(9, created_at=now, payload={"n": 1})]
    events += [_event(n, created_at=now, comment=f"có {marker}") for n in range(10, 13)]
    events += [_event(n, created_at=now) for n in range(13, 16)]
    # when they are chained in one run after a previous hash
    last = BatchHasher(chain="unit-3").link(events, "ab" * 32)
    # then each one's prev_hash is the hash before it, and every hash is the plain one
    previous = "ab" * 32
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == event_hash(event, chain="unit-3")
        previous = event.hash
    assert last == previous


def test_batch_hasher_falls_back_when_a_marker_is_in_the_content():
    marker = "\u2063" + "2" + "\u2063"
    now = timezone.now()
    events = [_event(n, created_at=now, comment=f"có {marker}") for n in range(1, 4)]
    hasher = BatchHasher(chain="main")
    assert [hasher.hash(e) for e in events] == [event_hash(e, chain="main") for e in events]


def test_audit_record_each_writes_what_audit_record_many_writes(org):
    # given the same act on three candidates written both ways, in two chains
    ids = ["11", "12", "13"]
    with transaction.atomic():
        each = audit_record_each(
            subject_type="nominations.candidate",
            subject_ids=ids,
            actor=org.chairman_x,
            action="testapp.decide_case",
            from_state="proposed",
            to_state="recognised",
            authority="Chủ tịch UBND xã",
            chain="each",
        )
        many = audit_record_many(
            events=[
                EventSpec(
                    actor=org.chairman_x,
                    action="testapp.decide_case",
                    subject=SubjectRef("nominations.candidate", i, ""),
                    from_state="proposed",
                    to_state="recognised",
                    authority="Chủ tịch UBND xã",
                )
                for i in ids
            ],
            chain="many",
        )
    # then the stored events agree field by field (but for the chain and its hashes)
    fields = ["actor_id", "actor_label", "action", "subject_type", "subject_id", "authority"]
    written = list(each.events())
    assert [e.subject_id for e in written] == ids
    stored = {e.pk: e for e in AuditEvent.objects.filter(pk__in=[e.pk for e in written + many])}
    for a, b in zip(written, many, strict=True):
        assert [getattr(stored[a.pk], f) for f in fields] == [
            getattr(stored[b.pk], f) for f in fields
        ]
    assert chain_verify(chain="each").ok
    assert chain_verify(chain="many").ok


@pytest.mark.postgres  # the run path (no event objects) is PostgreSQL's
def test_audit_record_each_in_several_statements_chains_every_event_in_order(org, monkeypatch):
    # given statements of 3 events, a chain that already has an event, and odd subject ids
    monkeypatch.setattr(audit_services, "RUN_BATCH_SIZE", 3)
    ids = ["7", "8", 'a,"b"', "10", "c\x1fd", "12", "13"]
    with transaction.atomic():
        audit_record(
            actor=None, action="testapp.open_case", subject=("testapp.case", "1"), chain="run"
        )
    # when one act is recorded on each of them
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        run = audit_record_each(
            subject_type="nominations.candidate",
            subject_ids=ids,
            actor=org.chairman_x,
            action="testapp.decide_case",
            from_state="proposed",
            to_state="recognised",
            authority="Chủ tịch UBND xã",
            chain="run",
        )
    # then the head's lock and three statements wrote them after the first event, in order
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len([q for q in statements if "INSERT" in q]) == 3
    assert (run.first_index, run.count) == (2, 7)
    written = list(run.events())
    assert [e.subject_id for e in written] == ids
    assert [e.index for e in written] == list(range(2, 9))
    assert {(e.action, e.to_state, e.actor_id) for e in written} == {
        ("testapp.decide_case", "recognised", org.chairman_x.pk)
    }
    # and every hash is the plain computation, each linked to the one before
    report = chain_verify(chain="run")
    assert report.ok, report.message
    assert report.events_checked == 8


def test_audit_record_each_refuses_a_bad_id_and_writes_nothing(org):
    with pytest.raises(ValidationFailed), transaction.atomic():
        audit_record_each(
            subject_type="nominations.candidate",
            subject_ids=["1", "x" * 65],
            actor=org.chairman_x,
            action="testapp.decide_case",
        )
    assert not AuditEvent.objects.exists()


def test_bulk_events_with_varied_payloads_verify(org):
    with transaction.atomic():
        audit_record_many(
            events=[
                EventSpec(
                    action="testapp.decide_case",
                    subject=SubjectRef("testapp.case", str(n), f"Hộ {n}"),
                    payload={"n": n, "ghi_chú": "đạt"} if n % 2 else {},
                    comment="có dấu phẩy, và \x1f ký tự phân cách" if n == 3 else "",
                )
                for n in range(1, 120)
            ]
        )
    report = chain_verify()
    assert report.ok
    assert report.events_checked == 119


@override_settings(APPROVALS_AUDIT_CHAIN_DEPTH=2)
def test_chain_per_unit_puts_acts_in_their_communes_chain_and_every_chain_verifies(org):
    # given a site that splits its chains at depth 2 (communes, departments)
    doc = Document.objects.create(unit=org.division_a, author=org.drafter_a, title="KH 1")
    # when the division's drafter submits (a position under the department)
    authority = transition_perform(
        obj=doc, transition="submit", user=org.drafter_a, action="testapp.submit_document"
    )
    # then the event went to the department's chain, not the main one
    chain = chain_for(authority)
    assert chain == f"unit-{org.dept_a.pk}"
    assert AuditEvent.objects.get().chain.name == chain
    assert not AuditEvent.objects.filter(chain__name="main").exists()
    # and verifying every chain passes
    call_command("verify_audit_chain", "--all")
    # a system act (no position) stays in the main chain
    assert chain_for(None) == "main"


def test_chain_for_is_main_by_default(org):
    authority = require(org.drafter_a, "testapp.submit_document", unit=org.division_a)
    assert chain_for(authority) == "main"


@override_settings(APPROVALS_RULES_CACHE_SECONDS=300)
def test_cached_rules_are_forgotten_when_a_rule_changes(org):
    rules_cache_clear()
    try:
        # given a first answer (the rules are now remembered)
        assert decide(org.drafter_a, "testapp.submit_document", unit=org.division_a)
        with CaptureQueriesContext(connection) as captured:
            assert decide(org.drafter_a, "testapp.submit_document", unit=org.division_a)
        assert not any("actionrule" in q["sql"] for q in captured.captured_queries)
        # when the rule is deleted through Django
        ActionRule.objects.filter(action=org.submit).delete()
        # then the next question reads the rules again, and is refused
        with pytest.raises(ActionNotPermitted):
            require(org.drafter_a, "testapp.submit_document", unit=org.division_a)
    finally:
        rules_cache_clear()


def test_rules_are_not_cached_by_default(org):
    decide(org.drafter_a, "testapp.submit_document", unit=org.division_a)
    with CaptureQueriesContext(connection) as captured:
        decide(org.drafter_a, "testapp.submit_document", unit=org.division_a)
    assert any("actionrule" in q["sql"] for q in captured.captured_queries)


def test_meeting_votes_are_stored_per_candidate(org):
    from tests.nominations.conftest import Commune
    from tests.nominations.test_dashboard import open_dossier, village
    from workflows.nominations.models import Candidate
    from workflows.nominations.services import meeting_record

    commune = Commune(org, households=0)
    unit, head = village(commune.commune, "Thôn Đông", 9)
    dossier = open_dossier(unit, head)
    ids = sorted(dossier.candidates.values_list("pk", flat=True))
    votes = {pk: 20 + n for n, pk in enumerate(ids)}
    today_is(datetime.date(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=head,
        held_on=datetime.date(2026, 10, 5),
        invited=40,
        present=32,
        votes=votes,
        chaired_by="Ngô Văn Bình",
    )
    stored = dict(Candidate.objects.filter(pk__in=ids).values_list("pk", "votes_for"))
    assert stored == votes
    assert set(Candidate.objects.filter(pk__in=ids).values_list("votes_cast", flat=True)) == {32}


# --- one event in one statement: the remembered chain head is only a guess ----------------


def _record(n: int) -> tuple[AuditEvent, int]:
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        event = audit_record(actor=None, action="testapp.submit_document", subject=("t.x", str(n)))
    return event, len(captured.captured_queries)  # the savepoint pair is outside


@pytest.mark.postgres  # the one-statement path is PostgreSQL's
def test_a_stale_head_guess_costs_one_statement_and_chains_after_the_real_head(org):
    # given a chain whose head this process remembers
    _record(1)
    _second, statements = _record(2)
    assert statements == 1
    stale = dict(audit_services._HEADS)
    # when another writer appends behind this process's back (its guess is now stale)
    other, _n = _record(3)
    audit_services._HEADS.clear()
    audit_services._HEADS.update(stale)
    event, statements = _record(4)
    # then the guess fails, nothing is written by it, and the event is chained after the
    # real head under its lock: the guess, the lock, the insert
    assert statements == 3
    assert (event.index, event.prev_hash) == (other.index + 1, other.hash)
    # and the next event takes one statement again
    assert _record(5)[1] == 1
    assert chain_verify().ok


@pytest.mark.postgres  # the one-statement path is PostgreSQL's
def test_a_head_guessed_from_a_rolled_back_event_is_not_trusted(org):
    # given an event written and then rolled back with its transaction
    before, _n = _record(1)

    def write_then_fail() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="testapp.submit_document", subject=("t.x", "gone"))
            raise ValidationFailed("undo")

    with pytest.raises(ValidationFailed):
        write_then_fail()
    # when the next event is recorded
    event, statements = _record(2)
    # then it follows the last event that exists, not the rolled-back one
    assert (event.index, event.prev_hash) == (before.index + 1, before.hash)
    assert statements == 3
    assert AuditEvent.objects.filter(subject_id="gone").count() == 0
    assert chain_verify().ok


def _record_few(n: int) -> tuple[list[AuditEvent], int]:
    specs = [
        EventSpec(action="testapp.submit_document", subject=("t.x", f"{n}.{k}")) for k in (1, 2)
    ]
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        events = audit_record_many(events=specs)
    return events, len(captured.captured_queries)


@pytest.mark.postgres  # the one-statement path is PostgreSQL's
def test_a_few_events_take_one_statement_in_order_and_a_stale_guess_falls_back(org):
    # given a chain whose head this process remembers
    first, _n = _record(1)
    # when a step appends two events at once
    events, statements = _record_few(2)
    # then one statement writes both, chained in order after the head
    assert statements == 1
    assert [e.index for e in events] == [first.index + 1, first.index + 2]
    assert events[0].prev_hash == first.hash
    assert events[1].prev_hash == events[0].hash
    stored = AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("index")
    assert [(e.subject_id, e.index) for e in stored] == [
        ("2.1", events[0].index),
        ("2.2", events[1].index),
    ]
    # and when another writer appended behind this process's back
    stale = dict(audit_services._HEADS)
    other, _n = _record(3)
    audit_services._HEADS.clear()
    audit_services._HEADS.update(stale)
    later, statements = _record_few(4)
    # then the guess writes nothing and both follow the real head, under its lock
    assert statements == 3
    assert (later[0].index, later[0].prev_hash) == (other.index + 1, other.hash)
    assert AuditEvent.objects.filter(subject_id__in=["4.1", "4.2"]).count() == 2
    assert chain_verify().ok


# --- one step, one transaction: services join it without savepoints ------------------------


def _draft(org) -> Document:
    return Document.objects.create(unit=org.division_a, author=org.drafter_a, title="KH 1")


def _submit(doc: Document, org) -> None:
    transition_perform(
        obj=doc, transition="submit", user=org.drafter_a, action="testapp.submit_document"
    )


def test_services_in_one_step_take_no_savepoints_of_their_own(org):
    doc = _draft(org)
    with CaptureQueriesContext(connection) as captured, one_step():
        _submit(doc, org)
    statements = [q["sql"] for q in captured.captured_queries]
    # one savepoint pair: the step's own (here nested in the test's transaction)
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1
    assert doc.state == "submitted"


def test_a_failure_later_in_the_step_rolls_back_what_joined_services_wrote(org):
    doc = _draft(org)

    def step() -> None:
        with one_step():
            _submit(doc, org)
            raise ValidationFailed("a later part of the step refuses")

    with pytest.raises(ValidationFailed):
        step()
    # then neither the transition nor its event is left, and the database is usable
    assert Document.objects.get(pk=doc.pk).state == "draft"
    assert not AuditEvent.objects.filter(subject_type="testapp.document").exists()
    assert chain_verify().ok


def test_a_service_failing_inside_a_step_leaves_its_object_as_it_was(org):
    # given a copy of a draft that someone else has submitted meanwhile
    stale = _draft(org)
    _submit(Document.objects.get(pk=stale.pk), org)

    def step() -> None:
        with one_step():
            _submit(stale, org)

    # when the stale copy is submitted inside a step
    with pytest.raises(ConcurrentUpdate):
        step()
    # then the step is rolled back, the copy keeps its state, and nothing else was written
    assert stale.state == "draft"
    assert Document.objects.get(pk=stale.pk).state == "submitted"
    assert AuditEvent.objects.filter(subject_type="testapp.document").count() == 1
    assert chain_verify().ok


def test_update_returning_pks_changes_the_rows_and_names_them(org):
    # given three documents, two of them matching the filter
    docs = [
        Document.objects.create(unit=org.division_a, author=org.drafter_a, title=title)
        for title in ("KH 1", "KH 2", "Báo cáo")
    ]
    matching = Document.objects.filter(title__startswith="KH")
    # when they are updated with an expression, returning their ids
    with transaction.atomic():
        pks = update_returning_pks(matching, title=Concat(F("title"), Value(" (sửa)")))
    # then exactly the matching rows changed, and their ids come back sorted
    assert pks == sorted(d.pk for d in docs[:2])
    assert sorted(Document.objects.values_list("title", flat=True)) == [
        "Báo cáo",
        "KH 1 (sửa)",
        "KH 2 (sửa)",
    ]
    # and no match changes nothing and names nothing
    assert update_returning_pks(Document.objects.filter(title="không có"), title="x") == []
    assert not Document.objects.filter(title="x").exists()
