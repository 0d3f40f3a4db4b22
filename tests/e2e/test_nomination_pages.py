"""A "Gia đình văn hóa" dossier of the demo province through its pages, in headless Chromium.

The village head of Thôn Hạ opens the dossier, registers the village's households, records
the review meeting (held earlier, with the votes of every household in one form) and the
public posting, and submits; the commune's culture officer accepts it; the commune chairman
signs the decision in the capacity the engine gives him; the commune's records clerk numbers
it; the provincial committee secretary's dashboard shows what the database holds.

The demo has no records clerk and no decision register at the commune yet, so the test adds
them first (through the services), as the commune would configure them.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from freezegun import freeze_time

from approvals.organisation.models import OrgUnit, Position
from approvals.registers.models import Register
from workflows.nominations.flow_actions import flow_register, flow_start
from workflows.nominations.models import CandidateState, Dossier, DossierState, Title
from workflows.nominations.selectors import dossier_counts_by_step, recognition_share
from workflows.nominations.services import dossier_create

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


def _unit(name: str, kind: str) -> OrgUnit:
    return OrgUnit.objects.active_on(timezone.localdate()).get(name=name, kind=kind)


def _commune_clerk_and_register(commune: OrgUnit) -> Any:
    """The demo's records clerk at Xã Tân Dĩnh, who keeps this year's decision register."""
    assert Register.objects.filter(agency=commune, year=timezone.localdate().year).exists()
    return User.objects.get(username="vanthu.tandinh")


def _other_dossier_registering() -> Dossier:
    """Thôn Trung's dossier, still registering: something pending for the dashboard."""
    head = User.objects.get(username="truongthon.trung")
    village = _unit("Thôn Trung", "village")
    dossier = dossier_create(
        user=head,
        title=Title.CULTURAL_FAMILY,
        year=timezone.localdate().year,
        proposing_unit=village,
    )
    flow_start(dossier, head)
    flow_register(dossier, head, households=list(village.households.all()))
    return dossier


def _dmy(day: datetime.date) -> str:
    """A day as a date picker takes it (Chromium shows it as dd/mm/yyyy in Vietnamese)."""
    return day.isoformat()


def _as(browser: Any, site: Any, username: str) -> Any:
    """A second browser context for another user (the session keeps its own cookies)."""
    from tests.e2e.conftest import Session

    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    other = Session(page, site.base_url, f"{site.test_name}-{username}")
    other.login(username)
    return other


