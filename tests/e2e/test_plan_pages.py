"""A plan's whole road in the browser: drafted, returned, fixed, resubmitted, checked, signed
"KT." by a deputy director and numbered by the records clerk; each page kept as a screenshot."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.documents.samples import attachment_pdf
from workflows.plans.models import Plan, PlanState

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Triển khai Phong trào trong các phòng thuộc Sở"
PDF = attachment_pdf()
BODY = """I. MỤC ĐÍCH, YÊU CẦU
Đẩy mạnh phát triển Phong trào trong toàn ngành.
II. TỔ CHỨC THỰC HIỆN
1. Văn phòng Sở
Tổng hợp, báo cáo kết quả."""


def open_plan(session: Any, plan: Plan) -> None:
    session.go(f"/plans/{plan.pk}/")
    session.page.wait_for_selector("[data-testid=plan-state]")


def state_shown(session: Any) -> str:
    return str(session.page.locator("[data-testid=plan-state]").inner_text())


def test_a_plan_from_draft_to_number_through_the_pages(signed_in: Any) -> None:
    drafter = signed_in("chuyenvien.vp.ldtbxh")
    drafter.go("/plans/")
    drafter.page.click("[data-testid=new-plan]")
    drafter.page.fill("#id_subject_summary", SUMMARY)
    drafter.page.fill("#id_basis", "Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh.")
    drafter.page.fill("#id_body", BODY)
    drafter.page.fill("#id_recipients", "Các phòng thuộc Sở;\nLưu: VT, VP.")
    drafter.shot("form")
    drafter.page.click("[data-testid=plan-form] button.primary")
    drafter.page.wait_for_selector("[data-testid=plan-state]")
    plan = Plan.objects.get(subject_summary=SUMMARY)
    drafter.page.set_input_files(
        "[data-testid=attachments] input[type=file]",
        {"name": "phu-luc.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    drafter.page.click("[data-testid=attachments] button[type=submit]")
    drafter.page.wait_for_selector("[data-testid=attachments] a")
    assert "phu-luc.pdf" in drafter.page.locator("[data-testid=attachments]").inner_text()
    drafter.shot("attached")
    drafter.page.click("[data-testid=submit]")
    drafter.page.wait_for_selector("[role=status]")
    drafter.shot("submitted")
    assert state_shown(drafter) == PlanState.DIVISION_REVIEW.label

    head = signed_in("cvp.ldtbxh")
    head.go("/plans/")
    head.shot("inbox")
    assert SUMMARY in head.page.locator("[data-testid=awaiting-me]").inner_text()
    open_plan(head, plan)
    # the first revision has nothing to be compared with: no comparison at all
    assert head.page.locator("[data-testid=changes]").count() == 0
    head.page.fill("#id_comment", "Bổ sung căn cứ chức năng, nhiệm vụ.")
    head.page.click("[data-testid=return]")
    head.page.wait_for_selector("[role=status]")
    head.shot("returned")

    drafter.go("/plans/")
    assert SUMMARY in drafter.page.locator("[data-testid=my-drafts]").inner_text()
    open_plan(drafter, plan)
    assert "Bổ sung căn cứ" in drafter.page.locator("[data-testid=approval-sheet]").inner_text()
    drafter.page.click("[data-testid=edit]")
    drafter.page.fill(
        "#id_basis", "Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh.\nCăn cứ chức năng, nhiệm vụ của Sở."
    )
    drafter.page.click("[data-testid=plan-form] button.primary")
    drafter.page.wait_for_selector("[data-testid=submit]")
    drafter.page.click("[data-testid=submit]")
    drafter.page.wait_for_selector("[role=status]")
    drafter.shot("resubmitted")

    open_plan(head, plan)
    changes = head.page.locator("[data-testid=changes]")
    assert "Căn cứ chức năng" in changes.locator("ins").inner_text()
    assert changes.locator("del").count() == 0
    shown = changes.inner_text()
    assert not any(line.startswith(("---", "+++", "@@")) for line in shown.splitlines())
    assert "Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh." in shown
    head.shot("changes")
    head.page.click("[data-testid=approve]")
    head.page.wait_for_selector("[role=status]")

    office = signed_in("kiemtra.ldtbxh")
    open_plan(office, plan)
    office.page.click("[data-testid=approve]")
    office.page.wait_for_selector("[role=status]")
    office.shot("format-checked")

    deputy = signed_in("pgd.ldtbxh")
    deputy.go("/sign/")
    deputy.shot("to-sign")
    deputy.page.click(f"[data-testid=plans-to-sign] a[href$='/plans/{plan.pk}/']")
    deputy.page.wait_for_selector("[data-testid=signature-block]")
    assert (
        deputy.page.locator("[data-testid=signature-block]").inner_text().startswith("KT. GIÁM ĐỐC")
    )
    deputy.shot("sign")
    deputy.page.click("[data-testid=sign]")
    deputy.page.wait_for_selector("[role=status]")
    assert state_shown(deputy) == PlanState.SIGNED.label

    clerk = signed_in("vanthu.ldtbxh")
    open_plan(clerk, plan)
    clerk.page.click("[data-testid=issue]")
    clerk.page.wait_for_selector("[data-testid=plan-number]")
    clerk.shot("numbered")
    number = clerk.page.locator("[data-testid=plan-number]").inner_text()
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    assert number == plan.register_entry.symbol
    assert re.fullmatch(r"\d{2,}/KH-LĐTĐ&XH", number)
    clerk.go("/registers/")
    clerk.shot("register")
    assert number in clerk.page.locator("[data-testid=register-entries]").inner_text()
    signature_row = clerk.page
    open_plan(clerk, plan)
    assert "KT. GIÁM ĐỐC" in signature_row.locator("[data-testid=signature-row]").inner_text()


def test_a_numbered_paragraph_is_body_text_and_an_item_a_bold_heading(signed_in: Any) -> None:
    drafter = signed_in("chuyenvien.vp.ldtbxh")
    drafter.go("/plans/new/")
    drafter.page.fill("#id_subject_summary", "Kế hoạch có đoạn văn đánh số")
    drafter.page.fill("#id_basis", "Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh.")
    drafter.page.fill(
        "#id_body",
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Đẩy mạnh phát triển phong trào trong toàn ngành.\n"
        "II. TỔ CHỨC THỰC HIỆN\n1. Văn phòng Sở\nTổng hợp, báo cáo kết quả.",
    )
    drafter.page.fill("#id_recipients", "Các phòng thuộc Sở;\nLưu: VT, VP.")
    drafter.page.click("[data-testid=plan-form] button.primary")
    drafter.page.wait_for_selector("[data-testid=plan-state]")
    text = drafter.page.locator("[data-testid=plan-text]")
    bold = [t.strip() for t in text.locator("strong").all_inner_texts()]
    assert "1. Văn phòng Sở" in bold
    assert "I. MỤC ĐÍCH, YÊU CẦU" in bold
    assert not any(t.startswith("1. Đẩy mạnh") for t in bold)
    paragraph = text.locator("p", has_text="1. Đẩy mạnh phát triển phong trào")
    assert paragraph.count() == 1
    assert paragraph.evaluate("p => getComputedStyle(p).fontWeight") in ("400", "normal")
    # the first revision has nothing to be compared with
    assert drafter.page.locator("[data-testid=changes]").count() == 0
    drafter.shot("numbered-paragraph")
