"""The session sign-in needs the site's CSRF token, as the site's login form does (login CSRF)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from project.demo.data import DEMO_PASSWORD
from tests.reliability.test_web_security import PATHS

CREDENTIALS = {"username": "gd.ldtbxh", "password": DEMO_PASSWORD}
EVIL = "https://evil.example"
PROBE_PASSWORD = "x-probe-not-a-secret"


def _signed_in(client: Client) -> bool:
    return client.get("/api/auth/me/").status_code == 200


def _token(client: Client) -> str:
    response = client.get("/api/auth/csrf/")
    assert response.status_code == 200
    token = response.json()["csrf_token"]
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return str(token)


@pytest.mark.parametrize("origin", [{"HTTP_ORIGIN": EVIL}, {}], ids=["foreign-origin", "no-origin"])
def test_a_cross_site_form_cannot_sign_the_browser_in(province: Any, origin: dict[str, str]):
    browser = Client(enforce_csrf_checks=True)  # no cookie: the attacker's page posts a form
    response = browser.post("/api/auth/login/", CREDENTIALS, **origin)
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not _signed_in(browser)


def test_json_from_a_foreign_origin_is_refused_even_with_a_token(province: Any):
    browser = Client(enforce_csrf_checks=True)
    token = _token(browser)
    response = browser.post(
        "/api/auth/login/",
        CREDENTIALS,
        content_type="application/json",
        HTTP_ORIGIN=EVIL,
        HTTP_X_CSRFTOKEN=token,
    )
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not _signed_in(browser)


def test_json_without_the_token_is_refused(province: Any):
    browser = Client(enforce_csrf_checks=True)
    _token(browser)  # the cookie alone proves nothing: a browser sends it to any site's form
    response = browser.post(
        "/api/auth/login/",
        CREDENTIALS,
        content_type="application/json",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 403
    assert not _signed_in(browser)


def test_a_page_of_the_site_signs_in_with_the_token(province: Any):
    browser = Client(enforce_csrf_checks=True)
    token = _token(browser)
    response = browser.post(
        "/api/auth/login/",
        CREDENTIALS,
        content_type="application/json",
        HTTP_ORIGIN="http://testserver",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert response.json()["username"] == "gd.ldtbxh"
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert _signed_in(browser)


def test_the_site_login_form_is_csrf_protected_too(province: Any):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/login/", CREDENTIALS, HTTP_ORIGIN=EVIL)
    assert response.status_code == 403
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_token_exchange_sets_no_session(province: Any):
    # Non-browser clients: no cookie is involved, so no CSRF token is asked for.
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/auth/token/", CREDENTIALS, content_type="application/json")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not _signed_in(browser)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS, ids=[f"{n:03d}:{p}" for n, p in enumerate(PATHS, 1)])
def test_no_cross_site_post_anywhere_signs_an_anonymous_browser_in(path: str) -> None:
    # Every URL of the site, posted a user's real credentials as a foreign form would be.
    get_user_model().objects.create_user("victim-of-csrf", password=PROBE_PASSWORD)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        path, {"username": "victim-of-csrf", "password": PROBE_PASSWORD}, HTTP_ORIGIN=EVIL
    )
    assert settings.SESSION_COOKIE_NAME not in response.cookies, (path, response.status_code)
    assert "_auth_user_id" not in browser.session, path
