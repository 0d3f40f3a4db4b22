"""Issue 25, items 4 and 5, in Chromium on the demo province.

4. A plan's history names every act in words: submitting is "Trình kế hoạch" (not the
   drafting action's "Soạn thảo kế hoạch"), signing is one row, no action code shows.
5. "Việc có thể làm lúc này" lists only what the reader can do; where nothing, it says what
   the case waits for, from whom and by when, and no engine refusal is shown until the
   reader tries an action.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from freezegun import freeze_time

from approvals.organisation.models import Action, OrgUnit
from tests.e2e.test_nomination_pages import _as, _commune_clerk_and_register, _dmy, _unit
from workflows.nominations.models import Dossier, DossierState
from workflows.plans.models import Plan, PlanState
from workflows.plans.services import step_deadline

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Kế hoạch thử lịch sử và việc chờ"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _history_actions(session: Any) -> list[str]:
    cells = session.page.locator("[data-testid=history] tbody tr td:nth-child(3)")
    return [cells.nth(i).inner_text().strip() for i in range(cells.count())]


def _box(session: Any) -> str:
    return str(session.page.locator("[data-testid=actions]").inner_text())


def test_plan_history_names_each_act_once_and_the_box_says_what_it_waits_for(
    signed_in: Any,
) -> None:
    drafter = signed_in("chuyenvien.vp.ldtbxh")
    drafter.go("/plans/")
    drafter.page.click("[data-testid=new-plan]")
    drafter.page.fill("#id_subject_summary", SUMMARY)
    drafter.page.fill("#id_basis", "Thực hiện Kế hoạch của Ban Chỉ đạo tỉnh.")
    drafter.page.fill("#id_body", "I. MỤC ĐÍCH\nĐẩy mạnh Phong trào.")
    drafter.page.fill("#id_recipients", "Các phòng thuộc Sở;\nLưu: VT, VP.")
    drafter.page.click("[data-testid=plan-form] button.primary")
    drafter.page.wait_for_selector("[data-testid=plan-state]")
    plan = Plan.objects.get(subject_summary=SUMMARY)
    drafter.page.click("[data-testid=edit]")
    drafter.page.fill("#id_body", "I. MỤC ĐÍCH\nĐẩy mạnh Phong trào trong toàn ngành.")
    drafter.page.click("[data-testid=plan-form] button.primary")
    drafter.page.wait_for_selector("[data-testid=submit]")
    drafter.page.click("[data-testid=submit]")
    drafter.page.wait_for_selector("[role=status]")
    plan.refresh_from_db()
    assert plan.state == PlanState.DIVISION_REVIEW

    # the drafter can only withdraw now: the box says who reviews it and by when, no refusal
    deadline = step_deadline(plan)
    due = f", hạn {deadline.due_on:%d/%m/%Y}" if deadline else ""
    waiting = drafter.page.locator("[data-testid=waiting]").inner_text()
    assert waiting == f"Chờ {plan.drafting_unit.name} xem xét dự thảo{due}."
    assert "không được" not in _box(drafter).casefold()
    assert "người soạn thảo" not in _box(drafter)
    drafter.shot("waiting-review")

    head = signed_in("cvp.ldtbxh")
    head.go(f"/plans/{plan.pk}/")
    head.page.click("[data-testid=approve]")
    head.page.wait_for_selector("[role=status]")
    office = signed_in("kiemtra.ldtbxh")
    office.go(f"/plans/{plan.pk}/")
    office.page.click("[data-testid=approve]")
    office.page.wait_for_selector("[role=status]")
    # the office's box after its check: no list of who may sign, only what the plan waits for
    assert office.page.locator("[data-testid=waiting]").inner_text().startswith("Chờ ")
    assert office.page.locator("[data-testid=actions] .muted").count() == 0
    deputy = signed_in("pgd.ldtbxh")
    deputy.go(f"/plans/{plan.pk}/")
    deputy.page.click("[data-testid=sign]")
    deputy.page.wait_for_selector("[role=status]")
    clerk = signed_in("vanthu.ldtbxh")
    clerk.go(f"/plans/{plan.pk}/")
    clerk.page.click("[data-testid=issue]")
    clerk.page.wait_for_selector("[data-testid=plan-number]")
    clerk.shot("history")

    actions = _history_actions(clerk)
    assert actions == [
        "Tạo dự thảo",
        "Sửa dự thảo (bản mới)",
        "Trình kế hoạch",
        "Duyệt bản thảo (lãnh đạo đơn vị)",
        "Kiểm tra thể thức, kỹ thuật trình bày",
        "Ký ban hành",
        "Cấp số, phát hành, lưu",
    ], actions
    assert not [a for a in actions if CODE.match(a)]


def _submit_a_dossier(site: Any) -> tuple[Dossier, OrgUnit]:
    """The village head of Thôn Hạ registers, records the meeting and posting, and submits."""
    today = timezone.localdate()
    village = _unit("Thôn Hạ", "village")
    commune = _unit("Xã Tân Dĩnh", "commune")
    _commune_clerk_and_register(commune)
    page = site.page
    site.login("truongthon.ha")
    site.go("/nominations/")
    page.click("text=Lập hồ sơ mới")
    page.select_option("#id_proposing_unit", str(village.pk))
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    dossier = Dossier.objects.get(proposing_unit=village)
    page.click("[data-action=register]")
    page.wait_for_load_state()
    page.click("[data-action=meeting]")
    page.wait_for_load_state()
    held_on = today - datetime.timedelta(days=30)
    page.fill("#id_held_on", _dmy(held_on))
    page.fill("#id_invited", "60")
    page.fill("#id_present", "50")
    page.fill("#id_chaired_by", "Ngô Văn Bình")
    votes = page.locator("input[name^=vote_]")
    for i in range(votes.count()):
        votes.nth(i).fill("48")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    posted_on = held_on + datetime.timedelta(days=1)
    with freeze_time(f"{posted_on.isoformat()} 09:00", tick=True, real_asyncio=True):
        page.fill("#id_posted_on", _dmy(posted_on))
        page.click("[data-action=posting]")
        page.wait_for_load_state()
    page.click("[data-action=submit]")
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    return dossier, commune


def test_dossier_box_says_who_must_act_and_by_when_never_a_refusal(site: Any, browser: Any) -> None:
    dossier, _commune = _submit_a_dossier(site)
    due = dossier.decision_deadline.due_on
    box = site.page.locator("[data-testid=actions]")
    assert box.locator("[data-testid=waiting]").inner_text() == (
        f"Chờ UBND xã Tân Dĩnh thẩm định, hạn {due:%d/%m/%Y}."
    )
    assert box.locator("[data-refused]").count() == 0
    assert "soạn" not in box.inner_text().casefold()
    site.shot("village-head-waiting")

    officer = _as(browser, site, "vanhoa.tandinh")
    officer.go(f"/nominations/{dossier.pk}/")
    officer.page.check("input[name=decision][value=accept]")
    officer.page.click("[data-action=appraise]")
    officer.page.wait_for_load_state()
    assert officer.page.locator("[data-testid=state]").inner_text() == "Chờ quyết định"
    box = officer.page.locator("[data-testid=actions]")
    assert box.locator("[data-testid=waiting]").inner_text() == (
        f"Chờ UBND xã Tân Dĩnh ký quyết định, hạn {due:%d/%m/%Y}."
    )
    assert box.locator("[data-refused]").count() == 0
    assert "tỉnh" not in box.inner_text().casefold()
    officer.shot("officer-after-appraisal")
    # the history names the village head's submission and the appraisal in words
    cells = officer.page.locator("[data-testid=history] tbody tr td:nth-child(3)")
    actions = [cells.nth(i).inner_text() for i in range(cells.count())]
    assert not [a for a in actions if CODE.match(a)], actions
    for code in ("nominations.submit_dossier", "nominations.appraise_dossier"):
        assert Action.objects.get(code=code).name in actions, actions
    officer.page.context.close()
