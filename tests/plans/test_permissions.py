"""Who may act on each step of a plan; every refusal changes nothing."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from approvals.audit.models import AuditEvent
from approvals.exceptions import (
    ActionNotPermitted,
    DelegationExpired,
    InvalidTransition,
    SeparationOfDutiesViolation,
    ValidationFailed,
)
from approvals.organisation.models import Action, Delegation, Position, Role
from tests.plans.conftest import new_plan, seed_004_content, to_signature
from workflows.plans.models import Plan, PlanState
from workflows.plans.services import (
    dispatch_acknowledge,
    plan_approve,
    plan_close,
    plan_edit,
    plan_issue,
    plan_return,
    plan_sign,
    plan_submit,
    plan_withdraw,
    report_submit,
)

pytestmark = pytest.mark.django_db


def unchanged(plan: Plan, state: str, events: int) -> None:
    plan.refresh_from_db()
    assert plan.state == state
    assert AuditEvent.objects.count() == events


def test_drafting_needs_the_drafter_role_at_the_drafting_unit(province):
    p = province
    with pytest.raises(ActionNotPermitted):
        new_plan(p, user=p.user("chuyenvien.btxh"))  # a drafter of another division
    with pytest.raises(ActionNotPermitted):
        new_plan(p, user=p.user("gd.vhttdl"))
    assert Plan.objects.count() == 0


def test_division_review_by_the_head_of_the_drafting_unit_only(province):
    p = province
    plan = new_plan(p)
    plan_submit(plan=plan, user=plan.author)
    events = AuditEvent.objects.count()
    for outsider in ("tp.btxh", "gd.vhttdl", "kiemtra.ldtbxh"):
        with pytest.raises(ActionNotPermitted):
            plan_approve(plan=plan, user=p.user(outsider))
        unchanged(plan, PlanState.DIVISION_REVIEW, events)
    plan_approve(plan=plan, user=p.user("cvp.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.FORMAT_CHECK


def test_format_check_by_the_department_office(province):
    p = province
    plan = new_plan(p)
    plan_submit(plan=plan, user=plan.author)
    plan_approve(plan=plan, user=p.user("cvp.ldtbxh"))
    events = AuditEvent.objects.count()
    with pytest.raises(ActionNotPermitted):
        plan_approve(plan=plan, user=p.user("tp.btxh"))
    unchanged(plan, PlanState.FORMAT_CHECK, events)
    plan_approve(plan=plan, user=p.user("kiemtra.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE


def test_sign_by_a_leader_of_the_same_department(province):
    p = province
    plan = to_signature(p, new_plan(p))
    events = AuditEvent.objects.count()
    # another department's deputy director, a division head: refused with the reason
    with pytest.raises(ActionNotPermitted) as exc:
        plan_sign(plan=plan, user=p.user("pgd.vhttdl"))
    assert "Sở Văn hóa, Thể thao và Du lịch" in str(exc.value)
    with pytest.raises(ActionNotPermitted):
        plan_sign(plan=plan, user=p.user("tp.btxh"))
    unchanged(plan, PlanState.SIGNATURE, events)
    assert plan.signature_id is None
    # the director signs in his own name
    plan_sign(plan=plan, user=p.user("gd.ldtbxh"))
    plan.refresh_from_db()
    assert plan.signature.capacity == "own"
    assert plan.signature.signature_block == "GIÁM ĐỐC"


def test_drafter_never_signs_their_own_plan(province):
    p = province
    # given the drafter also holds a deputy director's position
    drafter = p.user("chuyenvien.vp.ldtbxh")
    Position.objects.create(
        user=drafter,
        unit=p.dept,
        role=Role.objects.get(code="deputy_director"),
        valid_from=datetime.date(2024, 1, 1),
    )
    plan = to_signature(p, new_plan(p))
    events = AuditEvent.objects.count()
    with pytest.raises(SeparationOfDutiesViolation):
        plan_sign(plan=plan, user=drafter)
    unchanged(plan, PlanState.SIGNATURE, events)


def test_delegated_signature_works_in_its_term_and_is_refused_after(province):
    p = province
    director = p.user("gd.ldtbxh")
    delegation = Delegation.objects.create(
        delegator=director,
        delegator_position=Position.objects.get(user=director),
        delegate=p.user("cvp.ldtbxh"),
        instrument="Giấy ủy quyền số 01/GUQ-LĐTĐ&XH",
        valid_from=datetime.date(2024, 2, 1),
        valid_to=datetime.date(2024, 2, 3),
    )
    delegation.actions.set([Action.objects.get(code="plans.sign_plan")])
    with freeze_time("2024-02-05 09:00"):
        plan = to_signature(p, new_plan(p, user=p.user("chuyenvien.vp.ldtbxh")))
        with pytest.raises(DelegationExpired) as exc:
            plan_sign(plan=plan, user=p.user("cvp.ldtbxh"))
        assert "03/02/2024" in str(exc.value)
    with freeze_time("2024-02-02 09:00"):
        plan_sign(plan=plan, user=p.user("cvp.ldtbxh"))
    plan.refresh_from_db()
    assert plan.signature.capacity == "TUQ"
    assert plan.signature.signature_block.splitlines()[0] == "TUQ. GIÁM ĐỐC"


def test_only_the_clerk_of_the_issuing_agency_numbers_and_dispatches(province):
    p = province
    plan = to_signature(p, new_plan(p))
    plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    events = AuditEvent.objects.count()
    with freeze_time("2024-02-05 09:00"):
        with pytest.raises(ActionNotPermitted):
            plan_issue(plan=plan, user=p.user("vanthu.vhttdl"))
        unchanged(plan, PlanState.SIGNED, events)
        plan_issue(plan=plan, user=p.user("vanthu.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    # acknowledgement by the recipient only
    dispatch = plan.dispatches.get()
    with pytest.raises(ActionNotPermitted):
        dispatch_acknowledge(dispatch=dispatch, user=p.user("vanthu.ldtbxh"))
    dispatch_acknowledge(dispatch=dispatch, user=p.user("vanthu.vhttdl"))
    with pytest.raises(InvalidTransition):
        dispatch_acknowledge(dispatch=dispatch, user=p.user("vanthu.vhttdl"))
    # reports: only the owing unit; closing: only a leader of the department
    report = plan.reports.filter(unit__code="BTXH").first()
    with pytest.raises(ActionNotPermitted):
        report_submit(report=report, user=p.user("qtp.ncc"), text="x")
    with pytest.raises(ActionNotPermitted):
        plan_close(plan=plan, user=p.user("pgd.vhttdl"), comment="x")


def test_wrong_state_and_stale_revision_are_refused(province):
    p = province
    plan = new_plan(p)
    with pytest.raises(InvalidTransition):
        plan_sign(plan=plan, user=p.user("gd.ldtbxh"))
    plan_submit(plan=plan, user=plan.author)
    with pytest.raises(InvalidTransition):
        plan_edit(plan=plan, user=plan.author, content=seed_004_content(p))
    with pytest.raises(InvalidTransition) as exc:
        plan_approve(plan=plan, user=p.user("cvp.ldtbxh"), seen_revision=7)
    assert "7" in str(exc.value)
    with pytest.raises(ValidationFailed):
        plan_return(plan=plan, user=p.user("cvp.ldtbxh"), comment="  ")
    plan.refresh_from_db()
    assert plan.state == PlanState.DIVISION_REVIEW


def test_nobody_edits_after_signature_and_the_drafter_withdraws_only_before(province):
    p = province
    plan = to_signature(p, new_plan(p))
    plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    with pytest.raises(InvalidTransition) as exc:
        plan_edit(plan=plan, user=plan.author, content=seed_004_content(p))
    assert exc.value.code == "wrong_state"
    with pytest.raises(InvalidTransition):
        plan_withdraw(plan=plan, user=plan.author)
    other = new_plan(p)
    with pytest.raises(ActionNotPermitted):
        plan_withdraw(plan=other, user=p.user("cvp.ldtbxh"))
    plan_withdraw(plan=other, user=other.author, comment="Không ban hành nữa")
    other.refresh_from_db()
    assert other.state == PlanState.WITHDRAWN


def test_signature_detects_a_change_of_the_signed_revision(province):
    from workflows.plans import documents
    from workflows.plans.models import PlanRevision

    p = province
    plan = to_signature(p, new_plan(p))
    plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    plan.refresh_from_db()
    assert documents.verify_signature(plan)
    # someone edits the signed revision behind the application's back
    revision = plan.current_revision
    content = dict(revision.content, subject_summary="Nội dung đã bị sửa")
    PlanRevision.objects.filter(pk=revision.pk).update(content=content)
    assert not documents.verify_signature(plan)


def test_reviewer_sees_what_changed_since_the_revision_they_last_saw(province):
    from workflows.plans.selectors import plan_changes_for

    p = province
    plan = new_plan(p)
    plan_submit(plan=plan, user=plan.author)
    plan_approve(plan=plan, user=p.user("cvp.ldtbxh"))
    plan_return(plan=plan, user=p.user("kiemtra.ldtbxh"), comment="Sửa trích yếu")
    content = seed_004_content(p)
    content["subject_summary"] = "Kế hoạch thực hiện Phong trào năm 2024 (sửa)"
    plan_edit(plan=plan, user=plan.author, content=content)
    plan.refresh_from_db()
    changes = plan_changes_for(plan=plan, user=p.user("cvp.ldtbxh"))
    assert [part.title for part in changes] == ["Trích yếu"]
    assert "<ins> (sửa)</ins>" in changes[0].html
    # who never decided on a revision has nothing to compare with
    assert plan_changes_for(plan=plan, user=plan.author) == []
