"""Query-count budgets the benchmarks rely on (issue 9): counted, never timed.

Each test counts the statements of a step at two sizes and expects the same number, or
checks a step against its budget, so a change that adds a query per row (or per step)
fails here before it shows in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from approvals.audit.models import AuditChain, AuditEvent
from approvals.audit.services import audit_record, audit_record_each, chain_verify
from approvals.organisation.resolver import decisions_reused, require
from approvals.transitions import transition_perform
from tests.nominations.conftest import Commune
from tests.nominations.test_dashboard import to_posting, village
from tests.nominations.timeline import timeline, today_is  # noqa: F401  (fixture)
from tests.testapp.models import Document
from workflows.nominations.models import Candidate, Household, Title
from workflows.nominations.selectors import (
    dossier_counts_by_step,
    dossier_list_pending,
    recognition_share,
)
from workflows.nominations.services import (
    candidates_register,
    dossier_create,
    dossier_submit,
    meeting_record,
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
DAY = D(2026, 11, 1)


def count(fn) -> int:
    """Statements ``fn`` sends (savepoints included)."""
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


# --- one transition -------------------------------------------------------------------------


def test_one_transition_takes_a_fixed_budget_of_statements(org):
    # given two drafts of the division, their unit loaded as a service loads it, and a chain
    # that already has its head
    with transaction.atomic():
        audit_record(actor=None, action="testapp.submit_document", subject=("testapp.x", "1"))
    docs = [
        Document.objects.create(unit=org.division_a, author=org.drafter_a, title=f"KH {n}")
        for n in range(2)
    ]
    docs = list(Document.objects.select_related("unit").filter(pk__in=[d.pk for d in docs]))

    def submit(doc):
        return lambda: transition_perform(
            obj=doc, transition="submit", user=org.drafter_a, action="testapp.submit_document"
        )

    # when each is submitted
    counts = [count(submit(doc)) for doc in docs]
    # then each takes the same statements: the action's rules, the user's positions, the
    # savepoint pair, the FSM save, and on PostgreSQL one statement moving the chain's head
    # (where this process left it) and inserting the event; elsewhere the head's lock, the
    # event's INSERT and the head's UPDATE
    budget = 6 if connection.vendor == "postgresql" else 8
    assert counts == [budget, budget]
    assert chain_verify().ok


def test_the_second_question_in_a_flow_step_is_not_asked_again(org):
    # given a step's check already made in the block, as the flow layer makes it
    with transaction.atomic(), decisions_reused():
        first = require(org.drafter_a, "testapp.submit_document", unit=org.division_a)
        # when the service asks the same question
        statements = count(
            lambda: require(org.drafter_a, "testapp.submit_document", unit=org.division_a)
        )
        again = require(org.drafter_a, "testapp.submit_document", unit=org.division_a)
    # then the resolver answers without a query, with the same authority
    assert statements == 0
    assert again == first
    # and outside a block every question is asked
    assert count(lambda: require(org.drafter_a, "testapp.submit_document", unit=org.division_a))


# --- bulk steps ---------------------------------------------------------------------------


def _cycle_statements(commune: Commune, households: int) -> dict[str, int]:
    unit, head = village(commune.commune, f"Thôn {households}", households)
    dossier = dossier_create(
        user=head, title=Title.CULTURAL_FAMILY, year=2026, proposing_unit=unit, on=D(2026, 10, 1)
    )
    rows = list(Household.objects.filter(village=unit).order_by("pk"))
    counts = {}
    created: list[Candidate] = []

    def register():
        created.extend(candidates_register(dossier=dossier, user=head, households=rows))

    counts["register"] = count(register)
    votes = {c.pk: (10 if n % 7 == 0 else 30) for n, c in enumerate(created)}
    today_is(D(2026, 10, 5))
    counts["meeting"] = count(
        lambda: meeting_record(
            dossier=dossier,
            user=head,
            held_on=D(2026, 10, 5),
            invited=40,
            present=32,
            votes=votes,
            chaired_by="Ngô Văn Bình",
        )
    )
    today_is(D(2026, 10, 6))
    counts["posting"] = count(lambda: posting_open(dossier=dossier, user=head, on=D(2026, 10, 6)))
    counts["submit"] = count(lambda: dossier_submit(dossier=dossier, user=head, on=D(2026, 10, 17)))
    return counts


@pytest.mark.postgres  # SQLite caps a multi-row INSERT at 999 parameters (~50 rows)
def test_bulk_steps_take_the_same_statements_for_10_and_300_households(org):
    # given two villages of 10 and 300 households, one household in seven failing the vote
    commune = Commune(org, households=0)
    # when each goes from registration to submission
    small = _cycle_statements(commune, 10)
    large = _cycle_statements(commune, 300)
    # then every step takes the same number of statements at both sizes
    assert small == large
    assert chain_verify().ok


def test_candidates_events_are_one_statement_per_batch(org):
    # given 2,500 candidates' ids and a chain that has its head
    with transaction.atomic():
        audit_record(actor=None, action="testapp.submit_document", subject=("testapp.x", "1"))
    ids = list(range(1, 2501))
    # when their events are written as one act
    with transaction.atomic():
        statements = count(
            lambda: audit_record_each(
                subject_type="nominations.candidate",
                subject_ids=ids,
                actor=org.chairman_x,
                action="testapp.decide_case",
                from_state="proposed",
                to_state="recognised",
            )
        )
    # then PostgreSQL takes the head's lock and one statement per RUN_BATCH_SIZE events
    # (the last one moving the head); elsewhere the batches are capped by the backend
    if connection.vendor == "postgresql":
        assert statements == 1 + 1  # the head's lock, one statement (savepoint outside)
    assert AuditEvent.objects.filter(subject_type="nominations.candidate").count() == 2500
    assert AuditChain.objects.get(name="main").last_index == 2501
    assert chain_verify().ok


# --- dashboard and inbox reads -------------------------------------------------------------


def _reads(secretary, commune_unit, province_unit) -> dict[str, int]:
    return {
        "pending": count(lambda: list(dossier_list_pending(user=secretary, day=DAY)[:25])),
        "counts": count(lambda: dossier_counts_by_step(user=secretary, day=DAY)),
        "share commune": count(
            lambda: recognition_share(unit=commune_unit, year=2026, title=Title.CULTURAL_FAMILY)
        ),
        "share province": count(
            lambda: recognition_share(unit=province_unit, year=2026, title=Title.CULTURAL_FAMILY)
        ),
    }


def test_dashboard_reads_take_the_same_queries_at_1_and_12_dossiers(org):
    # given the commune's chairman (who oversees the commune) and one posted dossier
    commune = Commune(org, households=0)
    unit, head = village(commune.commune, "Thôn 1", 5)
    to_posting(unit, head)
    few = _reads(org.chairman_x, commune.commune, org.province)
    # when eleven more villages with 30 households each are posted (12 dossiers, 335 rows)
    for n in range(2, 13):
        unit, head = village(commune.commune, f"Thôn {n}", 30)
        to_posting(unit, head, votes_against=n % 3)
    many = _reads(org.chairman_x, commune.commune, org.province)
    # then every read takes the same number of queries
    assert few == many
    assert len(list(dossier_list_pending(user=org.chairman_x, day=DAY))) == 12


def test_signing_inbox_takes_the_same_queries_at_1_and_12_decisions(org):
    from project.views import _decisions_awaiting
    from workflows.nominations.services import dossier_accept

    commune = Commune(org, households=0)

    def awaiting(n: int) -> None:
        for k in range(n):
            unit, head = village(commune.commune, f"Thôn {n}-{k}", 4 + k)
            dossier = to_posting(unit, head)
            dossier_submit(dossier=dossier, user=head, on=D(2026, 10, 17))
            dossier_accept(dossier=dossier, user=commune.officer)

    def inbox() -> int:
        return count(lambda: list(_decisions_awaiting(org.chairman_x, DAY)[:25]))

    awaiting(1)
    few = inbox()
    awaiting(11)
    many = inbox()
    assert few == many
    assert len(list(_decisions_awaiting(org.chairman_x, DAY))) == 12


# --- a plan's human steps through its flow ---------------------------------------------------

#: Statements per step of a plan through ``workflows.plans.flow_actions`` (as
#: ``bench/plans_flow.py`` runs it, which prints the same counts), with the rules and the
#: calendar remembered and one audit chain per department, as a site at scale runs (README,
#: "Performance and scale"). Each step's transaction is a savepoint pair here, BEGIN/COMMIT
#: in the bench. Elsewhere than PostgreSQL an audit event takes three statements, not one.
#: The digital signatures (issue 27) add to the signature step the signer's credential and
#: the stored signed file, to the issue step the signed file read back, the seal's
#: credential, the PDF attachments and the stored issued file.
#: The notices a step sends (issue 25) add to each step that leaves someone to act next the
#: next step's holders (two statements: positions and delegations; the action rules are the
#: resolver's kept ones), the recipients with their choices and the notices (two), and to the
#: close the drafter's outcome notice (two). Issue 22 took off each step's router read of
#: the plan's state and its savepoint, the task's separate assignment UPDATE, the second
#: read of the same positions and, where two clocks change, one of their audit statements.
#: The search index (issue 20) adds to a new revision its index row (the plan read with its
#: relations, then one upsert) and to a number the number's words (one UPDATE).
#: Numbering (issue 22) takes the counter with the reads under the register's lock, then
#: the entry with its audit event, in two round trips on PostgreSQL, from the register it
#: remembers (checked by the counter's update); on SQLite the register is looked up in one
#: statement, not a savepoint pair and one.
PLAN_STEP_BUDGETS = {
    "postgresql": {
        "create": 13,
        "submit": 29,
        "division review": 25,
        "format check": 25,
        "sign": 29,
        "number, dispatch": 32,
        "close": 24,
    },
    "sqlite": {
        "create": 15,
        "submit": 33,
        "division review": 29,
        "format check": 29,
        "sign": 35,
        "number, dispatch": 42,
        "close": 26,
    },
}


def _plan_steps(p, users: dict, content: dict) -> dict[str, int]:
    from django.utils import timezone

    from approvals.registers.models import DocumentKind
    from workflows.plans.flow_actions import (
        flow_approve,
        flow_close,
        flow_issue,
        flow_sign,
        flow_submit,
    )
    from workflows.plans.services import plan_create

    dept = p.dept
    office, kind = p.child(dept, "VP"), DocumentKind.objects.get(code="plan")
    recipients = [p.child(dept, c) for c in ("BTXH", "NCC", "BBT")]
    counts: dict[str, int] = {}
    made = []
    counts["create"] = count(
        lambda: made.append(
            plan_create(
                user=users["chuyenvien.vp.ldtbxh"],
                issuing_agency=dept,
                drafting_unit=office,
                kind=kind,
                year=timezone.localdate().year,
                content=content,
                recipient_units=recipients,
            )
        )
    )
    plan = made[0]
    steps = {
        "submit": lambda: flow_submit(plan, users["chuyenvien.vp.ldtbxh"]),
        "division review": lambda: flow_approve(plan, users["cvp.ldtbxh"]),
        "format check": lambda: flow_approve(plan, users["kiemtra.ldtbxh"]),
        "sign": lambda: flow_sign(plan, users["pgd.ldtbxh"]),
        "number, dispatch": lambda: flow_issue(plan, users["vanthu.ldtbxh"]),
        "close": lambda: flow_close(plan, users["gd.ldtbxh"], comment="Hoàn thành kế hoạch"),
    }
    for name, step in steps.items():
        counts[name] = count(step)
    return counts


@override_settings(APPROVALS_RULES_CACHE_SECONDS=300, APPROVALS_AUDIT_CHAIN_DEPTH=2)
def test_each_plan_step_through_its_flow_keeps_its_statement_budget(province):
    from django.contrib.auth import get_user_model

    from approvals.organisation.resolver import rules_cache_clear
    from approvals.regulations.services import regulations_cache_clear
    from tests.plans.conftest import seed_004_content

    rules_cache_clear()
    regulations_cache_clear()
    users = get_user_model().objects.in_bulk(
        [
            "chuyenvien.vp.ldtbxh",
            "cvp.ldtbxh",
            "kiemtra.ldtbxh",
            "pgd.ldtbxh",
            "vanthu.ldtbxh",
            "gd.ldtbxh",
        ],
        field_name="username",
    )
    content = seed_004_content(province)
    content["reporting"] = []  # closed right after it is issued
    # given a first plan through every step (the chains get their heads, rules are read)
    _plan_steps(province, users, content)
    # when two more plans go through the same steps
    second = _plan_steps(province, users, content)
    third = _plan_steps(province, users, content)
    # then each step takes the same statements every time, within its budget
    assert second == third
    assert second == PLAN_STEP_BUDGETS[connection.vendor]
    assert chain_verify().ok
