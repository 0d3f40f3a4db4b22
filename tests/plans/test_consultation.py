"""The steering-committee consultation: parallel answers, deadlines, who did not answer."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from approvals.exceptions import ActionNotPermitted, InvalidTransition
from tests.plans.conftest import new_plan
from workflows.plans.models import ConsultationStatus, PlanApproval, PlanState
from workflows.plans.services import (
    consultation_answer,
    consultation_close_due,
    plan_approve,
    plan_return,
    plan_submit,
)

pytestmark = pytest.mark.django_db


def consulted_plan(p):
    vhttdl = p.unit("Sở Văn hóa, Thể thao và Du lịch")
    bcd = p.child(p.dept.parent, "BCĐ")
    plan = new_plan(
        p, needs_consultation=True, consulted_agencies=[vhttdl, bcd], consultation_working_days=5
    )
    plan_submit(plan=plan, user=plan.author)
    plan_approve(plan=plan, user=p.user("cvp.ldtbxh"))
    plan_approve(plan=plan, user=p.user("kiemtra.ldtbxh"))
    plan.refresh_from_db()
    return plan, vhttdl, bcd


@freeze_time("2024-04-01 09:00")  # a Monday
def test_deadline_in_working_days_skips_the_30_4_and_1_5_holidays(province):
    p = province
    plan, vhttdl, _bcd = consulted_plan(p)
    assert plan.state == PlanState.CONSULTATION
    due = plan.consultations.get(agency=vhttdl).deadline.due_on
    assert due == datetime.date(2024, 4, 8)  # five working days after Monday 1/4


def test_only_the_consulted_agency_answers_for_itself(province):
    p = province
    with freeze_time("2024-03-04 09:00"):
        plan, vhttdl, _bcd = consulted_plan(p)
        consultation = plan.consultations.get(agency=vhttdl)
        with pytest.raises(ActionNotPermitted):
            consultation_answer(consultation=consultation, user=p.user("gd.ldtbxh"), answer="x")
        consultation.refresh_from_db()
        assert consultation.status == ConsultationStatus.PENDING
        consultation_answer(consultation=consultation, user=p.user("pgd.vhttdl"), answer="Đồng ý")
        with pytest.raises(InvalidTransition):
            consultation_answer(consultation=consultation, user=p.user("gd.vhttdl"), answer="x")


def test_when_the_deadlines_pass_the_step_closes_and_records_who_did_not_answer(province):
    p = province
    with freeze_time("2024-03-04 09:00"):
        plan, vhttdl, bcd = consulted_plan(p)
        consultation_answer(
            consultation=plan.consultations.get(agency=vhttdl),
            user=p.user("gd.vhttdl"),
            answer="Nhất trí",
        )
    # not yet due: nothing closes
    assert consultation_close_due(on=datetime.date(2024, 3, 11)) == []
    # after the deadline the periodic job closes the step
    closed = consultation_close_due(on=datetime.date(2024, 3, 12))
    assert [c.pk for c in closed] == [plan.pk]
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE
    assert plan.consultations.get(agency=bcd).status == ConsultationStatus.NOT_ANSWERED
    closing = PlanApproval.objects.get(plan=plan, step=PlanState.CONSULTATION)
    assert bcd.name in closing.comment
    # an answer after the step closed is refused
    with pytest.raises(InvalidTransition):
        consultation_answer(
            consultation=plan.consultations.get(agency=bcd), user=p.user("thuky.bcd"), answer="muộn"
        )


def test_a_return_during_consultation_reopens_it_for_the_new_revision(province):
    from tests.plans.conftest import seed_004_content
    from workflows.plans.services import plan_edit

    p = province
    with freeze_time("2024-03-04 09:00"):
        plan, vhttdl, _bcd = consulted_plan(p)
        consultation_answer(
            consultation=plan.consultations.get(agency=vhttdl),
            user=p.user("gd.vhttdl"),
            answer="Nhất trí",
        )
        plan_return(plan=plan, user=p.user("cvp.ldtbxh"), comment="Bổ sung nội dung")
        first = plan.consultations.get(agency=_bcd, revision__number=1)
        assert first.status == ConsultationStatus.NOT_ANSWERED
        content = seed_004_content(p)
        content["closing"] = "Đề nghị các phòng triển khai thực hiện./."
        plan_edit(plan=plan, user=plan.author, content=content)
        plan_submit(plan=plan, user=plan.author)
    plan.refresh_from_db()
    # the changed revision comes back to the consultation, asked of everyone again
    assert plan.state == PlanState.CONSULTATION
    assert plan.consultations.filter(revision__number=2, status="pending").count() == 2


def test_an_unchanged_revision_keeps_the_answers_already_given(province):
    p = province
    with freeze_time("2024-03-04 09:00"):
        plan, vhttdl, bcd = consulted_plan(p)
        consultation_answer(
            consultation=plan.consultations.get(agency=vhttdl),
            user=p.user("gd.vhttdl"),
            answer="Nhất trí",
        )
        plan_return(plan=plan, user=p.user("cvp.ldtbxh"), comment="Giải trình thêm")
        plan_submit(plan=plan, user=plan.author)
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTATION
    statuses = dict(plan.consultations.values_list("agency_id", "status"))
    assert statuses == {vhttdl.pk: "answered", bcd.pk: "pending"}
