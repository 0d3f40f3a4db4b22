"""Two-step sign-in in the browser: set up an authenticator app from the page (the test reads
the secret shown and computes the codes as the app would), sign out, and sign in again with
the password and then a code. The page shows its QR code without breaking the
Content-Security-Policy."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from django_otp.oath import TOTP

from tests.e2e.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

STEP = 30  # seconds per code of an authenticator app


def app_code(secret: str, *, steps: int = 0) -> str:
    """The code an authenticator app holding ``secret`` (as typed) shows, ``steps`` later."""
    typed = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(typed + "=" * (-len(typed) % 8)))
    totp.time = time.time() + STEP * steps
    return f"{totp.token():06d}"


def test_a_user_sets_up_an_authenticator_app_and_signs_in_with_a_code(site: Any) -> None:
    violations: list[str] = []
    site.page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    site.login("pgd.ldtbxh")
    site.page.click("[data-testid=twofactor-link]")
    site.page.wait_for_load_state()
    assert site.page.locator("h1").inner_text() == "Xác thực hai bước"
    assert site.page.locator(".qr svg").count() == 1
    site.shot("enrol")
    secret = site.page.locator("[data-testid=otp-secret]").inner_text()

    site.page.fill("#id_otp_token", app_code(secret))
    site.page.click("button[type=submit].primary")
    site.page.wait_for_load_state()
    codes = site.page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    site.shot("recovery-codes")
    assert "Đang bật" in site.go("/account/two-step/").text()

    site.logout()
    site.page.fill("#id_username", "pgd.ldtbxh")
    site.page.fill("#id_password", DEMO_PASSWORD)
    site.page.click("button[type=submit].primary")
    site.page.wait_for_load_state()
    assert "/login/code/" in site.page.url
    assert site.page.locator("[data-testid=current-user]").count() == 0
    site.shot("code-step")

    # a code is accepted once: the next one the app will show (tolerated one step early)
    site.page.fill("#id_otp_token", app_code(secret, steps=1))
    site.page.click("button[type=submit].primary")
    site.page.wait_for_load_state()
    assert site.page.locator("[data-testid=current-user]").inner_text()
    assert "Phó Giám đốc" in site.page.locator("[data-testid=positions]").inner_text()
    site.shot("signed-in")
    assert not violations, violations


def test_a_wrong_code_is_refused_in_the_page(site: Any) -> None:
    site.login("pgd.ldtbxh")
    site.go("/account/two-step/")
    secret = site.page.locator("[data-testid=otp-secret]").inner_text()
    site.page.fill("#id_otp_token", app_code(secret))
    site.page.click("button[type=submit].primary")
    site.page.wait_for_load_state()
    site.logout()
    site.page.fill("#id_username", "pgd.ldtbxh")
    site.page.fill("#id_password", DEMO_PASSWORD)
    site.page.click("button[type=submit].primary")
    site.page.wait_for_load_state()

    site.page.fill("#id_otp_token", "000000" if app_code(secret) != "000000" else "111111")
    site.page.click("button[type=submit].primary")
    site.page.wait_for_load_state()

    assert "Mã xác thực không đúng" in site.page.locator("[role=alert]").inner_text()
    assert site.page.locator("[data-testid=current-user]").count() == 0
