"""HTTP checks of .ci/smoke.sh against the running stack: ``smoke_http.py BASE CHECK``."""

from __future__ import annotations

import re
import sys

import requests

DEMO_USER = "chutich.tinh"  # project/demo/data.py; no two-step sign-in required
DEMO_PASSWORD = "demo12345"  # project/demo/data.py DEMO_PASSWORD
ONE_YEAR = 365 * 24 * 3600
TIMEOUT = 30


def fail(message: str) -> None:
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
        return
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


def signin(base: str) -> None:
    session = requests.Session()
    form = session.get(f"{base}/login/", timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if form.status_code != 200 or not token:
        fail(f"/login/: {form.status_code}, CSRF token found: {bool(token)}")
        return
    response = session.post(
        f"{base}/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": DEMO_USER,
            "password": DEMO_PASSWORD,
        },
        headers={"Referer": f"{base}/login/"},
        timeout=TIMEOUT,
    )
    if response.status_code != 200 or "/login/" in response.url:
        fail(f"sign-in: {response.status_code} at {response.url}")
    home = session.get(f"{base}/", allow_redirects=False, timeout=TIMEOUT)
    if home.status_code != 200 or DEMO_USER not in home.text and "logout" not in home.text:
        fail(f"signed-in /: {home.status_code}")


CHECKS = {"healthz": healthz, "static": static, "redirect": redirect, "signin": signin}

if __name__ == "__main__":
    CHECKS[sys.argv[2]](sys.argv[1].rstrip("/"))
