"""The start page ("Việc của tôi"), the menus, the 404 page and the favicon of the demo, in
headless Chromium (issue 25, item 9).

Each role's start page offers its main actions as buttons, decided by what the user may do;
the menu shows only the pages the role works with; a missing page is the site's own page even
with ``DEBUG`` on (the demo runs with it on); the favicon loads.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.acts import recorded_as_of
from approvals.organisation.models import OrgUnit
from workflows.nominations import flow_actions as flows
from workflows.nominations.models import Dossier, DossierState

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
MISSING = "/khong-co-trang-nay/"


def _nav_keys(session: Any) -> set[str]:
    nav = session.page.locator("nav.main a[data-nav]")
    return {str(nav.nth(i).get_attribute("data-nav")) for i in range(nav.count())}


def _decision_signed_not_numbered() -> Dossier:
    """Thôn Hạ's dossier taken to a decision signed by the chairman of Tân Dĩnh, not numbered:
    it waits for the commune's records clerk."""
    from project.demo.nominations import dossier_to_decision

    today = timezone.localdate()
    users = {u.username: u for u in User.objects.all()}
    village = OrgUnit.objects.active_on(today).get(name="Thôn Hạ", kind="village")
    dossier = dossier_to_decision(village=village, users=users, head="truongthon.ha", today=today)
    with recorded_as_of(today):
        flows.flow_decide(dossier, users["chutich.tandinh"], on=today)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    assert dossier.signature_id is not None
    assert dossier.register_entry_id is None
    return dossier


def test_the_records_clerk_sees_number_with_the_count_waiting(signed_in: Any) -> None:
    dossier = _decision_signed_not_numbered()
    waiting = Dossier.objects.filter(
        deciding_unit=dossier.deciding_unit,
        state=DossierState.DECISION,
        signature__isnull=False,
        register_entry__isnull=True,
    ).count()
    assert waiting == 1

    clerk = signed_in("vanthu.tandinh")
    clerk.go("/")
    button = clerk.page.locator("[data-testid=start-number]")
    assert "Cấp số" in button.inner_text()
    assert button.locator("[data-count=to_number]").inner_text() == str(waiting)
    listed = clerk.page.locator("[data-testid=to-number] a")
    assert listed.count() == waiting
    assert listed.first.get_attribute("href") == f"/nominations/{dossier.pk}/"
    # the clerk neither drafts plans nor opens dossiers
    assert clerk.page.locator("[data-testid=start-draft-plan]").count() == 0
    assert clerk.page.locator("[data-testid=start-open-dossier]").count() == 0
    assert "registers" in _nav_keys(clerk)
    clerk.shot("clerk-start")

    button.click()
    clerk.page.locator("[data-testid=to-number] a").first.click()
    clerk.page.wait_for_load_state()
    assert clerk.page.url.endswith(f"/nominations/{dossier.pk}/")


def test_the_drafter_and_the_village_head_see_their_main_actions(signed_in: Any) -> None:
    drafter = signed_in("chuyenvien.vp.ldtbxh")
    drafter.go("/")
    draft = drafter.page.locator("[data-testid=start-draft-plan]")
    assert draft.inner_text() == "Soạn kế hoạch mới"
    assert drafter.page.locator("[data-testid=start-number]").count() == 0
    drafter.shot("drafter-start")
    draft.click()
    drafter.page.wait_for_selector("[data-testid=plan-form]")

    head = signed_in("truongthon.dongsen")
    head.go("/")
    open_dossier = head.page.locator("[data-testid=start-open-dossier]")
    assert open_dossier.inner_text() == "Lập hồ sơ"
    assert head.page.locator("[data-testid=start-draft-plan]").count() == 0
    assert head.page.locator("[data-testid=start-number]").count() == 0
    head.shot("village-head-start")
    open_dossier.click()
    head.page.wait_for_selector("#id_proposing_unit")


def test_a_village_heads_menu_shows_only_what_the_role_uses(signed_in: Any) -> None:
    head = signed_in("truongthon.dongsen")
    head.go("/")
    keys = _nav_keys(head)
    assert {"home", "dossiers", "notifications", "verify"} <= keys
    # administration and province pages: registers, signing, the dashboard, the plans
    assert not keys & {"registers", "sign", "dashboard", "plans"}
    head.shot("village-head-menu")

    secretary = signed_in("chutich.tandinh")
    secretary.go("/")
    assert {"sign", "dossiers", "dashboard"} <= _nav_keys(secretary)


def test_a_missing_page_is_the_sites_404_under_the_demo_settings(site: Any, settings: Any) -> None:
    settings.DEBUG = True  # as rundemo runs it
    response = site.go(MISSING)
    assert response.status == 404
    assert site.page.locator("[data-testid=site-error-page]").count() == 1
    assert "Django tried these URL patterns" not in site.page.content()
    assert site.page.inner_text("h1") == "404"
    site.shot("missing-anonymous")

    site.login("truongthon.dongsen")
    response = site.go("/nominations/999999/")  # a view raising Http404
    assert response.status == 404
    assert site.page.locator("[data-testid=site-error-page]").count() == 1
    assert "Traceback" not in site.page.content()
    response = site.go(MISSING)
    assert response.status == 404
    assert site.page.locator("[data-testid=site-error-page]").count() == 1


def test_the_favicon_loads(site: Any) -> None:
    response = site.go("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    site.login("truongthon.dongsen")
    href = site.page.locator("link[rel=icon]").get_attribute("href")
    assert href
    assert href.endswith(".svg")
    icon = site.page.request.get(site.base_url + href)
    assert icon.status == 200
    assert b"<svg" in icon.body()
