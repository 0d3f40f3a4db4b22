"""The site's pages work under its Content-Security-Policy: Chromium reports no violation.

Every page sends ``Content-Security-Policy`` (``project.security``). A page that needed an
inline script, an inline ``<style>`` or a file from another host would lose it in the browser;
Chromium reports each refusal on the page's console and as a ``securitypolicyviolation``
event, both of which are collected here.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def _watch(session: Any) -> list[str]:
    console: list[str] = []
    session.page.add_init_script(WATCH)
    session.page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


def _violations(session: Any) -> list[str]:
    return list(session.page.evaluate("window.__cspViolations || []"))


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        (
            "chuyenvien.vp.ldtbxh",
            ["/", "/plans/", "/plans/new/", "/notifications/", "/notifications/preferences/"],
        ),
        ("pgd.ldtbxh", ["/sign/", "/registers/", "/verify/"]),
        ("thuky.bcd", ["/nominations/", "/nominations/dashboard/"]),
        (
            "admin",
            [
                "/admin/",
                "/admin/approvals_org/orgunit/",
                "/admin/approvals_org/orgunit/1/change/",
                "/admin/auth/user/add/",
            ],
        ),
    ],
)
def test_the_pages_run_without_a_policy_violation(
    signed_in: Any, username: str, paths: list[str]
) -> None:
    session = signed_in(username)
    console = _watch(session)
    for path in paths:
        response = session.go(path)
        assert response is not None, path
        assert response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self';" in policy, policy
        # inline code is allowed nowhere; only style="…" attributes are
        assert "unsafe-inline" not in policy.split("style-src-attr")[0], policy
        session.page.wait_for_load_state("networkidle")
        assert _violations(session) == [], path
    assert console == []


def test_the_api_documentation_renders_from_the_site_s_own_files(site: Any) -> None:
    console = _watch(site)
    requested: list[str] = []
    site.page.on("request", lambda request: requested.append(request.url))

    site.go("/api/docs/")
    site.page.wait_for_selector(".swagger-ui .info .title")
    assert "vn-approvals API" in site.page.locator(".swagger-ui .info .title").inner_text()
    assert _violations(site) == []
    site.shot("swagger")

    assert console == []
    # nothing came from another host: the documentation works on a closed network
    assert requested
    assert [url for url in requested if not url.startswith(site.base_url)] == []