def test_a_dossier_from_the_village_meeting_to_the_numbered_decision(site: Any, browser: Any):
    today = timezone.localdate()
    village = _unit("Thôn Hạ", "village")
    commune = _unit("Xã Tân Dĩnh", "commune")
    _commune_clerk_and_register(commune)
    pending_other = _other_dossier_registering()
    page = site.page

    # the village head opens the dossier and registers every household of the village
    site.login("truongthon.ha")
    site.go("/nominations/")
    site.shot("list-empty")
    page.click("text=Lập hồ sơ mới")
    page.select_option("#id_proposing_unit", str(village.pk))
    site.shot("new-dossier")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    dossier = Dossier.objects.get(proposing_unit=village)
    assert page.locator("[data-testid=state]").inner_text() == "Đăng ký"
    page.click("[data-action=register]")
    page.wait_for_load_state()
    households = village.households.count()
    assert dossier.candidates.count() == households == 58
    site.shot("registered")

    # the review meeting, held a month ago: attendance and a vote per household
    page.click("[data-action=meeting]")
    page.wait_for_load_state()
    held_on = today - datetime.timedelta(days=30)
    assert page.get_attribute("#id_held_on", "type") == "date"
    page.fill("#id_held_on", _dmy(held_on))
    page.fill("#id_invited", "60")
    page.fill("#id_present", "50")
    page.fill("#id_chaired_by", "Ngô Văn Bình")
    votes = page.locator("input[name^=vote_]")
    assert votes.count() == households
    for i in range(votes.count()):
        votes.nth(i).fill("48")
    votes.nth(0).fill("10")  # one household is not passed
    site.shot("meeting-form")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    assert page.locator("[data-testid=state]").inner_text() == "Đã họp bình xét"
    site.shot("meeting-recorded")

    # the list went up on the notice board the next day, recorded that day (a posting starts
    # the day it is recorded, approvals.acts): the site's clock is moved there for this
    # step, the browser's event loop keeps its own; the posting period is over now
    posted_on = held_on + datetime.timedelta(days=1)
    with freeze_time(f"{posted_on.isoformat()} 09:00", tick=True, real_asyncio=True):
        page.fill("#id_posted_on", _dmy(posted_on))
        page.click("[data-action=posting]")
        page.wait_for_load_state()
        assert page.locator("[data-testid=state]").inner_text() == "Đang niêm yết công khai"
    site.shot("posted")
    page.click("[data-action=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=state]").inner_text() == "Đã trình, đang thẩm định"
    site.shot("submitted")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.candidates.filter(state=CandidateState.PROPOSED).count() == households - 1

    # the commune's culture officer accepts it
    officer = _as(browser, site, "vanhoa.tandinh")
    officer.go(f"/nominations/{dossier.pk}/")
    officer.page.check("input[name=decision][value=accept]")
    officer.shot("appraisal")
    officer.page.click("[data-action=appraise]")
    officer.page.wait_for_load_state()
    assert officer.page.locator("[data-testid=state]").inner_text() == "Chờ quyết định"
    officer.page.context.close()

    # the commune chairman signs, on behalf of the People's Committee
    chairman = _as(browser, site, "chutich.tandinh")
    chairman.go(f"/nominations/{dossier.pk}/")
    capacity = chairman.page.locator("[data-testid=capacity]").inner_text()
    assert capacity.splitlines()[0] == "TM. ỦY BAN NHÂN DÂN"
    chairman.shot("decision-to-sign")
    chairman.page.click("[data-action=decide]")
    chairman.page.wait_for_load_state()
    signed = chairman.page.locator("[data-testid=signature-block]").inner_text()
    assert "TM. ỦY BAN NHÂN DÂN" in signed
    chairman.shot("signed")
    chairman.page.context.close()

    # the commune's records clerk numbers it; the titles are recorded
    clerk = _as(browser, site, "vanthu.tandinh")
    clerk.go(f"/nominations/{dossier.pk}/")
    clerk.page.click("[data-action=issue]")
    clerk.page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    number = clerk.page.locator("[data-testid=decision-number]").inner_text()
    assert number == dossier.register_entry.symbol
    assert number.startswith("01/")
    clerk.shot("numbered")
    clerk.page.context.close()
    recognised = dossier.candidates.filter(state=CandidateState.RECOGNISED).count()
    assert recognised == households - 1

    # the committee secretary's dashboard shows what the database holds
    site.logout()
    site.login("thuky.bcd")
    site.go("/nominations/dashboard/")
    site.shot("dashboard")
    secretary = User.objects.get(username="thuky.bcd")
    counts = dossier_counts_by_step(user=secretary, day=today)
    assert [(c.state, c.count) for c in counts] == [(DossierState.REGISTRATION, 1)]
    for c in counts:
        row = page.locator(
            f"[data-testid=counts] tr[data-title={c.title}][data-state={c.state}]"
            f"[data-level={c.level}]"
        )
        assert row.locator("[data-count]").inner_text() == str(c.count)
        assert row.locator("[data-overdue]").inner_text() == str(c.overdue)
    assert page.locator(f"[data-testid=pending] tr[data-dossier='{pending_other.pk}']").count() == 1
    province = OrgUnit.objects.get(pk=Position.objects.get(user=secretary).unit.parent_id)
    share = recognition_share(unit=province, year=today.year, title=Title.CULTURAL_FAMILY)
    row = next(r for r in share.rows if r.unit == commune)
    assert row.recognised == recognised
    cells = page.locator(f"[data-testid=share-cultural_family] tr[data-area='{commune.pk}']")
    assert cells.locator("[data-total]").inner_text() == f"{row.total}"
    assert cells.locator("[data-recognised]").inner_text() == f"{row.recognised}"

    # drill down to the dossier from the dashboard
    page.click(f"[data-testid=pending] tr[data-dossier='{pending_other.pk}'] a")
    page.wait_for_load_state()
    assert page.locator("[data-testid=candidates] tr[data-candidate]").count() == 47
    site.shot("drill-down")
