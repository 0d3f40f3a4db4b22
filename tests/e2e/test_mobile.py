"""Every page on a 390 px phone (issue 25, "Mobile"), in headless Chromium with touch.

Village heads and commune chairmen use phones. For them and the other demo roles, the start
page, every page of the menu and one plan and one dossier page: the page never scrolls
sideways (tables scroll inside their own box), the menu is collapsed behind "Danh mục" and
opens on a tap, and every button is at least 44 px high.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import PHONE_VIEWPORT

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = PHONE_VIEWPORT["width"]
#: Sub-pixel rounding only.
TOLERANCE = 1
TOUCH = 44
DETAIL = re.compile(r"^/(plans|nominations)/\d+/$")

VILLAGE_HEAD = "truongthon.dongsen"
CHAIRMAN = "chutich.tandinh"
#: One login for each other kind of work in the demo.
OTHER_ROLES = (
    "chuyenvien.vp.ldtbxh",  # drafts plans
    "cvp.ldtbxh",  # reviews them
    "gd.ldtbxh",  # signs them
    "vanthu.vhttdl",  # numbers and issues them
    "thuky.bcd",  # the secretary's dashboard
    "chutich.tinh",  # the province
    "vanhoa.tandinh",  # the commune's culture officer
    "vanthu.tandinh",  # the commune's records clerk
    "hoidong.tandinh",  # the commune's council
    "mattran.dongsen",  # the front committee of a village
    "totruong.tanmy",  # the head of a ward's residential group
)

# Elements wider than the screen that are not inside a box that scrolls.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (e) => { for (let p = e.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX; if (x === 'auto' || x === 'scroll') return true; }
    return false; };
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !scrolls(e)) out.push(e.tagName + '.' + e.className);
  }
  return {scrollWidth: document.documentElement.scrollWidth, outside: out.slice(0, 5)};
}"""

# Visible buttons (and links drawn as buttons) lower than a finger.
SMALL_TARGETS = """(least) => [...document.querySelectorAll(
    'button, .button, input[type=submit], summary, nav.main a')]
  .filter((e) => e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}))
  .map((e) => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])
  .filter(([, height]) => height < least)"""


def check_page(session: Any, path: str) -> list[str]:
    """Open ``path`` on the phone, assert it fits, return the same-site links it offers."""
    response = session.go(path)
    assert response.status == 200, (path, response.status)
    where = f"{session.test_name} {path}"
    fit = session.page.evaluate(OVERFLOW)
    assert fit["scrollWidth"] <= WIDTH + TOLERANCE, (where, fit)
    assert not fit["outside"], (where, fit)
    # the menu is collapsed: only its button shows
    menu = session.page.locator("details.menu")
    assert menu.count() == 1, where
    assert menu.get_attribute("open") is None, where
    assert session.page.locator("details.menu > summary").is_visible(), where
    assert not session.page.locator("details.menu .account").is_visible(), where
    small = session.page.evaluate(SMALL_TARGETS, TOUCH)
    assert not small, (where, small)
    tables = session.page.locator("main table")
    for i in range(tables.count()):
        box = tables.nth(i).bounding_box()
        if box is not None:
            assert box["x"] >= 0, (where, i, box)
            assert box["x"] + box["width"] <= WIDTH + TOLERANCE, (where, i, box)
    hrefs = session.page.eval_on_selector_all(
        "main a[href^='/']", "(links) => links.map((a) => a.getAttribute('href'))"
    )
    return [str(h) for h in hrefs]


def check_menu_opens_on_tap(session: Any) -> list[str]:
    """Tap "Danh mục": the menu and the account open, each link a finger high; tap again to
    close. Returns the menu's addresses."""
    summary = session.page.locator("details.menu > summary")
    assert summary.inner_text().strip() == "Danh mục"
    nav = session.page.locator("nav.main")
    assert not nav.is_visible()
    summary.tap()
    assert session.page.locator("details.menu").get_attribute("open") is not None
    assert nav.is_visible()
    assert session.page.locator("[data-testid=current-user]").is_visible()
    links = nav.locator("a")
    assert links.count() >= 2
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None
        assert box["height"] >= TOUCH, (i, box)
        assert box["x"] + box["width"] <= WIDTH + TOLERANCE, (i, box)
    assert session.page.evaluate("document.documentElement.scrollWidth") <= WIDTH + TOLERANCE
    hrefs = [str(links.nth(i).get_attribute("href")) for i in range(links.count())]
    summary.tap()
    assert not nav.is_visible()
    return hrefs


def walk(session: Any) -> list[str]:
    """The start page, the menu, every page of the menu, then the first plan and the first
    dossier found on them: each checked. Returns the pages visited."""
    found = check_page(session, "/")
    menu = check_menu_opens_on_tap(session)
    visited = ["/"]
    for href in menu:
        if href not in visited:
            found += check_page(session, href)
            visited.append(href)
    for kind in ("plans", "nominations"):
        detail = next((h for h in found if DETAIL.match(h) and h.split("/")[1] == kind), None)
        if detail is not None and detail not in visited:
            check_page(session, detail)
            visited.append(detail)
    return visited


@pytest.fixture
def demo_site(full_demo_site: str) -> str:
    """Plans and dossiers in the demo, so the pages have their tables."""
    return full_demo_site


def test_the_village_heads_pages_fit_a_phone(phone: Any) -> None:
    head = phone(VILLAGE_HEAD)
    visited = walk(head)
    assert "/nominations/" in visited
    assert any(DETAIL.match(p) for p in visited), visited
    check_page(head, "/nominations/new/")
    head.go("/")
    head.page.locator("details.menu > summary").tap()
    head.shot("menu-open")


def test_the_chairmans_pages_fit_a_phone_and_tables_scroll_in_their_box(phone: Any) -> None:
    chairman = phone(CHAIRMAN)
    visited = walk(chairman)
    assert {"/sign/", "/nominations/dashboard/"} <= set(visited)
    dossier = next(p for p in visited if p.startswith("/nominations/") and DETAIL.match(p))
    chairman.go(dossier)
    # the households' table is wider than the phone: it scrolls by itself, the page does not
    table = chairman.page.locator("main table").last
    sizes = table.evaluate("(t) => [t.scrollWidth, t.clientWidth, getComputedStyle(t).overflowX]")
    assert sizes[0] > sizes[1], sizes
    assert sizes[2] == "auto", sizes
    table.evaluate("(t) => { t.scrollLeft = 200; }")
    assert table.evaluate("(t) => t.scrollLeft") > 0
    assert chairman.page.evaluate("window.scrollX") == 0
    # and a keyboard reaches it to scroll it: it is in the tab order, with a focus ring
    assert table.get_attribute("tabindex") == "0"
    table.focus()
    chairman.page.keyboard.press("ArrowRight")
    assert table.evaluate("(t) => document.activeElement === t")
    chairman.shot("dossier")


def test_every_other_roles_pages_fit_a_phone(phone: Any) -> None:
    pages = 0
    for username in OTHER_ROLES:
        pages += len(walk(phone(username)))
    assert pages >= 3 * len(OTHER_ROLES)
