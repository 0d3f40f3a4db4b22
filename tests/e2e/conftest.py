"""End-to-end fixtures: the demo province served by a live server, driven in headless Chromium.

Chromium is Debian's package (``/usr/bin/chromium``, or ``CHROMIUM_PATH``); Playwright drives it
through ``executable_path`` and never downloads a browser. Without a browser these tests are
skipped with the reason, unless ``E2E_REQUIRED=1`` (set by ``.ci/run``, which installs it), in
which case they fail. Screenshots of every page go to ``E2E_ARTIFACTS`` (default
``tests/e2e/artifacts``, git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from approvals.organisation.models import Action
from tests.e2e import axe
from tests.plans.conftest import replay_data_migrations

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "demo12345"
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).parent / "artifacts"))
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, for one test module: Playwright's sync API keeps an asyncio loop running in
    this thread while it is open, which would stop the signing tests' own loops (and
    pyHanko's) in the modules run after it."""
    executable = _chromium()
    required = os.environ.get("E2E_REQUIRED") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("E2E_REQUIRED=1 but the playwright package is not installed")
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if executable is None:
        if required:
            pytest.fail("E2E_REQUIRED=1 but no Chromium was found (apt-get install chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium); CI installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _seeded(live_server: Any, option: str) -> str:
    """Seed the demo (``seed_demo`` with ``option``) behind the live server; its URL."""
    if not Action.objects.filter(code="plans.sign_plan").exists():
        replay_data_migrations()
    call_command("seed_demo", option, stdout=StringIO(), stderr=StringIO())
    return str(live_server.url)


@pytest.fixture
def demo_site(transactional_db: None, live_server: Any) -> str:
    """The seeded demo province (logins included) behind a live server; returns its URL."""
    return _seeded(live_server, "--no-plans")


class Session:
    """One user's browser tab on the demo site, with screenshots named after the test."""

    def __init__(self, page: Any, base_url: str, test_name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.test_name = re.sub(r"[^\w.-]+", "_", test_name)
        self.shots = 0
        axe.watch(page)

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        axe.check(self.page, f"go {path}")
        return response

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_load_state()
        current = self.page.locator("[data-testid=current-user]")
        if current.count() == 0:
            raise AssertionError(f"login as {username} failed: {self.page.content()[:500]}")
        axe.check(self.page, f"login {username}")

    def logout(self) -> None:
        self.page.click("form.logout button")
        self.page.wait_for_load_state()

    def shot(self, name: str) -> Path:
        """Keep a full-page screenshot as a test artifact."""
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.test_name}-{self.shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        axe.check(self.page, f"shot {name}")
        return path


@pytest.fixture(autouse=True)
def axe_audit(request: pytest.FixtureRequest) -> Iterator[axe.Audit]:
    """Fails the test at teardown when a page it visited has a serious or critical violation."""
    audit = axe.begin(request.node.name)
    yield audit
    axe.end()
    axe.write_summary(ARTIFACTS)
    if audit.failures():
        pytest.fail("axe: serious/critical violations\n" + axe.describe(audit.failures()))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Check the page each tab is left on, before the fixtures close the tabs."""
    axe.check_open_pages()


@pytest.fixture
def site(browser: Any, demo_site: str, request: pytest.FixtureRequest) -> Iterator[Session]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield Session(page, demo_site, request.node.name)
    finally:
        context.close()


@pytest.fixture
def signed_in(browser: Any, demo_site: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A factory: ``signed_in("pgd.ldtbxh")`` gives that user's own tab, already signed in."""
    contexts: list[Any] = []

    def open_as(username: str) -> Session:
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        session = Session(page, demo_site, f"{request.node.name}-{username}")
        session.login(username)
        return session

    try:
        yield open_as
    finally:
        for context in contexts:
            context.close()


# --- Phones (issue 25, "Mobile") -------------------------------------------------------------

#: The phone the mobile tests and screenshots use: 390 x 844 CSS pixels (an iPhone 12 to 15).
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}


def open_phone(browser: Any, base_url: str, name: str, username: str) -> tuple[Any, Session]:
    """A touch-screen 390 x 844 context signed in as ``username``: (context, session)."""
    context = browser.new_context(
        locale="vi-VN",
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    session = Session(page, base_url, f"{name}-{username}-phone")
    session.login(username)
    return context, session


@pytest.fixture
def phone(browser: Any, demo_site: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A factory like ``signed_in``: ``phone("truongthon.dongsen")`` gives that user's tab on a
    390 x 844 touch screen, already signed in (a module may override ``demo_site``)."""
    contexts: list[Any] = []

    def open_as(username: str) -> Session:
        context, session = open_phone(browser, demo_site, request.node.name, username)
        contexts.append(context)
        return session

    try:
        yield open_as
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def full_demo_site(transactional_db: None, live_server: Any) -> str:
    """The whole demo: logins, plans in every state, the numbered recognition decision."""
    return _seeded(live_server, "--no-logins")
