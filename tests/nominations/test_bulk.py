"""A commune recognising 2,000 households in one decision, in a fixed number of queries.

Candidates move with one UPDATE per step and their audit events are inserted in batches
(``approvals.audit.services.BATCH_SIZE`` rows, or fewer where the backend caps the
number of parameters: SQLite's 999 gives ~58 events per INSERT). So on PostgreSQL a step
takes the same statements for 200 or 2,000 households, and on SQLite it takes exactly
the extra INSERT batches (and ``bulk_update`` batches) the cap imposes.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.audit.models import AuditEvent
from approvals.audit.services import BATCH_SIZE, chain_verify
from approvals.organisation.models import OrgUnit, Role, UnitKind
from approvals.signing.enrol import enrol_test_credential
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.nominations.conftest import Commune
from tests.nominations.timeline import today_is
from workflows.nominations.models import Candidate, CandidateState, DossierState, Household, Title
from workflows.nominations.services import (
    candidates_register,
    decision_issue,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_submit,
    meeting_record,
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
LARGE = 2_000
SMALL = 200

#: Statements of each step on PostgreSQL, whatever the number of households (measured
#: 15, 27, 31, 39 and 42, savepoints included; a little headroom).
PG_BUDGET = {
    "register": 20,
    "meeting": 30,
    "posting": 35,
    "submit": 45,
    "decision": 47,
}
#: Statements of ``decision_issue`` besides the audit INSERT batches (measured 41, then 43
#: with the author's outcome notice of issue 25: its recipient and its insert).
DECISION_FIXED = PG_BUDGET["decision"] - 1


def insert_statements(count: int) -> int:
    """INSERTs of ``count`` audit events: our batch, or less if the backend caps it."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    per_batch = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * count))
    return math.ceil(count / per_batch)


@dataclass
class Run:
    """A village's dossier taken through the cycle, with the statements of each step."""

    dossier: object = None
    queries: dict[str, int] = field(default_factory=dict)

    def step(self, name: str):
        run = self

        class _Capture(CaptureQueriesContext):
            def __exit__(self, *exc):
                super().__exit__(*exc)
                run.queries[name] = len(self.captured_queries)

        return _Capture(connection)


def cycle(c: Commune, village: OrgUnit, head, *, year: int = 2026) -> Run:
    """Registration to numbered decision for every household of ``village``, each run from
    a process that remembers no register (numbering looks it up once, then remembers it)."""
    from approvals.registers import services as registers

    registers._COVERING.clear()
    run = Run()
    households = list(Household.objects.filter(village=village))
    dossier = dossier_create(
        user=head, title=Title.CULTURAL_FAMILY, year=year, proposing_unit=village, on=D(year, 10, 1)
    )
    with run.step("register"):
        candidates_register(dossier=dossier, user=head, households=households)
    votes = dict.fromkeys(dossier.candidates.values_list("pk", flat=True), 30)
    with run.step("meeting"):
        today_is(D(year, 10, 5))
        meeting_record(
            dossier=dossier,
            user=head,
            held_on=D(year, 10, 5),
            invited=40,
            present=32,
            votes=votes,
            chaired_by="Ngô Văn Bình",
        )
    with run.step("posting"):
        today_is(D(year, 10, 6))
        posting_open(dossier=dossier, user=head, on=D(year, 10, 6))
    with run.step("submit"):
        dossier_submit(dossier=dossier, user=head, on=D(year, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(year, 10, 20))
    dossier_decide(dossier=dossier, user=c.chairman, on=D(year, 10, 20))
    with run.step("decision"):
        decision_issue(dossier=dossier, user=c.clerk, on=D(year, 10, 20))
    dossier.refresh_from_db()
    run.dossier = dossier
    return run


@pytest.fixture
def communes(org):
    """Commune X: village x1 with 2,000 households and village x2 with 200."""
    c = Commune(org, households=LARGE)
    # the chairman's and the commune's certificates are set up once, not at each decision
    enrol_test_credential(user=c.chairman)
    enrol_test_credential(unit=c.commune)
    small = OrgUnitFactory(name="Thôn Thượng", code="TT", kind=UnitKind.VILLAGE, parent=c.commune)
    head = UserFactory(username="tt_x2")
    PositionFactory(user=head, unit=small, role=Role.objects.get(code="village_head"))
    Household.objects.bulk_create(
        Household(village=small, code=f"S{i:03d}", head_name=f"Phạm Văn {i}") for i in range(SMALL)
    )
    return c, small, head


def test_two_thousand_households_are_recognised_in_one_decision(communes):
    c, _small, _head = communes
    # when the village's 2,000 households go through the cycle in one dossier
    run = cycle(c, c.village, c.village_head)
    # then one numbered decision recognises all of them, each for its first year
    assert run.dossier.state == DossierState.DECIDED
    assert run.dossier.register_entry.symbol == "01/QĐ-UBND"
    candidates = Candidate.objects.filter(dossier=run.dossier)
    assert candidates.count() == LARGE
    assert set(candidates.values_list("state", flat=True)) == {CandidateState.RECOGNISED}
    assert set(candidates.values_list("consecutive_years", flat=True)) == {1}
    # one audit event per household at each step, the last one recognising it
    events = AuditEvent.objects.filter(subject_type="nominations.candidate")
    assert events.filter(to_state=CandidateState.RECOGNISED).count() == LARGE
    assert (
        events.filter(to_state=CandidateState.RECOGNISED).values("subject_id").distinct().count()
        == LARGE
    )
    assert events.count() == 5 * LARGE  # registered, voted, posted, proposed, recognised
    report = chain_verify()
    assert report.ok
    assert report.events_checked == AuditEvent.objects.count()


def test_decision_issue_grows_only_by_the_audit_insert_batches(communes):
    c, small, head = communes
    # given a decision for 200 households and one for 2,000 in the same register
    few = cycle(c, small, head)
    many = cycle(c, c.village, c.village_head)
    assert many.dossier.register_entry.symbol == "02/QĐ-UBND"
    # then recognising 2,000 costs only the extra INSERT batches of the audit events
    # (none on PostgreSQL; 35 instead of 4 on SQLite's 999 parameters)
    extra = insert_statements(LARGE) - insert_statements(SMALL)
    assert many.queries["decision"] - few.queries["decision"] == extra
    assert many.queries["posting"] - few.queries["posting"] == extra
    assert few.queries["decision"] <= DECISION_FIXED + insert_statements(SMALL)
    assert many.queries["decision"] <= DECISION_FIXED + insert_statements(LARGE)


@pytest.mark.postgres
def test_every_bulk_step_takes_the_same_statements_for_200_and_2000_households(communes):
    c, small, head = communes
    few = cycle(c, small, head)
    many = cycle(c, c.village, c.village_head)
    # the same statements whatever the number of households, within a fixed budget
    assert many.queries == few.queries
    for step, budget in PG_BUDGET.items():
        assert many.queries[step] <= budget, (step, many.queries[step])
