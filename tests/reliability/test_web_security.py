"""Web security: CSRF on every POST, login throttling, production settings, no secret in
the repository, uploads never served from MEDIA_URL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from freezegun import freeze_time

ROOT = Path(__file__).resolve().parents[2]

CSRF_REJECTED = b"csrf-rejected-by-the-middleware"


def csrf_failed(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Marks a CSRF rejection, so a 403 from the view itself is not mistaken for one."""
    return HttpResponse(CSRF_REJECTED, status=403)


# --- CSRF on every POST URL of the urlconf --------------------------------------------------

SAMPLE = {"int": "1", "str": "pdf", "slug": "x", "path": "x/1", "uuid": "0" * 32}
_CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def _route(pattern: object) -> str | None:
    """A concrete path for a pattern, or None for a regular expression we do not sample."""
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RoutePattern):
        return _CONVERTER.sub(lambda m: SAMPLE.get(m.group(1) or "str", "x"), str(pattern))
    if isinstance(pattern, RegexPattern):
        text = str(pattern.regex.pattern).lstrip("^").rstrip("$")
        return None if any(c in text for c in "()[]*+?\\|") else text
    return None


def all_paths(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "/"
) -> list[str]:
    """Every URL of the site, with sample values for its parameters."""
    found: list[str] = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        part = _route(entry.pattern)
        if part is None:
            continue
        if isinstance(entry, URLResolver):
            found += all_paths(entry.url_patterns, prefix + part)
        else:
            found.append(prefix + part)
    return sorted(set(found))


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


#: Every URL whose sample path resolves (a sample value may not fit a converter or regex).
PATHS = [path for path in all_paths() if _resolves(path)]

#: DRF views check CSRF themselves for session-authenticated requests ("CSRF Failed").
DRF_CSRF_REJECTED = b"CSRF Failed"
#: POST URLs without session authority, so no CSRF is possible; they must still refuse the probe.
NO_SESSION_AUTHORITY = {
    # exchanges a user name and password for a token returned in the body, sets no cookie
    "/api/auth/token/",
    # the API documentation pages: read-only, anonymous POSTs are refused
    "/api/docs/",
    # hands out a CSRF token (GET only; a POST is 405)
    "/api/auth/csrf/",
}


def test_the_url_walk_finds_the_sites_pages():
    # the walk follows includes: the plan actions and the admin are in it
    for expected in ("/plans/1/sign/", "/plans/1/issue/", "/login/", "/admin/login/"):
        assert expected in PATHS
    assert len(PATHS) > 40


@pytest.mark.django_db
@override_settings(CSRF_FAILURE_VIEW="tests.reliability.test_web_security.csrf_failed")
@pytest.mark.parametrize("path", PATHS, ids=[f"{n:03d}:{p}" for n, p in enumerate(PATHS, 1)])
def test_every_post_without_a_csrf_token_is_refused(path):
    user = get_user_model().objects.create_user("csrf-probe", password="x-probe-not-a-secret")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(path, {"comment": "x"})
    if path in NO_SESSION_AUTHORITY:
        assert response.status_code >= 400, (path, response.status_code)
        return
    assert response.status_code == 403, (path, response.status_code)
    assert response.content == CSRF_REJECTED or DRF_CSRF_REJECTED in response.content


@pytest.mark.django_db
def test_a_post_with_the_token_passes_the_csrf_check():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200  # the form answers (wrong password), no CSRF refusal


# --- login throttling ----------------------------------------------------------------------

PASSWORD = "right-horse-battery-staple"


@pytest.fixture
def person(db):
    cache.clear()
    yield get_user_model().objects.create_user("canbo", password=PASSWORD)
    cache.clear()


def attempt(password: str, *, username: str = "canbo", address: str = "10.0.0.1", url="/login/"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(url, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_LOCKOUT=600)
def test_after_the_allowed_failures_even_the_right_password_is_refused(person):
    for _ in range(3):
        response, logged_in = attempt("wrong")
        assert response.status_code == 200
        assert not logged_in

    response, logged_in = attempt(PASSWORD)

    assert response.status_code == 429
    assert not logged_in
    assert "10" in response.content.decode()  # says how many minutes to wait


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_LOCKOUT=600)
def test_the_lock_covers_the_admin_sign_in_too(person):
    person.is_staff = True
    person.save()
    for _ in range(3):
        attempt("wrong")

    _response, logged_in = attempt(PASSWORD, url="/admin/login/")

    assert not logged_in


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_LOCKOUT=600)
def test_the_lock_covers_the_api_token_and_api_sign_in(person):
    for _ in range(3):
        attempt("wrong")
    client = Client(REMOTE_ADDR="10.0.0.1")

    token = client.post("/api/auth/token/", {"username": "canbo", "password": PASSWORD})

    assert token.status_code >= 400, token.content
    assert "token" not in json.loads(token.content)
    # from another address the same credentials work: the lock was what refused
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        "/api/auth/token/", {"username": "canbo", "password": PASSWORD}
    )
    assert other.status_code == 200, other.content
    assert "token" in json.loads(other.content)


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_LOCKOUT=600)
def test_the_lock_is_per_user_name_and_address(person):
    get_user_model().objects.create_user("canbo2", password=PASSWORD)
    for _ in range(3):
        attempt("wrong")

    assert attempt(PASSWORD, address="10.0.0.2")[1]  # same name, another address
    assert attempt(PASSWORD, username="canbo2")[1]  # another name, same address
    assert attempt(PASSWORD, username="CANBO")[0].status_code == 429  # case does not help


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_WINDOW=60, LOGIN_THROTTLE_LOCKOUT=600)
def test_the_lock_ends_after_its_period_and_failures_expire_with_the_window(person):
    with freeze_time("2026-01-05 08:00:00") as clock:
        for _ in range(3):
            attempt("wrong")
        assert attempt(PASSWORD)[0].status_code == 429
        clock.tick(601)
        assert attempt(PASSWORD)[1]

        # two failures, then the window passes: the count starts again
        attempt("wrong")
        attempt("wrong")
        clock.tick(61)
        attempt("wrong")
        assert attempt(PASSWORD)[1]


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3)
def test_a_successful_sign_in_clears_the_failures(person):
    attempt("wrong")
    attempt("wrong")
    assert attempt(PASSWORD)[1]
    attempt("wrong")
    attempt("wrong")
    assert attempt(PASSWORD)[1]


