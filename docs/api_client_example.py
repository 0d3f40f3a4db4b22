#!/usr/bin/env python3
"""Walk a plan from draft to dispatched through the REST API of the demo site.

Start the demo (``.venv/bin/python manage.py rundemo``), then::

    python3 docs/api_client_example.py --base-url http://127.0.0.1:8000

Only the standard library is used. Each demo user gets a token from ``/api/auth/token/``;
every step is a POST with an ``Idempotency-Key``, so a step retried after a network error
is answered with its first result instead of being taken twice. A refusal prints the API's
``{"code", "message", "fields"}`` and stops.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any

DRAFTER = "chuyenvien.vp.ldtbxh"  # drafter, Văn phòng Sở LĐTBXH
DIVISION_HEAD = "cvp.ldtbxh"  # office chief: the division review of the office's drafts
FORMAT_REVIEWER = "kiemtra.ldtbxh"  # department office: format check
SIGNER = "pgd.ldtbxh"  # deputy director: signs "KT. GIÁM ĐỐC"
CLERK = "vanthu.ldtbxh"  # records clerk: number, date, dispatch
RECIPIENT = "gd.vhttdl"  # director of Sở VHTTDL, the recipient


class ApiError(Exception):
    """A refusal from the API, with its status and body."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        super().__init__(f"{status}: {body}")


class Client:
    """A tiny JSON client for one user of the API."""

    def __init__(self, base_url: str, token: str | None = None, language: str = "vi") -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.language = language

    def request(
        self, method: str, path: str, body: Any = None, *, idempotent: bool = False
    ) -> tuple[int, Any, dict[str, str]]:
        headers = {"Accept": "application/json", "Accept-Language": self.language}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        request = urllib.request.Request(  # noqa: S310 - the base URL is the user's choice
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                raw = response.read()
                kind = response.headers.get("Content-Type", "")
                payload = json.loads(raw) if kind.startswith("application/json") else raw
                return response.status, payload, dict(response.headers)
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = raw.decode(errors="replace")
            raise ApiError(error.code, payload) from None

    def get(self, path: str) -> Any:
        return self.request("GET", path)[1]

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body if body is not None else {}, idempotent=True)[1]


def login(base_url: str, username: str, password: str, language: str) -> Client:
    """A client holding ``username``'s API token."""
    anonymous = Client(base_url, language=language)
    _status, body, _headers = anonymous.request(
        "POST", "/api/auth/token/", {"username": username, "password": password}
    )
    return Client(base_url, token=body["token"], language=language)


def plan_content(year: int) -> dict[str, Any]:
    """A short plan in the Decree 30/2020 parts the API expects."""
    return {
        "subject_summary": f"Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm {year}",
        "basis": ["Thực hiện Kế hoạch của Ban Chỉ đạo Phong trào tỉnh."],
        "sections": [
            {
                "heading": "I. MỤC ĐÍCH, YÊU CẦU",
                "paragraphs": ["Phát huy sức mạnh khối đại đoàn kết toàn dân tộc."],
            },
            {
                "heading": "II. TỔ CHỨC THỰC HIỆN",
                "paragraphs": ["Văn phòng Sở chủ trì, phối hợp các phòng triển khai."],
            },
        ],
        "recipients": ["Ban Giám đốc Sở;", "Sở Văn hóa, Thể thao và Du lịch;", "Lưu: VT, VP."],
        "reporting": [{"period": "annual", "due": "12-15"}],
    }


def walk(base_url: str, password: str, language: str = "vi") -> dict[str, Any]:
    """Draft → review → format check → signature → number and dispatch → acknowledged."""
    users = {
        name: login(base_url, name, password, language)
        for name in (DRAFTER, DIVISION_HEAD, FORMAT_REVIEWER, SIGNER, CLERK, RECIPIENT)
    }
    drafter = users[DRAFTER]
    me = drafter.get("/api/auth/me/")
    drafting_unit = me["positions"][0]["unit"]
    issuing_agency = drafter.get(f"/api/units/{drafting_unit}/")["parent"]
    recipient_unit = users[RECIPIENT].get("/api/auth/me/")["positions"][0]["unit"]
    year = int(drafter.get("/api/dashboard/")["day"][:4])  # the server's year: its registers

    plan = drafter.post(
        "/api/plans/",
        {
            "issuing_agency": issuing_agency,
            "drafting_unit": drafting_unit,
            "kind": "plan",
            "year": year,
            "content": plan_content(year),
            "recipient_units": [recipient_unit],
        },
    )
    url = f"/api/plans/{plan['id']}"
    print(f"draft        #{plan['id']} r{plan['revision_number']}: {plan['subject_summary']}")

    plan = drafter.post(f"{url}/submit/", {"comment": "Kính trình lãnh đạo xem xét."})
    print(f"submitted    -> {plan['state_label']}")
    revision = plan["revision_number"]
    plan = users[DIVISION_HEAD].post(f"{url}/approve/", {"seen_revision": revision})
    print(f"reviewed     -> {plan['state_label']}")
    plan = users[FORMAT_REVIEWER].post(f"{url}/approve/", {"seen_revision": revision})
    print(f"format check -> {plan['state_label']}")
    plan = users[SIGNER].post(
        f"{url}/sign/", {"comment": "Đồng ý ban hành.", "seen_revision": revision}
    )
    print(f"signed       -> {plan['state_label']}")
    plan = users[CLERK].post(f"{url}/issue/")
    print(f"issued       -> Số: {plan['symbol']} ngày {plan['issued_on']}, {plan['state_label']}")

    recipient = users[RECIPIENT]
    for dispatch in plan["dispatches"]:
        done = recipient.post(f"/api/dispatches/{dispatch['id']}/acknowledge/")
        print(f"dispatched   -> {done['unit_name']}, received {done['acknowledged_at']}")

    signature = users[SIGNER].get(f"{url}/signature/")
    _status, pdf, headers = users[SIGNER].request("GET", f"{url}/document/")
    digest = hashlib.sha256(pdf).hexdigest()
    # the issued PDF carries the signer's and the agency's digital signatures; the signer's
    # covers the signed PDF whose SHA-256 the signature record holds
    if headers.get("X-Content-SHA256") != digest or (
        headers.get("X-Signature-SHA256") != signature["sha256"]
    ):
        msg = "the downloaded PDF does not match what the server says it is"
        raise SystemExit(msg)
    print(f"issued PDF   -> {len(pdf)} bytes, SHA-256 {digest} (digitally signed, sealed)")
    print(f"signed by    -> {' / '.join(signature['signature_block'])}, {signature['signer_name']}")
    return dict(users[SIGNER].get(url + "/"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="demo12345", help="the demo accounts' password")
    parser.add_argument("--language", default="vi", choices=["vi", "en"])
    args = parser.parse_args(argv)
    try:
        plan = walk(args.base_url, args.password, args.language)
    except ApiError as error:
        print(f"refused ({error.status}): {json.dumps(error.body, ensure_ascii=False)}")
        return 1
    print(
        f"done: plan #{plan['id']} is {plan['state']} with {len(plan['dispatches'])} dispatch(es)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
