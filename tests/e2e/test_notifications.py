"""Issue 25, item 7, in Chromium on the demo province: a step tells whoever acts next.

The drafter submits a plan: the division head, signing in, sees the bell in the header
count one unread notice, which links to the plan. Once he approves it, the drafter sees
an outcome notice on the bell. The old site had no bell and told nobody.
"""

from __future__ import annotations

from typing import Any

import pytest

from workflows.plans.models import Plan, PlanState

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Kế hoạch thử thông báo"


def _bell_count(session: Any) -> str:
    bell = session.page.locator("[data-testid=notification-bell]")
    assert bell.count() == 1, "no notification bell in the header"
    count = session.page.locator("[data-testid=notification-count]")
    return str(count.inner_text()).strip() if count.count() else "0"


def test_submitting_a_plan_rings_the_reviewers_bell_and_the_decision_the_drafters(
    signed_in: Any,
) -> None:
    drafter = signed_in("chuyenvien.vp.ldtbxh")
    head = signed_in("cvp.ldtbxh")
    assert _bell_count(head) == "0"

    drafter.go("/plans/")
    drafter.page.click("[data-testid=new-plan]")
    drafter.page.fill("#id_subject_summary", SUMMARY)
    drafter.page.fill("#id_basis", "Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh.")
    drafter.page.fill("#id_body", "I. MỤC ĐÍCH\nĐẩy mạnh Phong trào.")
    drafter.page.fill("#id_recipients", "Các phòng thuộc Sở;\nLưu: VT, VP.")
    drafter.page.click("[data-testid=plan-form] button.primary")
    drafter.page.wait_for_selector("[data-testid=submit]")
    drafter.page.click("[data-testid=submit]")
    drafter.page.wait_for_selector("[role=status]")
    plan = Plan.objects.get(subject_summary=SUMMARY)
    assert plan.state == PlanState.DIVISION_REVIEW
    assert _bell_count(drafter) == "0"  # the drafter is not told of his own step

    # the division head, on any page, sees one unread notice on the bell
    head.go("/")
    assert _bell_count(head) == "1"
    head.shot("bell")
    head.page.click("[data-testid=notification-bell]")
    head.page.wait_for_selector("[data-testid=notification]")
    notices = head.page.locator("[data-testid=notification]")
    assert notices.count() == 1
    text = str(notices.first.inner_text())
    assert SUMMARY in text
    assert "đang chờ đồng chí xem xét dự thảo" in text
    head.shot("notifications")
    # the notice leads to the plan, where he approves it; opening it read it
    notices.first.locator("[data-testid=notification-link]").click()
    head.page.wait_for_selector("[data-testid=approve]")
    assert head.page.url.endswith(f"/plans/{plan.pk}/")
    assert _bell_count(head) == "0"
    head.page.click("[data-testid=approve]")
    head.page.wait_for_selector("[role=status]")
    plan.refresh_from_db()
    assert plan.state == PlanState.FORMAT_CHECK

    # the drafter hears of the outcome
    drafter.go("/")
    assert _bell_count(drafter) == "1"
    drafter.page.click("[data-testid=notification-bell]")
    outcome = drafter.page.locator("[data-testid=notification].notification-outcome")
    assert outcome.count() == 1
    assert "đã được" in str(outcome.inner_text())
    assert outcome.locator("[data-testid=notification-link]").count() == 1
    drafter.shot("outcome")
    # marking all read empties the bell
    drafter.page.click("form[action='/notifications/read/'] button")
    drafter.page.wait_for_load_state()
    assert _bell_count(drafter) == "0"
