"""A “Gia đình văn hóa” dossier walked through its viewflow flow: the task follows the state."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import translation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals.exceptions import (
    ActionNotPermitted,
    InvalidTransition,
    SeparationOfDutiesViolation,
    ValidationFailed,
)
from approvals.organisation.models import Action
from tests.conftest import Org
from tests.nominations.conftest import Commune
from tests.nominations.timeline import today_is
from tests.plans.conftest import replay_data_migrations
from workflows.nominations.flow_actions import (
    STATE_NODES,
    dossier_process,
    flow_accept,
    flow_council,
    flow_decide,
    flow_issue_decision,
    flow_meeting,
    flow_open_posting,
    flow_open_tasks,
    flow_register,
    flow_return,
    flow_start,
    flow_submit,
)
from workflows.nominations.flows import (
    SIGNED_DECISION,
    STATE_STEPS,
    DossierFlow,
    UnknownDossierStep,
    dossier_stage,
)
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState, Title
from workflows.nominations.services import (
    COUNCIL,
    MEETING,
    REGISTER,
    SUBMIT,
    candidate_report_record,
    candidate_revoke,
    dossier_create,
    objection_record,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date


def open_task(dossier: Dossier) -> Task:
    """The one open task of the dossier's workflow, checked against the dossier's stage."""
    dossier.refresh_from_db()
    stage = dossier_stage(dossier)
    tasks = flow_open_tasks(dossier)
    assert [t.flow_task for t in tasks] == list(STATE_NODES[stage]), stage
    return tasks[0]


def assert_free(task: Task) -> None:
    """A refused step leaves the task exactly as it was: free and not started."""
    task.refresh_from_db()
    assert (task.status, task.owner_id, task.started, task.finished) == (
        STATUS.NEW,
        None,
        None,
        None,
    )


def last_done(dossier: Dossier, node: Any) -> Task:
    return Task.objects.filter(
        process__dossierprocess__dossier=dossier, flow_task=node, status=STATUS.DONE
    ).latest("pk")


def states(dossier: Dossier) -> dict[str, str]:
    return dict(Candidate.objects.filter(dossier=dossier).values_list("household__code", "state"))


def started(c: Any) -> Dossier:
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    flow_start(dossier, c.village_head)
    return dossier


def walk_to_decision(c: Any) -> Dossier:
    dossier = started(c)
    flow_register(dossier, c.village_head, households=c.households)
    today_is(D(2026, 10, 5))
    flow_meeting(
        dossier,
        c.front_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    flow_open_posting(dossier, c.village_head, on=D(2026, 10, 6))
    flow_submit(dossier, c.village_head, on=D(2026, 10, 17))
    flow_accept(dossier, c.officer)
    return dossier


def test_household_dossier_walks_its_flow_from_registration_to_decision(commune, org):
    c = commune
    # given a dossier the village head opened, its workflow starts at the registration
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    assert dossier_process(dossier) is None
    with pytest.raises(ActionNotPermitted):  # the commune's records clerk registers nothing
        flow_start(dossier, c.clerk)
    assert dossier_process(dossier) is None
    process = flow_start(dossier, c.village_head)
    with pytest.raises(InvalidTransition):
        flow_start(dossier, c.village_head)
    assert process.status == PROCESS.NEW
    task = open_task(dossier)
    assert task.flow_task == DossierFlow.registration
    assert (task.owner_permission, task.owner_permission_obj) == (REGISTER, dossier)
    assert Task.objects.get(process=process, flow_task=DossierFlow.start).owner == c.village_head

    # the wrong people are refused by the engine and the task stays free
    with pytest.raises(ActionNotPermitted):
        flow_register(dossier, c.clerk, households=c.households)
    with pytest.raises(ActionNotPermitted):
        flow_register(dossier, org.chairman_y, households=c.households)
    assert_free(task)
    assert not Candidate.objects.exists()
    assert DossierFlow.registration.can_assign(c.village_head, task)
    assert DossierFlow.registration.can_assign(c.front_head, task)  # may record the meeting
    assert not DossierFlow.registration.can_assign(c.clerk, task)

    # registration in two batches: the step is offered again after each
    flow_register(dossier, c.village_head, households=c.households[:5])
    first = last_done(dossier, DossierFlow.registration)
    assert (first.owner, first.data["action"]) == (c.village_head, REGISTER)
    task = open_task(dossier)
    assert (task.flow_task, task.pk != first.pk) == (DossierFlow.registration, True)
    flow_register(dossier, c.village_head, households=c.households[5:])
    task = open_task(dossier)
    assert dossier.state == DossierState.REGISTRATION
    assert Candidate.objects.filter(dossier=dossier).count() == 12

    # the review meeting, recorded by the Front committee head; one household falls short
    votes = {cand.pk: 30 for cand in dossier.candidates.all()}
    votes[dossier.candidates.get(household__code="H0002").pk] = 10
    meeting = {
        "held_on": D(2026, 10, 5),
        "invited": 40,
        "votes": votes,
        "chaired_by": "Ngô Văn Bình",
    }
    today_is(meeting["held_on"])
    with pytest.raises(ActionNotPermitted):
        flow_meeting(dossier, c.officer, present=32, **meeting)
    assert_free(task)
    # no quorum: the meeting is kept but counts no vote; registration is offered again
    inquorate = flow_meeting(dossier, c.front_head, present=20, **meeting)
    assert inquorate.quorate is False
    task = open_task(dossier)
    assert (Dossier.objects.get(pk=dossier.pk).state, task.flow_task) == (
        DossierState.REGISTRATION,
        DossierFlow.registration,
    )
    assert set(states(dossier).values()) == {CandidateState.REGISTERED}
    flow_meeting(dossier, c.front_head, present=32, **meeting)
    done = last_done(dossier, DossierFlow.registration)
    assert (done.owner, done.data["action"]) == (c.front_head, MEETING)
    task = open_task(dossier)
    assert (dossier.state, task.flow_task) == (DossierState.MEETING, DossierFlow.after_review)
    assert states(dossier)["H0002"] == CandidateState.NOT_VOTED

    # the list is posted by the village head (the Front committee head may not post)
    today_is(D(2026, 10, 6))
    with pytest.raises(ActionNotPermitted):
        flow_open_posting(dossier, c.front_head, on=D(2026, 10, 6))
    assert_free(task)
    flow_open_posting(dossier, c.village_head, on=D(2026, 10, 6))
    task = open_task(dossier)
    assert (dossier.state, task.flow_task) == (DossierState.POSTING, DossierFlow.submission)
    assert dossier.posting_deadline.due_on == D(2026, 10, 16)

    # an objection is not a step: it strikes one household and leaves the task alone
    today_is(D(2026, 10, 8))
    objection_record(
        candidate=dossier.candidates.get(household__code="H0003"),
        user=c.village_head,
        text="Vi phạm quy định về tiếng ồn",
        upheld=True,
        on=D(2026, 10, 8),
    )
    assert open_task(dossier).pk == task.pk
    assert_free(task)
    assert states(dossier)["H0003"] == CandidateState.STRUCK

    # the posting cannot be closed early; then the village head submits
    with pytest.raises(ValidationFailed):
        flow_submit(dossier, c.village_head, on=D(2026, 10, 12))
    with pytest.raises(ActionNotPermitted):
        flow_submit(dossier, c.front_head, on=D(2026, 10, 17))
    assert_free(task)
    flow_submit(dossier, c.village_head, on=D(2026, 10, 17))
    task = open_task(dossier)
    assert (dossier.state, task.flow_task) == (DossierState.SUBMITTED, DossierFlow.appraisal)
    assert dossier.decision_deadline.due_on == D(2026, 10, 27)

    # the culture officer returns it for supplement (a comment is required)
    with pytest.raises(ActionNotPermitted):
        flow_return(dossier, c.village_head, comment="Thiếu biên bản")
    with pytest.raises(ValidationFailed):
        flow_return(dossier, c.officer, comment="  ")
    assert_free(task)
    flow_return(dossier, c.officer, comment="Thiếu biên bản họp", on=D(2026, 10, 19))
    assert last_done(dossier, DossierFlow.appraisal).owner == c.officer
    task = open_task(dossier)
    assert (dossier.state, task.flow_task) == (DossierState.RETURNED, DossierFlow.supplement)
    assert (task.status, task.owner_id) == (STATUS.NEW, None)

    # the village head supplements and resubmits; the clock moved by the days away
    with pytest.raises(ActionNotPermitted):
        flow_submit(dossier, c.chairman, on=D(2026, 10, 23))  # a commune's chairman
    assert_free(task)
    flow_submit(dossier, c.village_head, on=D(2026, 10, 23))
    task = open_task(dossier)
    assert (dossier.state, task.flow_task) == (DossierState.SUBMITTED, DossierFlow.appraisal)
    assert dossier.decision_deadline.due_on == D(2026, 11, 2)  # Saturday 31/10 moves to Monday
    flow_accept(dossier, c.officer)
    task = open_task(dossier)  # no council for this title: straight to the decision
    assert (dossier.state, task.flow_task) == (DossierState.DECISION, DossierFlow.signature)

    # nothing can be numbered before it is signed; another commune's chairman cannot sign
    today_is(D(2026, 10, 28))
    with pytest.raises(InvalidTransition):
        flow_issue_decision(dossier, c.clerk, on=D(2026, 10, 28))
    with pytest.raises(ActionNotPermitted):
        flow_decide(dossier, org.chairman_y, on=D(2026, 10, 28))
    with pytest.raises(ActionNotPermitted):
        flow_decide(dossier, c.officer, on=D(2026, 10, 28))
    assert_free(task)
    flow_decide(dossier, c.chairman, on=D(2026, 10, 28))
    task = open_task(dossier)
    assert (dossier_stage(dossier), task.flow_task) == (SIGNED_DECISION, DossierFlow.numbering)
    signature = dossier.signature_id

    # signed once: the flow has no signing step left, and changes nothing
    with pytest.raises((InvalidTransition, FlowRuntimeError)):
        flow_decide(dossier, c.chairman, on=D(2026, 10, 28))
    dossier.refresh_from_db()
    assert dossier.signature_id == signature
    with pytest.raises(ActionNotPermitted):
        flow_issue_decision(dossier, c.chairman, on=D(2026, 10, 28))  # the clerk numbers
    assert_free(task)

    # the clerk numbers the decision: every kept household is recognised, the flow ends
    flow_issue_decision(dossier, c.clerk, on=D(2026, 10, 28))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.symbol == "01/QĐ-UBND"
    assert flow_open_tasks(dossier) == []
    result = states(dossier)
    assert (result["H0002"], result["H0003"]) == (CandidateState.NOT_VOTED, CandidateState.STRUCK)
    assert sum(1 for s in result.values() if s == CandidateState.RECOGNISED) == 10
    process.refresh_from_db()
    assert (process.status, process.finished is not None) == (PROCESS.DONE, True)
    tasks = list(Task.objects.filter(process=process).order_by("pk"))
    assert {t.status for t in tasks} == {STATUS.DONE}
    assert tasks[-1].flow_task == DossierFlow.decided

    # a revocation is not a step either: the finished workflow is left as it was
    candidate_revoke(
        candidate=dossier.candidates.get(household__code="H0004"),
        user=c.chairman,
        ground="false_documents",
        note="Kết luận thanh tra số 12/KL-UBND",
    )
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert list(Task.objects.filter(process=process).order_by("pk")) == tasks

    # every human step, in the order the dossier went, with who took it
    humans = [
        (t.flow_task.name, t.owner.username, t.data["action"].split(".")[1])
        for t in tasks
        if t.flow_task_type == "HUMAN"
    ]
    assert humans == [
        ("registration", "tt_x1", "register_candidates"),
        ("registration", "tt_x1", "register_candidates"),
        ("registration", "mttq_x1", "record_meeting"),  # the inquorate meeting
        ("registration", "mttq_x1", "record_meeting"),
        ("after_review", "tt_x1", "run_posting"),
        ("submission", "tt_x1", "submit_dossier"),
        ("appraisal", "vhxh_x", "appraise_dossier"),
        ("supplement", "tt_x1", "submit_dossier"),
        ("appraisal", "vhxh_x", "appraise_dossier"),
        ("signature", "ct_x", "decide_dossier"),
        ("numbering", "vanthu_x", "number_decision"),
    ]


def test_exemplary_commune_goes_from_registration_to_submission_then_council(db, clock):
    from tests.nominations.test_titles_exemplary_commune import Province

    p = Province(clock)
    dossier = dossier_create(
        user=p.district_officer,
        title=Title.EXEMPLARY_COMMUNE,
        year=2024,
        proposing_unit=p.district,
        on=D(2025, 2, 10),
    )
    flow_start(dossier, p.district_officer)
    ours, theirs = flow_register(
        dossier, p.district_officer, units=[p.commune, p.other_commune], on=D(2025, 2, 10)
    )
    task = open_task(dossier)
    # the achievement reports are filed outside the flow: the registration step waits on
    candidate_report_record(candidate=ours, user=p.officer, report="Báo cáo thành tích Tân An")
    candidate_report_record(candidate=theirs, user=p.other_officer, report="Báo cáo Lãng Sơn")
    assert open_task(dossier).pk == task.pk
    assert_free(task)

    # no meeting and no posting for this title: the registration ends with the submission
    flow_submit(dossier, p.district_officer, on=D(2025, 2, 20))
    assert last_done(dossier, DossierFlow.registration).data["action"] == SUBMIT
    assert open_task(dossier).flow_task == DossierFlow.appraisal
    flow_accept(dossier, p.appraiser)
    task = open_task(dossier)
    assert (dossier.state, task.flow_task) == (DossierState.COUNCIL, DossierFlow.council)
    assert (task.owner_permission, task.owner_permission_obj) == (COUNCIL, dossier)

    # the provincial council sits at the deciding unit: the district's officer may not record it
    council = {
        "held_on": D(2025, 2, 27),
        "members": 9,
        "present": 8,
        "votes": {ours.pk: 7, theirs.pk: 5},
        "minutes": "Biên bản Hội đồng tỉnh",
    }
    today_is(council["held_on"])
    with pytest.raises(ActionNotPermitted):
        flow_council(dossier, p.district_officer, **council)
    assert_free(task)
    flow_council(dossier, p.council_secretary, **council)
    assert open_task(dossier).flow_task == DossierFlow.signature
    today_is(D(2025, 2, 28))
    flow_decide(dossier, p.governor, on=D(2025, 2, 28))
    flow_issue_decision(dossier, p.clerk, on=D(2025, 2, 28))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    process = dossier_process(dossier)
    assert process.status == PROCESS.DONE
    assert {t.status for t in Task.objects.filter(process=process)} == {STATUS.DONE}
    humans = [
        t.flow_task.name
        for t in Task.objects.filter(process=process).order_by("pk")
        if t.flow_task_type == "HUMAN"
    ]
    assert humans == [
        "registration",
        "registration",
        "appraisal",
        "council",
        "signature",
        "numbering",
    ]


def test_village_title_has_its_commune_council_before_the_posting(db, clock):
    from tests.nominations.test_rule_change import Reform, propose_villages

    r = Reform(clock)
    dossier = propose_villages(r, year=2024, on=D(2024, 11, 1))  # registered by the services
    flow_start(dossier, r.officer)  # the workflow picks the dossier up where it stands
    task = open_task(dossier)
    assert task.flow_task == DossierFlow.registration
    east, west, south = dossier.candidates.order_by("pk")

    # the commune's council sits at the proposing unit: the district's officer is refused
    council = {
        "held_on": D(2024, 11, 12),
        "members": 11,
        "present": 9,
        "votes": {east.pk: 9, west.pk: 8, south.pk: 4},
        "minutes": "Biên bản họp Hội đồng Thi đua - Khen thưởng xã (Mẫu số 06)",
    }
    today_is(council["held_on"])
    with pytest.raises(ActionNotPermitted):
        flow_council(dossier, r.district_officer, **council)
    assert_free(task)
    assert DossierFlow.registration.can_assign(r.council, task)
    flow_council(dossier, r.council, **council)
    done = last_done(dossier, DossierFlow.registration)
    assert (done.owner, done.data["action"]) == (r.council, COUNCIL)
    task = open_task(dossier)
    assert (dossier.state, task.flow_task) == (DossierState.MEETING, DossierFlow.after_review)

    today_is(D(2024, 11, 14))
    flow_open_posting(dossier, r.officer, on=D(2024, 11, 14))
    assert open_task(dossier).flow_task == DossierFlow.submission
    flow_submit(dossier, r.chairman, on=D(2024, 11, 26))  # the posting ran to Monday 25/11
    assert open_task(dossier).flow_task == DossierFlow.appraisal
    flow_accept(dossier, r.district_officer)
    task = open_task(dossier)  # this title's council sat before: straight to the signature
    assert (dossier.state, task.flow_task) == (DossierState.DECISION, DossierFlow.signature)
    today_is(D(2024, 12, 2))
    with pytest.raises(ActionNotPermitted):
        flow_decide(dossier, r.chairman, on=D(2024, 12, 2))  # the commune does not decide (2024)
    assert_free(task)
    flow_decide(dossier, r.district_chairman, on=D(2024, 12, 2))
    flow_issue_decision(dossier, r.district_clerk, on=D(2024, 12, 2))
    assert dossier_process(dossier).status == PROCESS.DONE


def test_a_chairman_whose_household_is_proposed_is_refused_and_the_task_stays_free(commune):
    c = commune
    c.households[5].residents.add(c.chairman)
    dossier = walk_to_decision(c)
    task = open_task(dossier)
    assert task.flow_task == DossierFlow.signature
    today_is(D(2026, 10, 20))
    with pytest.raises(SeparationOfDutiesViolation):
        flow_decide(dossier, c.chairman, on=D(2026, 10, 20))
    assert_free(task)
    assert not DossierFlow.signature.can_assign(c.chairman, task)


def test_route_fails_loudly_for_a_state_it_does_not_know(commune, monkeypatch):
    c = commune
    dossier = started(c)
    flow_register(dossier, c.village_head, households=c.households)
    task = open_task(dossier)
    monkeypatch.delitem(STATE_STEPS, DossierState.MEETING)
    today_is(D(2026, 10, 5))
    with pytest.raises(UnknownDossierStep, match="'meeting'"):
        flow_meeting(
            dossier,
            c.front_head,
            held_on=D(2026, 10, 5),
            invited=40,
            present=32,
            votes={cand.pk: 30 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
        )
    # the service's work is rolled back with the step
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REGISTRATION
    assert set(states(dossier).values()) == {CandidateState.REGISTERED}
    assert_free(task)


def test_every_state_has_a_step_in_the_one_table():
    stages = {*DossierState.values, SIGNED_DECISION}
    assert set(STATE_STEPS) == stages
    nodes = {node.name for node in DossierFlow.instance.nodes()}
    assert set(STATE_STEPS.values()) <= nodes
    assert set(STATE_NODES) == stages


def test_a_dossier_without_workflow_is_refused_by_the_flow_actions(commune):
    c = commune
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    with pytest.raises(InvalidTransition):
        flow_register(dossier, c.village_head, households=c.households)
    assert not Candidate.objects.exists()
    assert dossier_process(dossier) is None


def test_node_titles_and_the_flow_title_are_translatable():
    with translation.override("en"):
        assert str(DossierFlow.process_title) == "Nomination dossier from registration to decision"
        assert str(DossierFlow.signature.task_title) == "Sign the recognition decision"


@pytest.fixture
def commune_tx(transactional_db: None) -> Commune:
    """The commune for tests with real transactions (several connections)."""
    if not Action.objects.filter(code=REGISTER).exists():
        replay_data_migrations()
    return Commune(Org(), households=12)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accept_and_return_at_once_one_wins_the_other_changes_nothing(commune_tx):
    c = commune_tx
    dossier = started(c)
    flow_register(dossier, c.village_head, households=c.households)
    today_is(D(2026, 10, 5))
    flow_meeting(
        dossier,
        c.front_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    flow_open_posting(dossier, c.village_head, on=D(2026, 10, 6))
    flow_submit(dossier, c.village_head, on=D(2026, 10, 17))
    appraisal = open_task(dossier)
    steps = [
        lambda d: flow_accept(d, c.officer),
        lambda d: flow_return(d, c.officer, comment="Thiếu biên bản", on=D(2026, 10, 19)),
    ]
    barrier = threading.Barrier(len(steps))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(step: Any) -> None:
        try:
            barrier.wait()
            results.append(step(Dossier.objects.get(pk=dossier.pk)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], InvalidTransition), errors
    appraisal.refresh_from_db()
    assert (appraisal.status, appraisal.owner) == (STATUS.DONE, c.officer)
    task = open_task(dossier)  # the winner's state, and its task
    assert dossier.state in (DossierState.DECISION, DossierState.RETURNED)
    assert (
        Task.objects.filter(
            process__dossierprocess__dossier=dossier, flow_task=DossierFlow.appraisal
        ).count()
        == 1
    )
    assert task.status == STATUS.NEW
