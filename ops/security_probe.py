"""Probe a running demo site the way the security review of issue 26 did, and print a table.

Start a demo site with production settings on this machine first, e.g.::

    DATABASE_URL=sqlite:////tmp/probe.sqlite3 python manage.py rundemo --no-server
    DEBUG=false SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false \\
        DATABASE_URL=sqlite:////tmp/probe.sqlite3 python manage.py runserver --noreload 8765

then ``python ops/security_probe.py http://127.0.0.1:8765``. Every request goes to that
address only (loopback); the script prints one Markdown row per probe: what was sent, what
answered, and whether the answer is the expected one.
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
from dataclasses import dataclass

import requests

PASSWORD = "demo12345"  # the demo's shared password (project/demo/data.py)
FOREIGN_ORIGIN = "https://attacker.example"


@dataclass
class Row:
    probe: str
    expected: str
    answer: str
    ok: bool


def _secure_ok(policy: object, cookie: http.cookiejar.Cookie, request: object) -> bool:
    return True


# Send the site's secure cookies back over plain HTTP: the probes talk to loopback only,
# and the site is told it is behind HTTPS (X-Forwarded-Proto), as behind its proxy.
http.cookiejar.DefaultCookiePolicy.return_ok_secure = _secure_ok  # type: ignore[method-assign,assignment]


def _new(base: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"X-Forwarded-Proto": "https", "Referer": _https(base) + "/"})
    return session


def _https(base: str) -> str:
    return "https://" + base.split("//", 1)[-1]


def _session(base: str, username: str) -> requests.Session:
    session = _new(base)
    page = session.get(f"{base}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    session.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        timeout=10,
        allow_redirects=False,
    )
    return session


def _status(response: requests.Response) -> str:
    where = response.headers.get("Location", "")
    return f"{response.status_code}" + (f" → {where.split('?')[0]}" if where else "")


def probes(base: str) -> list[Row]:
    rows: list[Row] = []
    village = _session(base, "truongthon.trung")
    staff = _session(base, "quantri.ldtbxh")

    for name, session in (("village head", village), ("unit administrator", staff)):
        r = session.get(f"{base}/", allow_redirects=False, timeout=10)
        rows.append(Row(f"{name} signed in: GET /", "200", _status(r), r.status_code == 200))

    # 1. the admin is for administrators
    for path in ("/admin/", "/admin/workflows_plans/plan/", "/admin/approvals_audit/auditevent/"):
        r = village.get(f"{base}{path}", allow_redirects=False, timeout=10)
        rows.append(
            Row(f"village head GET {path}", "302 to the admin sign-in", _status(r),
                r.status_code == 302 and "/login/" in r.headers.get("Location", ""))
        )
    r = staff.get(f"{base}/admin/approvals_audit/auditevent/", allow_redirects=False, timeout=10)
    rows.append(Row("unit administrator GET the audit trail in the admin", "403", _status(r),
                    r.status_code == 403))

    # 2. every plan page, as a reader and as someone outside the unit
    worst = 0
    for pk in range(1, 40):
        for session in (village, staff):
            worst = max(worst, session.get(f"{base}/plans/{pk}/", timeout=10).status_code)
    rows.append(Row("GET /plans/1…39/ as two roles", "no 5xx", f"worst {worst}", worst < 500))

    # 3. login CSRF on the API's session sign-in
    anon = _new(base)
    r = anon.post(
        f"{base}/api/auth/login/",
        data={"username": "truongthon.trung", "password": PASSWORD},
        headers={"Origin": FOREIGN_ORIGIN},
        timeout=10,
    )
    signed_in = "sessionid" in anon.cookies
    rows.append(Row("cross-site form POST /api/auth/login/", "403, no session",
                    f"{r.status_code}, session {'set' if signed_in else 'not set'}",
                    r.status_code == 403 and not signed_in))

    # 4. odd Unicode: a lone surrogate in JSON, NUL in a query string
    token = _new(base).post(
        f"{base}/api/auth/token/",
        json={"username": "chuyenvien.vp.ldtbxh", "password": PASSWORD},
        timeout=10,
    ).json().get("token", "")
    auth = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    r = _new(base).post(f"{base}/api/plans/1/approve/", data='{"seen_state": "\\ud800"}',
                      headers=auth, timeout=10)
    rows.append(Row('POST /api/plans/1/approve/ {"seen_state": "\\ud800"}', "400",
                    str(r.status_code), r.status_code == 400))
    r = village.get(f"{base}/plans/?q=a%00b", timeout=10)
    rows.append(Row("GET /plans/?q=a%00b", "400", str(r.status_code), r.status_code == 400))

    # 5. an upload over the cap is refused from its headers, before the body is sent
    status = _oversize(base, village)
    rows.append(Row("POST 200 MB (declared, none sent) to an attachment form",
                    "413 before reading", str(status), status == 413))
    return rows


def _oversize(base: str, session: requests.Session) -> int:
    """Declare a 200 MB body but send none: a server that reads the body would hang."""
    import http.client
    from urllib.parse import urlparse

    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=10)
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    conn.putrequest("POST", "/plans/1/attachments/")
    conn.putheader("Content-Length", str(200 * 1024 * 1024))
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Cookie", cookie)
    conn.putheader("X-Forwarded-Proto", "https")
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765").rstrip("/")
    host = base.split("//", 1)[-1].split(":")[0]
    if host not in {"127.0.0.1", "localhost", "[::1]"}:
        print("refusing: probes go to this machine's loopback address only", file=sys.stderr)
        return 2
    rows = probes(base)
    print("| probe | expected | answer | |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row.probe} | {row.expected} | {row.answer} | {'ok' if row.ok else 'FAIL'} |")
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
