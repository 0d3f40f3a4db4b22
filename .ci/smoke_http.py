"""HTTP checks of .ci/smoke.sh against the running stack: ``smoke_http.py BASE CHECK``."""

from __future__ import annotations

import re
import sys
import time
from typing import Any, NoReturn

import requests

DEMO_USER = "chutich.tinh"  # project/demo/data.py; no two-step sign-in required
DEMO_PASSWORD = "demo12345"  # project/demo/data.py DEMO_PASSWORD
ONE_YEAR = 365 * 24 * 3600
TIMEOUT = 30


def fail(message: str) -> NoReturn:
    print(f"    {message}", file=sys.stderr)
    raise SystemExit(1)


def healthz(base: str) -> None:
    response = requests.get(f"{base}/healthz", timeout=TIMEOUT)
    if response.status_code != 200 or response.text != "ok":
        fail(f"/healthz: {response.status_code} {response.text[:80]!r}")


def static(base: str) -> None:
    page = requests.get(f"{base}/login/", timeout=TIMEOUT)
    found = re.search(r'href="(/static/[^"]+\.css)"', page.text)
    if not found:
        fail("no stylesheet linked from the sign-in page")
    url = found.group(1)
    if not re.search(r"\.[0-9a-f]{12}\.css$", url):
        fail(f"the stylesheet has no hashed name: {url}")
    response = requests.get(base + url, headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT)
    cache = response.headers.get("Cache-Control", "")
    age = re.search(r"max-age=(\d+)", cache)
    if response.status_code != 200 or not age or int(age.group(1)) < ONE_YEAR:
        fail(f"{url}: {response.status_code}, Cache-Control {cache!r}")
    print(f"    {url}: Cache-Control {cache}, {response.headers.get('Content-Encoding', '-')}")


def redirect(base: str) -> None:
    response = requests.get(f"{base}/", allow_redirects=False, timeout=TIMEOUT)
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "/login/" not in location:
        fail(f"/: {response.status_code} to {location!r}")


class BehindProxy:
    """A browser behind the TLS proxy: the stack runs with DEBUG off, so its cookies are
    Secure and it expects ``X-Forwarded-Proto: https`` (what nginx sends); the cookies are
    sent by hand since this client talks plain http on loopback."""

    def __init__(self, base: str) -> None:
        self.session = requests.Session()
        self.origin = "https://" + base.split("://", 1)[1]

    def call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": self.origin,
            "Referer": f"{self.origin}/login/",
            "Cookie": "; ".join(f"{c.name}={c.value}" for c in self.session.cookies),
        }
        return self.session.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)


def signed_in(base: str) -> BehindProxy:
    """A session of the demo user, signed in through the sign-in form."""
    session = BehindProxy(base)
    form = session.call("GET", f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if form.status_code != 200 or not token:
        fail(f"/login/: {form.status_code}, CSRF token found: {bool(token)}")
    response = session.call(
        "POST",
        f"{base}/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": DEMO_USER,
            "password": DEMO_PASSWORD,
        },
        allow_redirects=False,
    )
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        fail(f"sign-in: {response.status_code} to {response.headers.get('Location')!r}")
    return session


def signin(base: str) -> None:
    session = signed_in(base)
    home = session.call("GET", f"{base}/", allow_redirects=False)
    if home.status_code != 200 or "logout" not in home.text:
        fail(f"signed-in /: {home.status_code}, sign-out link: {'logout' in home.text}")
    print(f"    {DEMO_USER} signed in; / answers {home.status_code}")


def job(base: str) -> None:
    """The dashboard's XLSX export started from its page, queued, run by the worker; its
    status read through the API until it ends, then its file downloaded."""
    session = signed_in(base)
    page = session.call("GET", f"{base}/nominations/dashboard/")
    form = re.search(r'<form method="post" id="dashboard-export" action="([^"]+)"', page.text)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not form or not token:
        fail(f"dashboard: {page.status_code}, export form: {bool(form)}")
    action = form.group(1).replace("&amp;", "&")
    started = session.call(
        "POST",
        base + action,
        data={"csrfmiddlewaretoken": token.group(1)},
        allow_redirects=False,
    )
    found = re.search(r"/jobs/(\d+)/$", started.headers.get("Location", ""))
    if started.status_code != 302 or not found:
        fail(f"export: {started.status_code} to {started.headers.get('Location')!r}")
    job_id = found.group(1)
    seen: list[str] = []
    state: dict[str, Any] = {}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = session.call("GET", f"{base}/api/jobs/{job_id}/").json()
        if not seen or seen[-1] != state["status"]:
            seen.append(state["status"])
        if state["status"] in {"done", "failed"}:
            break
        time.sleep(0.25)
    if seen[-1] != "done":
        fail(f"job {job_id}: statuses {seen}, error {state.get('error')!r}")
    file = session.call("GET", f"{base}/jobs/{job_id}/download/")
    if file.status_code != 200 or not file.content.startswith(b"PK"):
        fail(f"job {job_id}'s file: {file.status_code}, {file.content[:4]!r}")
    print(f"    job {job_id}: {' → '.join(seen)}; {len(file.content)} bytes of XLSX")


CHECKS = {
    "healthz": healthz,
    "static": static,
    "redirect": redirect,
    "signin": signin,
    "job": job,
}

if __name__ == "__main__":
    CHECKS[sys.argv[2]](sys.argv[1].rstrip("/"))
