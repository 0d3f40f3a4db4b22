"""The plan form's unit picker in headless Chromium (issue 25, item 8): the units are
checkboxes grouped by parent, each read with its parent (two "Văn phòng Sở" no longer look
alike), a search that ignores accents finds them, and the consulted list holds only the
issuing agency's peers."""

from __future__ import annotations

from typing import Any

import pytest

from workflows.plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Kế hoạch chọn đơn vị nhận bằng ô tìm kiếm"
BODY = """I. MỤC ĐÍCH, YÊU CẦU
Đẩy mạnh phát triển Phong trào trong toàn ngành.
II. TỔ CHỨC THỰC HIỆN
1. Văn phòng Sở
Tổng hợp, báo cáo kết quả."""

RECIPIENTS = "[data-picker-for=recipient_units]"
CONSULTED = "[data-picker-for=consulted_agencies]"


def visible_items(page: Any, picker: str) -> list[str]:
    return [
        text.strip()
        for text in page.locator(f"{picker} .unit-picker-item:visible").all_inner_texts()
    ]


def test_units_are_found_by_an_unaccented_search_and_never_read_the_same(
    signed_in: Any,
) -> None:
    drafter = signed_in("chuyenvien.vp.ldtbxh")
    drafter.go("/plans/new/")
    page = drafter.page
    page.wait_for_selector(f"{RECIPIENTS} input[type=search]")
    # the plain list is replaced by checkboxes, grouped under their parent units
    assert page.locator("select[name=recipient_units]").is_hidden()
    every = visible_items(page, RECIPIENTS)
    assert len(every) > 10
    assert len(every) == len(set(every))
    assert (
        "Sở Lao động - Thương binh và Xã hội"
        in page.locator(f"{RECIPIENTS} legend").all_inner_texts()
    )

    # typing without accents finds both offices, each with its department
    page.fill(f"{RECIPIENTS} input[type=search]", "van phong")
    found = visible_items(page, RECIPIENTS)
    assert sorted(found) == ["Văn phòng Sở — Sở LĐTBXH", "Văn phòng Sở — Sở VHTTDL"]
    drafter.shot("searched")
    page.locator(f"{RECIPIENTS} label", has_text="Văn phòng Sở — Sở VHTTDL").click()
    page.fill(f"{RECIPIENTS} input[type=search]", "")
    assert len(visible_items(page, RECIPIENTS)) == len(every)

    # the consulted list: the department's peers only, not its own office
    consulted = visible_items(page, CONSULTED)
    assert "Sở Văn hóa, Thể thao và Du lịch — UBND tỉnh Bắc Giang" in consulted
    assert not [label for label in consulted if label.startswith("Văn phòng Sở")]
    page.fill(f"{CONSULTED} input[type=search]", "van hoa")
    page.locator(f"{CONSULTED} label", has_text="Sở Văn hóa, Thể thao và Du lịch").click()
    page.check("#id_needs_consultation")
    page.fill("#id_consultation_working_days", "5")

    page.fill("#id_subject_summary", SUMMARY)
    page.fill("#id_body", BODY)
    page.fill("#id_recipients", "Như trên;\nLưu: VT, VP.")
    drafter.shot("chosen")
    page.click("[data-testid=plan-form] button.primary")
    page.wait_for_selector("[data-testid=plan-state]")
    plan = Plan.objects.get(subject_summary=SUMMARY)
    assert [u.short_name for u in plan.recipient_units.all()] == ["VP Sở VHTTDL"]
    assert [u.short_name for u in plan.consulted_agencies.all()] == ["Sở VHTTDL"]
