"""Keyboard use in headless Chromium (issue 25, accessibility): a civil servant signs in and
reaches the main action of the start page with Tab and Enter only, every focused element shows
a visible focus ring, and a "skip to content" link is the first stop of every page.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    testid: element.dataset ? element.dataset.testid || null : null,
    id: element.id, tag: element.tagName.toLowerCase(),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth,
  };
}"""


def _focused(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(FOCUSED))


def _ring(focused: dict[str, Any]) -> None:
    """The focused element is on screen and draws an outline at least 2 px wide."""
    assert focused["visible"], focused
    assert focused["outline"] not in ("none", "hidden"), focused
    assert focused["width"] >= 2, focused


def _tab_to(page: Any, testid: str, limit: int = 40) -> dict[str, Any]:
    """Press Tab until the element with ``data-testid`` has the focus, checking each stop's ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["tag"] != "body":
            _ring(focused)
        if focused["testid"] == testid:
            return focused
    raise AssertionError(f"{testid} not reached with {limit} presses of Tab")


def test_signing_in_and_drafting_a_plan_with_the_keyboard_only(site: Any) -> None:
    page = site.page
    site.go("/login/")

    # the sign-in form has the focus on arrival; Tab moves to the password, Enter signs in
    assert _focused(page)["id"] == "id_username"
    page.keyboard.type("chuyenvien.vp.ldtbxh")
    page.keyboard.press("Tab")
    password = _focused(page)
    assert password["id"] == "id_password"
    _ring(password)
    page.keyboard.type("demo12345")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=current-user]")

    # the first Tab stop of a page is the skip link, shown when focused
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["testid"] == "skip-link", skip
    _ring(skip)
    assert page.locator("[data-testid=skip-link]").inner_text() == "Bỏ qua, đến nội dung chính"
    site.shot("skip-link-focused")
    # Enter jumps past the header and the menu: the next stop is the page's main action
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "content"
    page.keyboard.press("Tab")
    action = _focused(page)
    assert action["testid"] == "start-draft-plan", action
    _ring(action)
    site.shot("main-action-focused")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=plan-form]")
    site.shot("plan-form")

    # without the skip link the same action is reached through the header, every stop ringed
    site.go("/")
    _tab_to(page, "start-draft-plan")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=plan-form]")
