"""The seed-004 plan from draft to closed, through every step."""

from __future__ import annotations

import datetime

from freezegun import freeze_time

from approvals.audit.models import AuditEvent
from approvals.audit.services import chain_verify
from approvals.registers.models import DocumentKind
from tests.plans.conftest import seed_004_content
from workflows.documents.text import docx_text, pdf_text
from workflows.plans import documents
from workflows.plans.models import (
    ConsultationStatus,
    Plan,
    PlanState,
    ReportPeriod,
)
from workflows.plans.services import (
    consultation_answer,
    dispatch_acknowledge,
    plan_approve,
    plan_close,
    plan_create,
    plan_edit,
    plan_issue,
    plan_return,
    plan_sign,
    plan_submit,
    report_submit,
)


def test_seed_004_plan_walks_from_draft_to_closed(province):
    p = province
    dept = p.dept
    vp = p.child(dept, "VP")
    vhttdl = p.unit("Sở Văn hóa, Thể thao và Du lịch")
    bcd = p.child(dept.parent, "BCĐ")
    drafter = p.user("chuyenvien.vp.ldtbxh")
    office_chief, reviewer = p.user("cvp.ldtbxh"), p.user("kiemtra.ldtbxh")

    # given the drafter of Văn phòng Sở writes the plan, to be consulted with two agencies
    with freeze_time("2024-01-29 09:00"):
        plan = plan_create(
            user=drafter,
            issuing_agency=dept,
            drafting_unit=vp,
            kind=DocumentKind.objects.get(code="plan"),
            year=2024,
            content=seed_004_content(p),
            needs_consultation=True,
            consulted_agencies=[vhttdl, bcd],
            consultation_working_days=3,
            recipient_units=[
                vhttdl,
                p.child(dept, "BTXH"),
                p.child(dept, "NCC"),
                p.child(dept, "BBT"),
            ],
        )
        plan_submit(plan=plan, user=drafter)
        plan_approve(plan=plan, user=office_chief, comment="Đồng ý nội dung")
        # the format check returns it, with a comment
        plan_return(plan=plan, user=reviewer, comment="Sửa Nơi nhận theo Nghị định 30")
    plan.refresh_from_db()
    assert (plan.state, plan.returned_from) == (PlanState.DRAFT, PlanState.FORMAT_CHECK)

    # when the drafter corrects it, the new revision comes back to the format check
    with freeze_time("2024-01-30 08:00"):
        content = seed_004_content(p)
        content["recipients"][1] = "Lãnh đạo Sở (Giám đốc, các Phó Giám đốc);"
        revision = plan_edit(plan=plan, user=drafter, content=content)
        assert revision.number == 2
        plan_submit(plan=plan, user=drafter)
        plan.refresh_from_db()
        assert plan.state == PlanState.FORMAT_CHECK
        plan_approve(plan=plan, user=reviewer, seen_revision=2)
        # the division approval was for revision 1: it no longer counts
        plan.refresh_from_db()
        assert plan.state == PlanState.DIVISION_REVIEW
        plan_approve(plan=plan, user=office_chief, seen_revision=2)
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTATION
    consultations = {c.agency_id: c for c in plan.consultations.filter(revision__number=2)}
    assert consultations[vhttdl.pk].deadline.due_on == datetime.date(2024, 2, 2)

    # Sở VHTTDL answers in time; the committee only after the deadline
    with freeze_time("2024-01-31 10:00"):
        consultation_answer(
            consultation=consultations[vhttdl.pk],
            user=p.user("gd.vhttdl"),
            answer="Nhất trí với dự thảo",
        )
    with freeze_time("2024-02-05 08:00"):
        late = consultation_answer(
            consultation=consultations[bcd.pk],
            user=p.user("thuky.bcd"),
            answer="Đề nghị bổ sung chỉ tiêu",
        )
        assert late.status == ConsultationStatus.LATE
        plan.refresh_from_db()
        assert plan.state == PlanState.SIGNATURE

        # the deputy director signs "KT."; the clerk numbers, dates and dispatches it
        plan_sign(plan=plan, user=p.user("pgd.ldtbxh"), seen_revision=2)
        plan_issue(plan=plan, user=p.user("vanthu.ldtbxh"))
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.state == PlanState.IN_FORCE
    assert plan.register_entry.symbol == "01/KH-LĐTĐ&XH"
    assert plan.signature.capacity == "KT"
    assert plan.dispatches.count() == 4

    # the documents say it: number, date line, capacity and recipients
    issued = plan.current_revision
    block = plan.signature.signature_block.splitlines()
    signer = documents.user_label(plan.signature.signer)
    pdf = documents.render(plan, issued, fmt="pdf", signature_block=block, signer_name=signer)
    docx = documents.render(plan, issued, fmt="docx", signature_block=block, signer_name=signer)
    for text in (pdf_text(pdf), docx_text(docx)):
        assert "Số: 01/KH-LĐTĐ&XH" in text
        assert "Bắc Giang, ngày 05 tháng 02 năm 2024" in text
        assert "KT. GIÁM ĐỐC" in text
        assert "PHÓ GIÁM ĐỐC" in text
        assert "Lãnh đạo Sở (Giám đốc, các Phó Giám đốc);" in text
        assert "Lưu: VT, VP." in text
        assert "KẾ HOẠCH" in text
    assert documents.verify_signature(plan)

    # a recipient acknowledges receipt
    with freeze_time("2024-02-06 08:00"):
        dispatch_acknowledge(
            dispatch=plan.dispatches.get(unit=vhttdl), user=p.user("vanthu.vhttdl")
        )

    # both periodic reports come in, one division late in June; the office compiles them
    reports = plan.reports
    assert reports.filter(period=ReportPeriod.SEMIANNUAL).count() == 3
    authors = {"BTXH": "tp.btxh", "NCC": "qtp.ncc", "VP": "cvp.ldtbxh"}
    for period, days in (
        (ReportPeriod.SEMIANNUAL, {"BTXH": "2024-06-05", "NCC": "2024-06-12", "VP": "2024-06-13"}),
        (ReportPeriod.ANNUAL, {"BTXH": "2024-11-04", "NCC": "2024-11-05", "VP": "2024-11-08"}),
    ):
        for code in ("BTXH", "NCC", "VP"):
            report = reports.get(period=period, unit__code=code, unit__parent=dept)
            inputs = list(reports.filter(period=period).exclude(unit__code="VP"))
            with freeze_time(f"{days[code]} 09:00"):
                report_submit(
                    report=report,
                    user=p.user(authors[code]),
                    text=f"Báo cáo {code}",
                    inputs=inputs if code == "VP" else (),
                )
    late_june = reports.get(period=ReportPeriod.SEMIANNUAL, unit__code="NCC")
    assert late_june.late
    compiled = reports.get(period=ReportPeriod.SEMIANNUAL, unit__code="VP")
    assert compiled.inputs.count() == 2

    # the final review closes it
    with freeze_time("2024-12-20 09:00"):
        plan_close(plan=plan, user=p.user("gd.ldtbxh"), comment="Hoàn thành kế hoạch năm 2024")
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED

    # the audit trail holds every step, in order, and the chain verifies
    actions = list(
        AuditEvent.objects.filter(subject_type="plans.plan", subject_id=str(plan.pk))
        .order_by("index")
        .values_list("action", "to_state")
    )
    states = [to for _a, to in actions if to]
    assert states == [
        "draft",
        "division_review",
        "format_check",
        "draft",
        "draft",
        "format_check",
        "division_review",
        "consultation",
        "signature",
        "signed",
        "in_force",
        "closed",
    ]
    assert ("plans.answer_consultation", "") in actions
    assert ("plans.acknowledge_plan", "") in actions
    assert sum(1 for a, _t in actions if a == "plans.submit_report") == 6
    assert chain_verify().ok
