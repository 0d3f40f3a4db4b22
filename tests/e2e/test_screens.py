"""Screenshots for issue 25 ("What this issue must show"), kept in ``E2E_ARTIFACTS``.

At desktop size (1280 x 900) and on a phone (390 x 844): the start page of every role of the
demo, the nomination dashboard, a plan page, a dossier page; and the first page of the
recognition decision's PDF, downloaded as a user downloads it and rendered to PNG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from project.demo.data import PEOPLE
from tests.e2e.conftest import ARTIFACTS, PHONE_VIEWPORT, Session
from workflows.nominations.exports import download_name
from workflows.nominations.models import Dossier, DossierState
from workflows.plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)

#: A PNG of a whole page is tens of kilobytes; an empty or broken one is a few hundred bytes.
NON_TRIVIAL_BYTES = 10_000


def one_login_per_role() -> dict[str, str]:
    """The first demo login holding each role, by role code."""
    logins: dict[str, str] = {}
    for person in PEOPLE:
        for position in person.positions:
            logins.setdefault(position.role, person.username)
    return logins


@pytest.fixture
def demo_site(full_demo_site: str) -> str:
    """Plans and a decided dossier in the demo, so the pages show real work."""
    return full_demo_site


def both_sizes(signed_in: Any, phone: Any, username: str) -> tuple[Session, Session]:
    return signed_in(username), phone(username)


def screenshot(session: Any, path: str, name: str) -> Path:
    response = session.go(path)
    assert response.status == 200, (session.test_name, path, response.status)
    shot = session.shot(name)
    assert shot.stat().st_size > NON_TRIVIAL_BYTES, shot
    return shot


def test_every_roles_start_page_on_a_desktop_and_a_phone(signed_in: Any, phone: Any) -> None:
    logins = one_login_per_role()
    assert {"village_head", "commune_chairman"} <= set(logins), logins
    shots = []
    for role, username in sorted(logins.items()):
        for session in both_sizes(signed_in, phone, username):
            shots.append(screenshot(session, "/", f"start-{role}"))
    assert len(shots) == 2 * len(logins)
    phone_shots = [s for s in shots if "-phone-" in s.name]
    assert len(phone_shots) == len(logins)


def test_the_dashboard_a_plan_and_a_dossier_on_a_desktop_and_a_phone(
    signed_in: Any, phone: Any
) -> None:
    plan = Plan.objects.exclude(register_entry=None).get()
    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    pages = (
        ("thuky.bcd", "/nominations/dashboard/", "dashboard"),
        ("chutich.tandinh", "/nominations/dashboard/", "dashboard"),
        ("vanthu.vhttdl", f"/plans/{plan.pk}/", "plan"),
        ("truongthon.dongsen", f"/nominations/{dossier.pk}/", "dossier"),
        ("chutich.tandinh", f"/nominations/{dossier.pk}/", "dossier"),
    )
    for username, path, name in pages:
        for session in both_sizes(signed_in, phone, username):
            screenshot(session, path, name)
            if session.page.viewport_size == PHONE_VIEWPORT:
                width = session.page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE_VIEWPORT["width"] + 1, (username, path, width)


def test_the_decision_pdfs_first_page_as_an_image(phone: Any) -> None:
    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    clerk = phone("vanthu.tandinh")
    clerk.go(f"/nominations/{dossier.pk}/")
    link = clerk.page.locator("a.button[href$='/decision.pdf']")
    assert link.bounding_box()["height"] >= 44
    with clerk.page.expect_download() as info:
        link.tap()
    download = info.value
    assert download.suggested_filename == download_name(dossier, "quyet-dinh", "pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = ARTIFACTS / f"{clerk.test_name}-decision.pdf"
    download.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF")

    document = pypdfium2.PdfDocument(str(saved))
    try:
        assert len(document) >= 1
        image = document[0].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    png = ARTIFACTS / f"{clerk.test_name}-decision-page-1.png"
    image.save(png)
    assert png.stat().st_size > NON_TRIVIAL_BYTES
    # an A4 page at 150 dpi, with ink on it (not a blank page)
    assert image.width > 1000
    assert image.height > image.width
    darkest, _lightest = image.convert("L").getextrema()
    assert darkest < 100