# --- production settings ---------------------------------------------------------------------

PROBE = """
import json
from django.conf import settings
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF",
         "X_FRAME_OPTIONS", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT",
         "SECURE_REFERRER_POLICY", "AUTHENTICATION_BACKENDS", "MIDDLEWARE", "CACHES"]
print(json.dumps({n: getattr(settings, n, None) for n in names}))
"""


def production(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DEBUG": "false",
            "SECRET_KEY": "test-" + "k" * 60,
            "ALLOWED_HOSTS": "vanhoa.example.gov.vn",
            **extra,
        }
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_are_strict():
    done = production()
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["AUTHENTICATION_BACKENDS"][0] == "project.throttle.LoginThrottleBackend"
    assert "django.middleware.csrf.CsrfViewMiddleware" in values["MIDDLEWARE"]
    assert "django.middleware.clickjacking.XFrameOptionsMiddleware" in values["MIDDLEWARE"]


def test_a_shared_cache_for_the_login_counters_is_configured_from_the_environment():
    done = production(CACHE_URL="redis://cache.internal:6379/1")
    assert done.returncode == 0, done.stderr
    cache_settings = json.loads(done.stdout)["CACHES"]["default"]
    assert cache_settings["BACKEND"] == "project.cache.TolerantRedisCache"
    assert cache_settings["LOCATION"] == "redis://cache.internal:6379/1"


def test_production_refuses_to_start_without_a_secret_key():
    done = production(SECRET_KEY="")
    assert done.returncode != 0
    assert "SECRET_KEY: must be set" in done.stderr


# --- no secret in the repository -------------------------------------------------------------

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
    "AWS key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "token": re.compile(r"(ghp|gho|glpat|xox[bp])[-_][A-Za-z0-9]{16,}"),
    "URL with a password": re.compile(r"[a-z]+://[^/\s:@\"']+:[^/\s@\"']{3,}@"),
    "assigned password": re.compile(
        r"""(?i)(password|passwd|secret_key)\s*[:=]\s*["']([^"'\s]{6,})["']"""
    ),
}
#: Values allowed on purpose: the documented demo password and the insecure development key.
ALLOWED_VALUES = {"demo12345", "django-insecure-demo-only-key-never-use-in-production"}
#: Kinds that tests may use with throw-away values against throw-away databases.
TEST_TOLERATED = {"assigned password", "URL with a password"}
#: Files that contain the patterns themselves, or throw-away test passwords.
SKIP = {"tests/reliability/test_web_security.py"}


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as in CI
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [ROOT / name for name in listed.stdout.decode().split("\0") if name]


def test_no_secret_in_tracked_files():
    files = tracked_files()
    assert len(files) > 100
    found = []
    for path in files:
        name = str(path.relative_to(ROOT))
        if name in SKIP or path.suffix in {".ttf", ".png", ".jpg", ".pdf", ".docx", ".xlsx"}:
            continue
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for label, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                if label in TEST_TOLERATED and (
                    match.group(match.lastindex or 0) in ALLOWED_VALUES or name.startswith("tests/")
                ):
                    continue  # the demo password, or a throw-away one in a test
                found.append(f"{name}: {label}: {match.group(0)[:40]}")
    assert found == []


def test_the_secret_scan_finds_a_planted_key(tmp_path):
    planted = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"
    assert SECRET_PATTERNS["private key"].search(planted)
    assert SECRET_PATTERNS["assigned password"].search('EMAIL_PASSWORD = "hunter2hunter2"')
    assert SECRET_PATTERNS["URL with a password"].search("postgres://app:s3cr3t@db/approvals")
    assert not SECRET_PATTERNS["URL with a password"].search("postgres://postgres@127.0.0.1/x")


# --- uploads are never served from MEDIA_URL ---------------------------------------------------


@pytest.mark.django_db
def test_media_url_is_not_routed(settings, admin_client):
    stored = Path(settings.MEDIA_ROOT) / "plans" / "probe.pdf"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4 probe")
    for client in (Client(), admin_client):
        response = client.get(f"/{settings.MEDIA_URL}plans/probe.pdf")
        assert response.status_code == 404
        assert b"%PDF" not in response.content
