"""The seed-004 plan walked through its viewflow flow: the open task always matches the state."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import translation
from freezegun import freeze_time
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals.audit.models import AuditEvent
from approvals.exceptions import (
    ActionNotPermitted,
    InvalidTransition,
    SeparationOfDutiesViolation,
    ValidationFailed,
)
from approvals.registers.models import DocumentKind
from tests.plans.conftest import Province, seed_004_content
from workflows.plans.flow_actions import (
    STATE_NODES,
    flow_answer,
    flow_approve,
    flow_close,
    flow_close_due_consultations,
    flow_issue,
    flow_open_tasks,
    flow_return,
    flow_sign,
    flow_submit,
    flow_withdraw,
    plan_process,
)
from workflows.plans.flows import PlanFlow
from workflows.plans.models import ConsultationStatus, Plan, PlanState, ReportPeriod
from workflows.plans.services import plan_create, plan_edit, report_submit

pytestmark = pytest.mark.django_db


def plan_events(plan: Plan) -> int:
    """How many audit events the plan has."""
    return AuditEvent.objects.filter(subject_type="plans.plan", subject_id=str(plan.pk)).count()


def open_task(plan: Plan) -> Task:
    """The one open task of the plan's workflow, checked against the plan's state."""
    plan.refresh_from_db()
    tasks = flow_open_tasks(plan)
    nodes = [t.flow_task for t in tasks]
    if plan.state == PlanState.CONSULTATION:  # one task per awaited agency, and the join
        assert PlanFlow.answer in nodes
        assert set(nodes) <= set(STATE_NODES[plan.state])
    else:
        assert nodes == list(STATE_NODES[plan.state]), plan.state
    return tasks[0]


def last_done(plan: Plan, node: Any) -> Task:
    return Task.objects.filter(
        process__planprocess__plan=plan, flow_task=node, status=STATUS.DONE
    ).latest("pk")


def assert_free(task: Task) -> None:
    """A refused step leaves the task exactly as it was: free and not started."""
    task.refresh_from_db()
    assert (task.status, task.owner_id, task.started) == (STATUS.NEW, None, None)


def consulted_plan(p: Province, agencies: list[Any], **extra: Any) -> Plan:
    dept = p.dept
    fields: dict[str, Any] = {
        "needs_consultation": True,
        "consulted_agencies": agencies,
        "consultation_working_days": 3,
        **extra,
    }
    return plan_create(
        user=p.user("chuyenvien.vp.ldtbxh"),
        issuing_agency=dept,
        drafting_unit=p.child(dept, "VP"),
        kind=DocumentKind.objects.get(code="plan"),
        year=2024,
        content=seed_004_content(p),
        **fields,
    )


def test_seed_004_plan_walks_its_flow_from_draft_to_closed(province):
    p = province
    dept = p.dept
    vhttdl = p.unit("Sở Văn hóa, Thể thao và Du lịch")
    bcd = p.child(dept.parent, "BCĐ")
    district = p.unit("Huyện Lạng Giang")  # consulted, never answers
    drafter = p.user("chuyenvien.vp.ldtbxh")
    office_chief, reviewer = p.user("cvp.ldtbxh"), p.user("kiemtra.ldtbxh")

    # given the drafter's plan, to be consulted with three member agencies
    with freeze_time("2024-01-29 09:00"):
        plan = consulted_plan(
            p,
            [vhttdl, bcd, district],
            recipient_units=[vhttdl, p.child(dept, "BTXH"), p.child(dept, "NCC")],
        )
        assert plan_process(plan) is None

        # when the drafter submits, the workflow starts at the division review
        flow_submit(plan, drafter)
        process = plan_process(plan)
        assert process is not None
        assert process.status == PROCESS.NEW
        task = open_task(plan)
        assert plan.state == PlanState.DIVISION_REVIEW
        assert task.flow_task == PlanFlow.division_review
        assert task.owner_permission == "plans.review_plan"
        assert task.owner_permission_obj == plan

        # the wrong people are refused by the engine and the task stays free
        with pytest.raises(SeparationOfDutiesViolation):
            flow_approve(plan, drafter)
        with pytest.raises(ActionNotPermitted):
            flow_approve(plan, p.user("tp.btxh"))  # head of another division
        assert_free(task)
        assert not PlanFlow.division_review.can_assign(p.user("tp.btxh"), task)
        assert PlanFlow.division_review.can_assign(office_chief, task)

        flow_approve(plan, office_chief, comment="Đồng ý nội dung")
        assert last_done(plan, PlanFlow.division_review).owner == office_chief
        task = open_task(plan)
        assert plan.state == PlanState.FORMAT_CHECK

        with pytest.raises(ActionNotPermitted):
            flow_approve(plan, p.user("tp.btxh"))  # not of the department office
        # a refusal by the service (no comment) leaves the task untouched as well
        with pytest.raises(ValidationFailed):
            flow_return(plan, reviewer, comment="  ")
        assert_free(task)

        # the format check returns it: the task goes straight to the drafter
        flow_return(plan, reviewer, comment="Sửa Nơi nhận theo Nghị định 30")
        assert last_done(plan, PlanFlow.format_check).owner == reviewer
        task = open_task(plan)
        assert (plan.state, plan.returned_from) == (PlanState.DRAFT, PlanState.FORMAT_CHECK)
        assert (task.status, task.owner) == (STATUS.ASSIGNED, drafter)

    with freeze_time("2024-01-30 08:00"):
        content = seed_004_content(p)
        content["recipients"][1] = "Lãnh đạo Sở (Giám đốc, các Phó Giám đốc);"
        plan_edit(plan=plan, user=drafter, content=content)
        with pytest.raises(ActionNotPermitted):
            flow_submit(plan, office_chief)
        assert open_task(plan).owner == drafter

        # the resubmitted revision comes back to the format check, then to the division
        flow_submit(plan, drafter)
        assert last_done(plan, PlanFlow.revise).owner == drafter
        assert open_task(plan).flow_task == PlanFlow.format_check
        flow_approve(plan, reviewer, seen_revision=2)
        task = open_task(plan)
        assert task.flow_task == PlanFlow.division_review
        with pytest.raises(InvalidTransition):
            flow_approve(plan, office_chief, seen_revision=1)  # a stale revision
        assert_free(task)
        flow_approve(plan, office_chief, seen_revision=2)

    # then the consultation opens one answer task per agency, all free
    answers = flow_open_tasks(plan)
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTATION
    assert [t.flow_task for t in answers] == [PlanFlow.answer] * 3
    consultations = {c.agency_id: c for c in plan.consultations.filter(revision__number=2)}
    assert {t.data["consultation"] for t in answers} == {c.pk for c in consultations.values()}
    assert {t.data["agency"] for t in answers} == {vhttdl.pk, bcd.pk, district.pk}
    assert all(t.status == STATUS.NEW and t.owner_id is None for t in answers)
    by_agency = {t.data["agency"]: t for t in answers}

    with freeze_time("2024-01-31 10:00"):
        # Sở VHTTDL answers in time; an outsider may not answer for the committee
        flow_answer(consultations[vhttdl.pk], p.user("gd.vhttdl"), answer="Nhất trí với dự thảo")
        with pytest.raises(ActionNotPermitted):
            flow_answer(consultations[bcd.pk], p.user("tp.btxh"), answer="Ý kiến")
        assert_free(by_agency[bcd.pk])
        with pytest.raises(InvalidTransition):  # already answered
            flow_answer(consultations[vhttdl.pk], p.user("gd.vhttdl"), answer="Lần nữa")
        assert flow_close_due_consultations() == []  # no deadline has passed yet
    done = Task.objects.get(pk=by_agency[vhttdl.pk].pk)
    assert (done.status, done.owner, done.data["outcome"]) == (
        STATUS.DONE,
        p.user("gd.vhttdl"),
        ConsultationStatus.ANSWERED,
    )
    open_task(plan)
    join = flow_open_tasks(plan)[-1]
    assert (join.flow_task, join.status) == (PlanFlow.answers_in, STATUS.STARTED)

    with freeze_time("2024-02-05 08:00"):
        # the committee answers after the deadline (2/2): kept, marked late
        late = flow_answer(
            consultations[bcd.pk], p.user("thuky.bcd"), answer="Đề nghị bổ sung chỉ tiêu"
        )
        assert late.status == ConsultationStatus.LATE
        assert open_task(plan).flow_task == PlanFlow.answer  # the district is still awaited

        # the district never answers: the periodic job closes the step after the deadline
        assert flow_close_due_consultations() == [plan]
    silent = Task.objects.get(pk=by_agency[district.pk].pk)
    assert (silent.status, silent.owner_id, silent.data["outcome"]) == (
        STATUS.DONE,
        None,
        ConsultationStatus.NOT_ANSWERED,
    )
    assert Task.objects.get(pk=by_agency[bcd.pk].pk).data["outcome"] == ConsultationStatus.LATE
    join = Task.objects.get(pk=join.pk)
    assert join.status == STATUS.DONE
    assert set(join.previous.values_list("pk", flat=True)) == {t.pk for t in answers}
    task = open_task(plan)
    assert plan.state == PlanState.SIGNATURE

    with freeze_time("2024-02-05 09:00"):
        # the drafter can never sign their own plan; a deputy director signs "KT."
        with pytest.raises(SeparationOfDutiesViolation):
            flow_sign(plan, drafter, seen_revision=2)
        with pytest.raises(ActionNotPermitted):
            flow_sign(plan, p.user("pgd.vhttdl"), seen_revision=2)  # another department
        assert_free(task)
        flow_sign(plan, p.user("pgd.ldtbxh"), seen_revision=2)
        task = open_task(plan)
        assert plan.state == PlanState.SIGNED
        with pytest.raises(ActionNotPermitted):
            flow_issue(plan, p.user("vanthu.vhttdl"))  # the clerk of another agency
        assert_free(task)
        flow_issue(plan, p.user("vanthu.ldtbxh"))
    assert last_done(plan, PlanFlow.register).owner == p.user("vanthu.ldtbxh")
    task = open_task(plan)
    assert plan.state == PlanState.IN_FORCE
    assert plan.register_entry.symbol == "01/KH-LĐTĐ&XH"

    # the periodic reports come in (not flow steps), then the final review closes the plan
    authors = {"BTXH": "tp.btxh", "NCC": "qtp.ncc", "VP": "cvp.ldtbxh"}
    days = {ReportPeriod.SEMIANNUAL: "2024-06-05", ReportPeriod.ANNUAL: "2024-11-05"}
    for period, day in days.items():
        for code, author in authors.items():
            with freeze_time(f"{day} 09:00"):
                report_submit(
                    report=plan.reports.get(period=period, unit__code=code, unit__parent=dept),
                    user=p.user(author),
                    text=f"Báo cáo {code}",
                )
    with freeze_time("2024-12-20 09:00"):
        with pytest.raises(ActionNotPermitted):
            flow_close(plan, p.user("gd.vhttdl"), comment="Hoàn thành")
        assert_free(task)
        flow_close(plan, p.user("gd.ldtbxh"), comment="Hoàn thành kế hoạch năm 2024")
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED
    assert flow_open_tasks(plan) == []

    # every task is done, in the order the plan went, and so is the workflow
    process.refresh_from_db()
    assert (process.status, process.finished is not None) == (PROCESS.DONE, True)
    tasks = list(Task.objects.filter(process=process).order_by("pk"))
    assert {t.status for t in tasks} == {STATUS.DONE}
    humans = [(t.flow_task.name, t.owner.username) for t in tasks if t.flow_task_type == "HUMAN"]
    assert humans == [
        ("division_review", "cvp.ldtbxh"),
        ("format_check", "kiemtra.ldtbxh"),
        ("revise", "chuyenvien.vp.ldtbxh"),
        ("format_check", "kiemtra.ldtbxh"),
        ("division_review", "cvp.ldtbxh"),
        ("sign", "pgd.ldtbxh"),
        ("register", "vanthu.ldtbxh"),
        ("final_review", "gd.ldtbxh"),
    ]
    assert [t.flow_task.name for t in tasks].count("answer") == 3
    assert tasks[-1].flow_task == PlanFlow.closed


def test_a_decision_on_a_page_left_open_after_the_plan_moved_on_is_refused_as_out_of_date(
    province,
):
    p = province
    dept = p.dept
    drafter, office_chief = p.user("chuyenvien.vp.ldtbxh"), p.user("cvp.ldtbxh")
    plan = plan_create(
        user=drafter,
        issuing_agency=dept,
        drafting_unit=p.child(dept, "VP"),
        kind=DocumentKind.objects.get(code="plan"),
        year=2024,
        content=seed_004_content(p),
    )
    flow_submit(plan, drafter)
    # given the office chief (who may act at both reviews of the office's own plan, so a
    # stale decision would land on the next step) approved the division review…
    flow_approve(plan, office_chief, seen_state=PlanState.DIVISION_REVIEW)
    plan.refresh_from_db()
    assert plan.state == PlanState.FORMAT_CHECK
    events = plan_events(plan)
    task = open_task(plan)
    # when a page still showing the division review returns it
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        flow_return(plan, office_chief, comment="Sửa lại", seen_state=PlanState.DIVISION_REVIEW)
    # then the refusal says the plan moved on, naming both steps, and nothing changed
    assert "moved on" in str(refused.value)
    assert "“Department office format check”, not “Division head review”" in str(refused.value)
    plan.refresh_from_db()
    assert plan.state == PlanState.FORMAT_CHECK
    assert plan_events(plan) == events
    assert_free(task)
    # and the step that is open still works with the state the page shows
    flow_return(
        plan, p.user("kiemtra.ldtbxh"), comment="Sửa Nơi nhận", seen_state=PlanState.FORMAT_CHECK
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_withdraw_during_the_consultation_cancels_the_workflow(province):
    p = province
    vhttdl, bcd = p.unit("Sở Văn hóa, Thể thao và Du lịch"), p.child(p.dept.parent, "BCĐ")
    drafter = p.user("chuyenvien.vp.ldtbxh")
    with freeze_time("2024-01-29 09:00"):
        plan = consulted_plan(p, [vhttdl, bcd])
        flow_submit(plan, drafter)
        flow_approve(plan, p.user("cvp.ldtbxh"))
        flow_approve(plan, p.user("kiemtra.ldtbxh"))
        consultation = plan.consultations.get(agency=bcd)
        flow_answer(plan.consultations.get(agency=vhttdl), p.user("gd.vhttdl"), answer="Nhất trí")
        before = [(t.pk, t.status) for t in flow_open_tasks(plan)]
        assert [s for _pk, s in before] == [STATUS.NEW, STATUS.STARTED]  # bcd's answer, join

        # only the drafter may withdraw; a refusal changes nothing
        with pytest.raises(ActionNotPermitted):
            flow_withdraw(plan, p.user("cvp.ldtbxh"))
        assert [(t.pk, t.status) for t in flow_open_tasks(plan)] == before

        flow_withdraw(plan, drafter, comment="Không còn phù hợp")
    plan.refresh_from_db()
    assert plan.state == PlanState.WITHDRAWN
    assert flow_open_tasks(plan) == []
    process = plan_process(plan)
    assert (process.status, process.finished is not None) == (PROCESS.CANCELED, True)
    statuses = dict(
        Task.objects.filter(pk__in=[pk for pk, _s in before]).values_list("pk", "status")
    )
    assert set(statuses.values()) == {STATUS.CANCELED}
    last = Task.objects.filter(process=process).latest("pk")
    assert (last.flow_task, last.status) == (PlanFlow.withdrawn, STATUS.DONE)
    assert {t.status for t in Task.objects.filter(process=process)} <= {
        STATUS.DONE,
        STATUS.CANCELED,
    }
    with pytest.raises(InvalidTransition):  # nothing is left to answer
        flow_answer(consultation, p.user("thuky.bcd"), answer="Muộn")


def test_withdraw_of_a_returned_plan_cancels_the_drafters_task(province):
    p = province
    drafter = p.user("chuyenvien.vp.ldtbxh")
    with freeze_time("2024-01-29 09:00"):
        plan = consulted_plan(p, [p.unit("Sở Văn hóa, Thể thao và Du lịch")])
        flow_submit(plan, drafter)
        flow_return(plan, p.user("cvp.ldtbxh"), comment="Viết lại mục II")
        revise = open_task(plan)
        assert revise.owner == drafter
        flow_withdraw(plan, drafter)
    revise.refresh_from_db()
    assert revise.status == STATUS.CANCELED
    assert plan_process(plan).status == PROCESS.CANCELED


def test_return_during_the_consultation_settles_the_answers(province):
    p = province
    vhttdl, bcd = p.unit("Sở Văn hóa, Thể thao và Du lịch"), p.child(p.dept.parent, "BCĐ")
    drafter, office_chief = p.user("chuyenvien.vp.ldtbxh"), p.user("cvp.ldtbxh")
    with freeze_time("2024-01-29 09:00"):
        plan = consulted_plan(p, [vhttdl, bcd])
        flow_submit(plan, drafter)
        flow_approve(plan, office_chief)
        flow_approve(plan, p.user("kiemtra.ldtbxh"))
        answers = {t.data["agency"]: t for t in flow_open_tasks(plan)}
        flow_answer(plan.consultations.get(agency=vhttdl), p.user("gd.vhttdl"), answer="Nhất trí")
        with pytest.raises(ActionNotPermitted):  # the consultation is the division's step
            flow_return(plan, p.user("tp.btxh"), comment="Sai")
        assert [t.status for t in flow_open_tasks(plan)] == [STATUS.NEW, STATUS.STARTED]

        flow_return(plan, office_chief, comment="Chờ ý kiến Ban Chỉ đạo đầy đủ hơn")
    task = open_task(plan)
    assert (plan.state, task.owner) == (PlanState.DRAFT, drafter)
    outcomes = {
        agency: Task.objects.values_list("status", "data__outcome").get(pk=t.pk)
        for agency, t in answers.items()
    }
    assert outcomes == {
        vhttdl.pk: (STATUS.DONE, ConsultationStatus.ANSWERED),
        bcd.pk: (STATUS.DONE, ConsultationStatus.NOT_ANSWERED),
    }
    assert last_done(plan, PlanFlow.answers_in)

    # resubmitted unchanged, only the agency that did not answer is asked again
    with freeze_time("2024-01-30 09:00"):
        flow_submit(plan, drafter)
        (again,) = flow_open_tasks(plan)
        assert (again.flow_task, again.data["consultation"]) == (
            PlanFlow.answer,
            plan.consultations.get(agency=bcd).pk,
        )
        flow_answer(plan.consultations.get(agency=bcd), p.user("thuky.bcd"), answer="Đồng ý")
    assert open_task(plan).flow_task == PlanFlow.sign
    assert plan.state == PlanState.SIGNATURE


def test_a_plan_without_workflow_is_refused_by_the_flow_actions(province):
    p = province
    with freeze_time("2024-01-29 09:00"):
        plan = consulted_plan(p, [p.unit("Sở Văn hóa, Thể thao và Du lịch")])
    with pytest.raises(InvalidTransition):
        flow_approve(plan, p.user("cvp.ldtbxh"))
    with pytest.raises(ActionNotPermitted):  # only the drafter submits, nothing starts
        flow_submit(plan, p.user("cvp.ldtbxh"))
    assert plan_process(plan) is None


def test_node_titles_and_the_flow_title_are_translatable():
    with translation.override("en"):
        assert str(PlanFlow.process_title) == "Plan from draft to closure"
        assert str(PlanFlow.sign.task_title) == "Sign"
    with translation.override("vi"):
        assert str(PlanFlow.process_title) != "Plan from draft to closure"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_leaders_sign_through_the_flow_at_once_one_wins(province_tx):
    p = province_tx
    drafter = p.user("chuyenvien.vp.ldtbxh")
    with freeze_time("2024-01-29 09:00"):
        plan = consulted_plan(
            p, [p.unit("Sở Văn hóa, Thể thao và Du lịch")], needs_consultation=False
        )
        flow_submit(plan, drafter)
        flow_approve(plan, p.user("cvp.ldtbxh"))
        flow_approve(plan, p.user("kiemtra.ldtbxh"))
    assert open_task(plan).flow_task == PlanFlow.sign
    leaders = [p.user("pgd.ldtbxh"), p.user("pgd2.ldtbxh"), p.user("gd.ldtbxh")]
    barrier = threading.Barrier(len(leaders))
    results: list[Any] = []
    errors: list[BaseException] = []

    def sign(user: Any) -> None:
        try:
            barrier.wait()
            results.append(flow_sign(Plan.objects.get(pk=plan.pk), user))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(u,)) for u in leaders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(results) == 1
    assert len(errors) == 2
    assert all(isinstance(e, InvalidTransition) for e in errors), errors
    signed = Task.objects.get(process__planprocess__plan=plan, flow_task=PlanFlow.sign)
    assert (signed.status, signed.owner) == (STATUS.DONE, results[0].signature.signer)
    assert open_task(plan).flow_task == PlanFlow.register
