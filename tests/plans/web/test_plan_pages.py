"""The plan pages, driven with the test client on the demo province: a whole walk, the
refusals shown in the page, 404 for plans out of reach, and fixed query counts per list."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.audit.models import AuditEvent
from approvals.registers.models import DocumentKind
from approvals.signing.models import SignedFile, SignedStage
from tests.demo.conftest import Demo, demo
from workflows.plans.models import Plan, PlanApproval, PlanState
from workflows.plans.services import plan_create

__all__ = ["demo"]

pytestmark = pytest.mark.django_db

BODY = """I. MỤC ĐÍCH, YÊU CẦU
Đẩy mạnh phát triển Phong trào trong toàn ngành.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Bảo trợ xã hội
Hướng dẫn các đơn vị thực hiện.
2. Văn phòng Sở
Tổng hợp, báo cáo kết quả."""


def client_for(demo: Demo, username: str) -> Client:
    client = Client()
    client.force_login(demo.user(username))
    return client


def form_data(demo: Demo, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": DocumentKind.objects.get(code="plan").pk,
        "drafting_unit": demo.unit("Văn phòng Sở", "Sở Lao động - Thương binh và Xã hội").pk,
        "issuing_agency": demo.unit("Sở Lao động - Thương binh và Xã hội").pk,
        "year": timezone.localdate().year,
        "subject_summary": "Thực hiện Phong trào trong ngành năm nay",
        "basis": "Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh.",
        "body": BODY,
        "recipients": "Các phòng thuộc Sở;\nLưu: VT, VP.",
    }
    data.update(overrides)
    return data


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response


def test_a_plan_walks_from_draft_to_dispatch_through_the_pages(demo: Demo) -> None:
    drafter = client_for(demo, "chuyenvien.vp.ldtbxh")
    response = drafter.post("/plans/new/", form_data(demo))
    assert response.status_code == 302
    plan = Plan.objects.get(subject_summary="Thực hiện Phong trào trong ngành năm nay")
    content = plan.current_revision.content
    assert [s["heading"] for s in content["sections"]] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. TỔ CHỨC THỰC HIỆN",
    ]
    assert content["sections"][1]["items"][1]["paragraphs"] == ["Tổng hợp, báo cáo kết quả."]

    page = follow_post(drafter, f"/plans/{plan.pk}/submit/")
    plan.refresh_from_db()
    assert plan.state == PlanState.DIVISION_REVIEW

    head = client_for(demo, "cvp.ldtbxh")
    assert plan in head.get("/plans/").context["awaiting"]
    # the drafter sees who has it now: the office chief (the head of the drafting unit)
    holders = drafter.get(f"/plans/{plan.pk}/").context["holders"]
    assert demo.user("cvp.ldtbxh").pk in {p.user_id for p in holders}
    assert demo.user("chuyenvien.vp.ldtbxh").pk not in {p.user_id for p in holders}
    # returning needs a comment: refused in the page, nothing changes
    page = follow_post(head, f"/plans/{plan.pk}/return/", {"comment": "", "seen_revision": 1})
    assert any("comment" in m.lower() or "ý kiến" in m.lower() for m in messages_of(page))
    plan.refresh_from_db()
    assert plan.state == PlanState.DIVISION_REVIEW
    follow_post(
        head, f"/plans/{plan.pk}/return/", {"comment": "Bổ sung căn cứ.", "seen_revision": 1}
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert plan.returned_from == PlanState.DIVISION_REVIEW

    listing = drafter.get("/plans/")
    assert plan in listing.context["drafts"]
    edit = drafter.get(f"/plans/{plan.pk}/edit/")
    assert edit.context["form"].initial["body"].startswith("I. MỤC ĐÍCH")
    response = drafter.post(
        f"/plans/{plan.pk}/edit/",
        form_data(
            demo, basis="Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh.\nCăn cứ chức năng, nhiệm vụ."
        ),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.revision_number == 2
    follow_post(drafter, f"/plans/{plan.pk}/submit/")

    detail = head.get(f"/plans/{plan.pk}/")
    changed = {part.title: part.html for part in detail.context["since_mine"]}
    assert "Căn cứ chức năng, nhiệm vụ.</ins>" in changed["Căn cứ"]
    # a stale revision is refused with the reason
    page = follow_post(head, f"/plans/{plan.pk}/approve/", {"seen_revision": 1})
    assert page.context["messages"]
    plan.refresh_from_db()
    assert plan.state == PlanState.DIVISION_REVIEW
    # the page carries the step it shows; the head approves from it
    assert 'name="seen_state" value="division_review"' in detail.content.decode()
    follow_post(
        head, f"/plans/{plan.pk}/approve/", {"seen_revision": 2, "seen_state": "division_review"}
    )
    # a second tab still showing the division review cannot return it from the next step
    page = follow_post(
        head,
        f"/plans/{plan.pk}/return/",
        {"comment": "Sửa lại.", "seen_revision": 2, "seen_state": "division_review"},
    )
    assert any("đã chuyển sang bước khác" in m for m in messages_of(page))
    plan.refresh_from_db()
    assert plan.state == PlanState.FORMAT_CHECK
    follow_post(
        client_for(demo, "kiemtra.ldtbxh"), f"/plans/{plan.pk}/approve/", {"seen_revision": 2}
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE

    deputy = client_for(demo, "pgd.ldtbxh")
    detail = deputy.get(f"/plans/{plan.pk}/")
    assert detail.context["open"]["sign"][0] == "KT. GIÁM ĐỐC"
    follow_post(deputy, f"/plans/{plan.pk}/sign/", {"seen_revision": 2, "comment": "Đồng ý."})
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNED
    assert plan.signature.capacity == "KT"

    clerk = client_for(demo, "vanthu.ldtbxh")
    assert plan in clerk.get("/plans/").context["awaiting"]
    follow_post(clerk, f"/plans/{plan.pk}/issue/")
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    assert re.fullmatch(r"\d{2,}/KH-LĐTĐ&XH", plan.register_entry.symbol)

    sheet = drafter.get(f"/plans/{plan.pk}/").context["sheet"]
    assert [(r.step, r.decision) for r in sheet] == list(
        PlanApproval.objects.filter(plan=plan)
        .order_by("decided_at", "pk")
        .values_list("step", "decision")
    )
    pdf = drafter.get(f"/plans/{plan.pk}/document.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # the issued file exactly as stored (both digital signatures), whose hash the issue's
    # audit event holds
    issued = SignedFile.objects.get(subject_id=str(plan.pk), stage=SignedStage.ISSUED)
    assert pdf.content == issued.read()
    assert hashlib.sha256(pdf.content).hexdigest() == pdf["X-Content-SHA256"] == issued.sha256


def test_the_drafter_may_not_approve_or_sign_their_own_plan(demo: Demo) -> None:
    drafter = client_for(demo, "chuyenvien.vp.ldtbxh")
    drafter.post("/plans/new/", form_data(demo))
    plan = Plan.objects.get(subject_summary="Thực hiện Phong trào trong ngành năm nay")
    follow_post(drafter, f"/plans/{plan.pk}/submit/")
    events = AuditEvent.objects.count()
    page = follow_post(drafter, f"/plans/{plan.pk}/approve/", {"seen_revision": 1})
    assert page.context["messages"]
    plan.refresh_from_db()
    assert plan.state == PlanState.DIVISION_REVIEW
    assert AuditEvent.objects.count() == events


def test_bad_form_input_keeps_what_was_typed_and_names_the_problem(demo: Demo) -> None:
    drafter = client_for(demo, "chuyenvien.vp.ldtbxh")
    response = drafter.post("/plans/new/", form_data(demo, body="Không có tiêu đề mục"))
    assert response.status_code == 200
    assert "I. MỤC ĐÍCH" in response.context["form"].errors["body"][0]
    assert (
        response.context["form"]["subject_summary"].value()
        == "Thực hiện Phong trào trong ngành năm nay"
    )
    assert not Plan.objects.filter(
        subject_summary="Thực hiện Phong trào trong ngành năm nay"
    ).exists()


def test_a_plan_of_another_unit_answers_404_and_actions_change_nothing(demo: Demo) -> None:
    drafter = client_for(demo, "chuyenvien.vp.ldtbxh")
    drafter.post("/plans/new/", form_data(demo))
    plan = Plan.objects.get(subject_summary="Thực hiện Phong trào trong ngành năm nay")
    outsider = client_for(demo, "vanthu.vhttdl")
    assert outsider.get(f"/plans/{plan.pk}/").status_code == 404
    assert outsider.get(f"/plans/{plan.pk}/document.pdf").status_code == 404
    assert outsider.post(f"/plans/{plan.pk}/submit/").status_code == 404
    assert outsider.get("/plans/999999/").status_code == 404
    assert drafter.get(f"/plans/{plan.pk}/document.exe").status_code == 404
    preview = drafter.get(f"/plans/{plan.pk}/document.pdf?preview=1")
    assert preview["Content-Disposition"].startswith("inline;")
    assert preview.content.startswith(b"%PDF")
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    anonymous = Client()
    assert anonymous.get(f"/plans/{plan.pk}/").status_code == 302
    assert drafter.get(f"/plans/{plan.pk}/submit/").status_code == 405


def _bulk_plans(demo: Demo, n: int) -> None:
    drafter = demo.user("chuyenvien.vp.ldtbxh")
    kind = DocumentKind.objects.get(code="plan")
    dept = demo.unit("Sở Lao động - Thương binh và Xã hội")
    vp = demo.unit("Văn phòng Sở", dept.name)
    if n <= 0:
        return
    first = plan_create(
        user=drafter,
        issuing_agency=dept,
        drafting_unit=vp,
        kind=kind,
        year=2026,
        content={
            "subject_summary": "Mẫu",
            "sections": [{"heading": "I. A"}],
            "recipients": ["Lưu: VT."],
        },
    )
    revision = first.current_revision
    plans = [
        Plan(
            issuing_agency=dept,
            drafting_unit=vp,
            kind=kind,
            author=drafter,
            year=2026,
            subject_summary=f"Kế hoạch {i}",
            state=PlanState.DIVISION_REVIEW,
            revision_number=1,
        )
        for i in range(n - 1)
    ]
    Plan.objects.bulk_create(plans)
    from workflows.plans.models import PlanRevision

    PlanRevision.objects.bulk_create(
        PlanRevision(
            plan=p,
            number=1,
            content=revision.content,
            content_sha256=revision.content_sha256,
            created_by=drafter,
        )
        for p in plans
    )


@pytest.mark.parametrize("username", ["cvp.ldtbxh", "chuyenvien.vp.ldtbxh", "gd.ldtbxh"])
def test_the_plan_list_costs_the_same_queries_for_10_and_1000_plans(
    demo: Demo, username: str
) -> None:
    client = client_for(demo, username)
    counts = []
    for total in (10, 1000):
        _bulk_plans(demo, total - Plan.objects.count())
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/plans/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert Plan.objects.count() == 1000
    assert counts[0] == counts[1], counts
