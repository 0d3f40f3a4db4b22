"""Demo plans: the seed-004 plan of Sở LĐTBXH and the steering committee's yearly plan.

Built through the flow, so the demo shows plans waiting at real steps with their tasks.
"""

from __future__ import annotations

import datetime
from typing import Any

from approvals.acts import act_today, recorded_as_of
from approvals.organisation.models import OrgUnit
from approvals.registers.models import DocumentKind

SUMMARY = "Triển khai thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” năm {year}"


def department_plan_content(dept: OrgUnit, year: int, *, basis: str = "") -> dict[str, Any]:
    """The plan of seed 004 (abridged) for ``year``: tasks per division, reports to the office."""
    units = {u.code: u for u in dept.children.all()}
    btxh, ncc, vp = units["BTXH"], units["NCC"], units["VP"]
    return {
        "subject_summary": SUMMARY.format(year=year),
        "basis": [
            basis
            or f"Thực hiện Kế hoạch của Ban chỉ đạo Phong trào Toàn dân đoàn kết xây dựng đời "
            f"sống văn hóa và công tác gia đình tỉnh Bắc Giang năm {year}."
        ],
        "sections": [
            {
                "heading": "I. MỤC ĐÍCH, YÊU CẦU",
                "paragraphs": [
                    "1. Đẩy mạnh phát triển Phong trào trong toàn ngành cả về chiều rộng và "
                    "chiều sâu, nội dung thiết thực, tránh hình thức."
                ],
            },
            {
                "heading": "II. NỘI DUNG",
                "paragraphs": [
                    "1. Tiếp tục triển khai các nội dung tại Quyết định số 2214/QĐ-TTg ngày "
                    "28/12/2021 của Thủ tướng Chính phủ."
                ],
            },
            {
                "heading": "III. TỔ CHỨC THỰC HIỆN",
                "items": [
                    {
                        "heading": "1. Phòng Bảo trợ xã hội",
                        "paragraphs": [
                            "Chủ trì, tham mưu triển khai phong trào “Đoàn kết giúp nhau xóa đói "
                            "giảm nghèo”."
                        ],
                    },
                    {
                        "heading": "2. Phòng Người có công",
                        "paragraphs": [
                            "Chủ trì, tham mưu triển khai các chính sách đối với gia đình người "
                            "có công."
                        ],
                    },
                    {
                        "heading": "3. Văn phòng Sở",
                        "paragraphs": [
                            "Theo dõi, kiểm tra, đôn đốc; định kỳ tổng hợp báo cáo theo quy định."
                        ],
                    },
                ],
            },
        ],
        "tasks": [
            {"unit_id": btxh.pk, "text": "Xóa đói giảm nghèo", "due_on": f"{year}-12-31"},
            {"unit_id": ncc.pk, "text": "Chính sách người có công", "due_on": f"{year}-12-31"},
            {"unit_id": vp.pk, "text": "Theo dõi, tổng hợp", "due_on": f"{year}-12-31"},
        ],
        "reporting": [
            {"period": "semiannual", "due": "06-10"},
            {"period": "annual", "due": "11-10"},
        ],
        "report_to_unit_id": vp.pk,
        "recipients": [
            "Sở Văn hóa, Thể thao và Du lịch;",
            "Lãnh đạo Sở;",
            "Các phòng, đơn vị trực thuộc Sở;",
            "BBT Website;",
            "Lưu: VT, VP.",
        ],
    }


def committee_plan_content(member: OrgUnit, standing: OrgUnit, year: int) -> dict[str, Any]:
    """The committee's yearly plan (seed 001): member agencies report to the standing agency."""
    content = department_plan_content(member, year, basis="Thực hiện Công văn của UBND tỉnh.")
    content["tasks"] = [{"unit_id": member.pk, "text": "Xây dựng kế hoạch của ngành"}]
    content["report_to_unit_id"] = standing.pk
    content["recipients"] = ["Các cơ quan thành viên Ban Chỉ đạo;", "Lưu: VT, BCĐ."]
    return content


def seed_plans(
    *,
    users: dict[str, Any],
    units: dict[str, OrgUnit],
    year: int,
    today: datetime.date | None = None,
) -> int:
    """Three plans at different steps; returns how many were created (0 when present).

    Their acts (the issue of the first) are dated ``today`` (default: today), built as of
    that day (:func:`approvals.acts.recorded_as_of`)."""
    with recorded_as_of(today or act_today()):
        return _seed_plans(users=users, units=units, year=year)


def _seed_plans(*, users: dict[str, Any], units: dict[str, OrgUnit], year: int) -> int:
    from workflows.plans.flow_actions import flow_approve, flow_issue, flow_sign, flow_submit
    from workflows.plans.models import Plan
    from workflows.plans.services import plan_create

    if Plan.objects.exists():
        return 0
    kind = DocumentKind.objects.get(code="plan")
    dept, bcd, vhttdl = units["ldtbxh"], units["bcd"], units["vhttdl"]

    committee = plan_create(
        user=users["chuyenvien.qlvhgd"],
        issuing_agency=bcd,
        drafting_unit=units["vhttdl_qlvhgd"],
        kind=kind,
        year=year,
        content=committee_plan_content(dept, vhttdl, year),
        recipient_units=[dept],
    )
    flow_submit(committee, users["chuyenvien.qlvhgd"])
    flow_approve(committee, users["tp.qlvhgd"])
    flow_approve(committee, users["thuky.bcd"])
    flow_sign(committee, users["gd.vhttdl"])
    flow_issue(committee, users["vanthu.vhttdl"])

    at_signature = plan_create(
        user=users["chuyenvien.vp.ldtbxh"],
        issuing_agency=dept,
        drafting_unit=units["ldtbxh_vp"],
        kind=kind,
        year=year,
        content=department_plan_content(dept, year),
        recipient_units=[vhttdl],
        basis_plans=[committee],
    )
    flow_submit(at_signature, users["chuyenvien.vp.ldtbxh"])
    flow_approve(at_signature, users["cvp.ldtbxh"])
    flow_approve(at_signature, users["kiemtra.ldtbxh"])

    draft = plan_create(
        user=users["chuyenvien.vp.ldtbxh"],
        issuing_agency=dept,
        drafting_unit=units["ldtbxh_vp"],
        kind=kind,
        year=year,
        content=department_plan_content(dept, year, basis="Thực hiện chỉ đạo của Lãnh đạo Sở."),
    )
    flow_submit(draft, users["chuyenvien.vp.ldtbxh"])
    return 3
