"""The steering committee's own plan (seed 001) and the chain of plans down to a division."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from approvals.registers.models import DocumentKind
from approvals.registers.services import register_configure
from tests.plans.conftest import new_plan, seed_004_content
from workflows.plans.models import PlanState, ReportPeriod
from workflows.plans.selectors import (
    plan_chain_down,
    plan_chain_up,
    plan_list_received,
    report_list_outstanding,
)
from workflows.plans.services import (
    plan_approve,
    plan_create,
    plan_issue,
    plan_sign,
    plan_submit,
    report_submit,
)

pytestmark = pytest.mark.django_db


def committee_content(p, member) -> dict:
    content = seed_004_content(p)
    content["subject_summary"] = (
        "Triển khai thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” năm 2024"
    )
    content["basis"] = ["Thực hiện Công văn số 582/UBND-KGVX ngày 19/02/2024 của UBND tỉnh."]
    content["tasks"] = [{"unit_id": member.pk, "text": "Xây dựng kế hoạch của ngành"}]
    content["report_to_unit_id"] = p.unit("Sở Văn hóa, Thể thao và Du lịch").pk
    content["recipients"] = ["Các cơ quan thành viên BCĐ;", "Lưu: VT, BCĐ."]
    return content


def test_committee_plan_signed_tm_numbered_bcd_and_followed_both_ways(province):
    p = province
    vhttdl = p.unit("Sở Văn hóa, Thể thao và Du lịch")
    bcd = p.child(p.dept.parent, "BCĐ")
    culture_division = p.child(vhttdl, "QLVHGĐ")
    register_configure(
        agency=bcd,
        year=2024,
        name="Sổ văn bản BCĐ 2024",
        kinds=list(DocumentKind.objects.filter(code="plan")),
        user=p.user("pct.tinh"),
    )
    # given the standing agency's culture division drafts the committee's yearly plan
    drafter = p.user("chuyenvien.qlvhgd")
    with freeze_time("2024-02-01 09:00"):
        committee_plan = plan_create(
            user=drafter,
            issuing_agency=bcd,
            drafting_unit=culture_division,
            kind=DocumentKind.objects.get(code="plan"),
            year=2024,
            content=committee_content(p, p.dept),
            recipient_units=[p.dept],
        )
        plan_submit(plan=committee_plan, user=drafter)
        plan_approve(plan=committee_plan, user=p.user("tp.qlvhgd"))
        plan_approve(plan=committee_plan, user=p.user("thuky.bcd"))  # format check
        # then the standing deputy head signs for the collective body
        plan_sign(plan=committee_plan, user=p.user("gd.vhttdl"))
    committee_plan.refresh_from_db()
    assert committee_plan.signature.signature_block.splitlines() == [
        "TM. BAN CHỈ ĐẠO",
        "PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
    ]
    with freeze_time("2024-02-05 09:00"):
        plan_issue(plan=committee_plan, user=p.user("vanthu.vhttdl"))
    committee_plan.refresh_from_db()
    assert committee_plan.register_entry.symbol.endswith("/KH-BCĐ")
    assert committee_plan.state == PlanState.IN_FORCE

    # the department receives it; its own plan cites it as basis
    received = plan_list_received(user=p.user("gd.ldtbxh"), day=datetime.date(2024, 2, 6))
    assert committee_plan in received
    department_plan = new_plan(p, basis_plans=[committee_plan])
    assert plan_chain_up(plan=department_plan) == [committee_plan]
    assert plan_chain_down(plan=committee_plan) == [department_plan]

    # reports: the department owes the standing agency a 6-month report
    owed = committee_plan.reports.get(unit=p.dept, period=ReportPeriod.SEMIANNUAL)
    assert owed.recipient == vhttdl
    late = report_list_outstanding(recipient=vhttdl, day=datetime.date(2024, 6, 11))
    assert list(late) == [owed]
    with freeze_time("2024-06-12 09:00"):
        report_submit(report=owed, user=p.user("cvp.ldtbxh"), text="Báo cáo 6 tháng của Sở")
    assert not report_list_outstanding(recipient=vhttdl, day=datetime.date(2024, 6, 13)).exists()

    # and the standing agency owes the committee the compiled report, rolling it up
    compiled = committee_plan.reports.get(unit=vhttdl, period=ReportPeriod.SEMIANNUAL)
    assert compiled.recipient == bcd
    assert list(report_list_outstanding(recipient=bcd, day=datetime.date(2024, 6, 13))) == [
        compiled
    ]
    with freeze_time("2024-06-14 09:00"):
        compiled = report_submit(
            report=compiled, user=p.user("gd.vhttdl"), text="Tổng hợp 6 tháng", inputs=[owed]
        )
    owed.refresh_from_db()
    assert owed.compiled_into == compiled
    assert compiled.late
