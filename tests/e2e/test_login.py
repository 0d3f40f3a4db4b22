"""Signing in and out in the browser, in Vietnamese by default and in English on request."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_demo_user_signs_in_sees_their_positions_and_signs_out(site: Any) -> None:
    site.go("/")
    assert "/login/" in site.page.url  # anonymous visitors are sent to the sign-in page
    assert site.page.locator("h1").inner_text() == "Đăng nhập"
    site.login("pgd.ldtbxh")
    site.shot("home")
    positions = site.page.locator("[data-testid=positions]").inner_text()
    assert "Phó Giám đốc" in positions
    assert "Sở Lao động" in positions
    site.logout()
    assert "/login/" in site.page.url


def test_a_wrong_password_is_refused_with_the_reason_in_the_page(site: Any) -> None:
    site.go("/login/")
    site.page.fill("#id_username", "pgd.ldtbxh")
    site.page.fill("#id_password", "not-the-password")
    site.page.click("button[type=submit].primary")
    site.shot("refused")
    assert "Sai tên đăng nhập hoặc mật khẩu" in site.page.locator("[role=alert]").inner_text()
    assert site.page.locator("[data-testid=current-user]").count() == 0


def test_the_interface_switches_to_english(site: Any) -> None:
    site.login("pgd.ldtbxh")
    site.page.click("form.lang button[value=en]")
    site.page.wait_for_load_state()
    assert site.page.locator("h1").inner_text() == "My work"
    assert "/en/" in site.page.url
