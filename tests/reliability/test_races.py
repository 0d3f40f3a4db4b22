"""Many workers racing on the same plans, dossier, candidate and register (PostgreSQL,
row locks, one connection per worker): one winner per conflicting action, a specific
refusal for every other, no duplicate or missing number, no orphan event, chain intact.

The 1,000 racing register issues of one register are in tests/registers/test_concurrency.py;
here 1,000 racing review decisions over 125 plans, numbering of many plans at once, and the
nomination steps."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

import pytest

from approvals.audit.models import AuditEvent, Signature
from approvals.audit.services import chain_verify
from approvals.exceptions import (
    ActionNotPermitted,
    ApprovalError,
    ConcurrentUpdate,
    InvalidTransition,
)
from approvals.registers.integrity import registers_verify
from approvals.registers.models import RegisterEntry
from tests.nominations.timeline import timeline, today_is  # noqa: F401  (fixture)
from tests.plans.conftest import new_plan, province_tx, to_signature
from tests.reliability.conftest import race
from workflows.plans.models import Plan, PlanApproval, PlanState
from workflows.plans.services import plan_approve, plan_issue, plan_return, plan_sign, plan_submit

__all__ = ["province_tx"]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("timeline"),
]

WORKERS = 8
PLANS = 125  # x 8 workers = 1,000 racing attempts

#: The refusals a loser may get: the object moved on (wrong state), someone else changed it
#: first (conflict), or the step it is now at is not the loser's to take.
LOSING = (InvalidTransition, ConcurrentUpdate, ActionNotPermitted)


PLAN_TYPE = f"{Plan._meta.app_label}.{Plan._meta.model_name}"


def assert_losers_refused_cleanly(errors: list[tuple[Any, BaseException]]) -> Counter[str]:
    unexpected = [e for _, e in errors if not isinstance(e, LOSING)]
    assert unexpected == [], unexpected[:3]
    return Counter(e.code for _, e in errors if isinstance(e, ApprovalError))


def assert_no_orphan_events() -> None:
    """Every plan event names a plan that exists, and the last one gives its state."""
    last: dict[str, str] = {}
    for subject_id, to_state in (
        AuditEvent.objects.filter(subject_type=PLAN_TYPE)
        .exclude(to_state="")
        .order_by("index")
        .values_list("subject_id", "to_state")
    ):
        last[subject_id] = to_state
    states = {str(pk): state for pk, state in Plan.objects.values_list("pk", "state")}
    assert set(last) <= set(states), "events about plans that do not exist"
    wrong = {pk: (to, states[pk]) for pk, to in last.items() if states[pk] != to}
    assert wrong == {}


def test_1000_review_decisions_racing_over_125_plans_one_winner_each(seeded, province_tx):
    p = province_tx
    office, head = p.user("kiemtra.ldtbxh"), p.user("cvp.ldtbxh")
    plans = []
    for _ in range(PLANS):
        plan = new_plan(p)
        plan_submit(plan=plan, user=plan.author)
        plan_approve(plan=plan, user=head)
        plans.append(plan.pk)
    assert Plan.objects.filter(state=PlanState.FORMAT_CHECK).count() == PLANS
    last_index = AuditEvent.objects.order_by("-index").values_list("index", flat=True).first()

    def attempts(worker: int) -> list[tuple[int, Any]]:
        order = plans[:]
        random.Random(worker).shuffle(order)
        if worker % 2:
            return [
                (pk, lambda pk=pk: plan_approve(plan=Plan(pk=pk), user=office, seen_revision=1))
                for pk in order
            ]
        return [
            (
                pk,
                lambda pk=pk: plan_return(
                    plan=Plan(pk=pk), user=office, comment="Sai thể thức", seen_revision=1
                ),
            )
            for pk in order
        ]

    outcomes = race([attempts(w) for w in range(WORKERS)])

    assert len(outcomes.results) + len(outcomes.errors) == PLANS * WORKERS == 1000
    assert [outcomes.winners(pk) for pk in plans] == [1] * PLANS
    codes = assert_losers_refused_cleanly(outcomes.errors)
    assert sum(codes.values()) == PLANS * (WORKERS - 1)
    # one decision per plan at the format check, and the plan is where that decision sent it
    decisions = dict(
        PlanApproval.objects.filter(step=PlanState.FORMAT_CHECK).values_list("plan_id", "decision")
    )
    assert len(decisions) == PLANS
    for pk, state in Plan.objects.filter(pk__in=plans).values_list("pk", "state"):
        expected = PlanState.SIGNATURE if decisions[pk] == "approved" else PlanState.DRAFT
        assert state == expected
    # one plan transition event per winner, none for the losers
    written = AuditEvent.objects.filter(index__gt=last_index, subject_type=PLAN_TYPE)
    assert sorted(int(pk) for pk in written.values_list("subject_id", flat=True)) == sorted(plans)
    assert_no_orphan_events()
    report = chain_verify()
    assert report.ok, report.message


def test_clerks_numbering_many_plans_at_once_give_contiguous_numbers(seeded, province_tx, clock):
    p = province_tx
    plans = []
    for _ in range(12):
        plan = to_signature(p, new_plan(p))
        plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
        plans.append(plan.pk)
    clerk = p.user("vanthu.ldtbxh")
    day = datetime.date(2024, 6, 3)
    clock.to(day)  # an issue is dated the day it is recorded (approvals.acts)

    def attempts(worker: int) -> list[tuple[int, Any]]:
        order = plans[:]
        random.Random(worker).shuffle(order)
        return [
            (pk, lambda pk=pk: plan_issue(plan=Plan(pk=pk), user=clerk, issued_on=day))
            for pk in order
        ]

    outcomes = race([attempts(w) for w in range(WORKERS)])

    assert [outcomes.winners(pk) for pk in plans] == [1] * len(plans)
    assert_losers_refused_cleanly(outcomes.errors)
    numbers = sorted(RegisterEntry.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(plans) + 1))
    for plan in Plan.objects.filter(pk__in=plans).select_related("register_entry"):
        assert plan.state == PlanState.IN_FORCE
        assert plan.register_entry.subject_id == str(plan.pk)
        assert plan.dispatches.count() == plan.recipient_units.count()
    assert registers_verify() == []
    assert_no_orphan_events()
    assert chain_verify().ok


def test_signers_and_a_returning_leader_race_on_one_plan(seeded, province_tx):
    p = province_tx
    plan = to_signature(p, new_plan(p))
    leaders = [p.user(u) for u in ("pgd.ldtbxh", "pgd2.ldtbxh", "gd.ldtbxh")]
    workers = []
    for w in range(WORKERS):
        leader = leaders[w % len(leaders)]
        if w % 4 == 3:
            action = lambda u=leader: plan_return(  # noqa: E731
                plan=Plan(pk=plan.pk), user=u, comment="Cần sửa mục II", seen_revision=1
            )
        else:
            action = lambda u=leader: plan_sign(plan=Plan(pk=plan.pk), user=u, seen_revision=1)  # noqa: E731
        workers.append([(plan.pk, action)])

    outcomes = race(workers)

    assert outcomes.winners(plan.pk) == 1
    assert_losers_refused_cleanly(outcomes.errors)
    plan.refresh_from_db()
    signatures = Signature.objects.filter(subject_id=str(plan.pk)).count()
    if plan.state == PlanState.SIGNED:
        assert signatures == 1
    else:
        assert plan.state == PlanState.DRAFT
        assert signatures == 0
    assert_no_orphan_events()
    assert chain_verify().ok


# --- nominations: one dossier, one candidate -------------------------------------------------

D = datetime.date


@pytest.fixture
def submitted(seeded, org):
    from tests.nominations.conftest import Commune
    from workflows.nominations.models import Title
    from workflows.nominations.services import (
        candidates_register,
        dossier_create,
        dossier_submit,
        meeting_record,
        posting_open,
    )

    c = Commune(org, households=12)
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    return c, dossier


def test_accept_and_return_of_one_dossier_race_one_winner(submitted):
    from workflows.nominations.models import Dossier, DossierState
    from workflows.nominations.services import dossier_accept, dossier_return

    c, dossier = submitted
    workers = []
    for w in range(WORKERS):
        if w % 2:
            action = lambda: dossier_accept(dossier=Dossier(pk=dossier.pk), user=c.officer)  # noqa: E731
        else:
            action = lambda: dossier_return(  # noqa: E731
                dossier=Dossier(pk=dossier.pk),
                user=c.officer,
                comment="Thiếu biên bản",
                on=D(2026, 10, 19),
            )
        workers.append([(dossier.pk, action)])

    outcomes = race(workers)

    assert outcomes.winners(dossier.pk) == 1
    assert_losers_refused_cleanly(outcomes.errors)
    dossier.refresh_from_db()
    assert dossier.state in (DossierState.DECISION, DossierState.RETURNED)
    assert chain_verify().ok


def test_deciders_and_revokers_race_one_signature_one_revocation(submitted):
    from workflows.nominations.models import Candidate, CandidateState, Dossier
    from workflows.nominations.services import (
        candidate_revoke,
        decision_issue,
        dossier_accept,
        dossier_decide,
    )

    c, dossier = submitted
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(2026, 10, 26))
    decide = [
        [
            (
                0,
                lambda: dossier_decide(
                    dossier=Dossier(pk=dossier.pk), user=c.chairman, on=D(2026, 10, 26)
                ),
            )
        ]
        for _ in range(WORKERS)
    ]
    outcomes = race(decide)
    assert outcomes.winners(0) == 1
    assert_losers_refused_cleanly(outcomes.errors)
    assert Signature.objects.filter(subject_id=str(dossier.pk)).count() == 1

    issue = [
        [
            (
                0,
                lambda: decision_issue(
                    dossier=Dossier(pk=dossier.pk), user=c.clerk, on=D(2026, 10, 26)
                ),
            )
        ]
        for _ in range(WORKERS)
    ]
    outcomes = race(issue)
    assert outcomes.winners(0) == 1
    assert_losers_refused_cleanly(outcomes.errors)
    recognised = Candidate.objects.filter(dossier=dossier, state=CandidateState.RECOGNISED)
    assert recognised.count() == 12
    assert registers_verify() == []

    target = recognised.first()
    revoke = [
        [
            (
                0,
                lambda: candidate_revoke(
                    candidate=Candidate.objects.get(pk=target.pk),
                    user=c.chairman,
                    ground="false_documents",
                    note="Kết luận thanh tra số 12/KL-UBND",
                ),
            )
        ]
        for _ in range(WORKERS)
    ]
    outcomes = race(revoke)
    assert outcomes.winners(0) == 1
    assert_losers_refused_cleanly(outcomes.errors)
    target.refresh_from_db()
    assert target.state == CandidateState.REVOKED
    candidate_type = f"{Candidate._meta.app_label}.{Candidate._meta.model_name}"
    assert (
        AuditEvent.objects.filter(
            subject_type=candidate_type, subject_id=str(target.pk), to_state=CandidateState.REVOKED
        ).count()
        == 1
    )
    assert chain_verify().ok
