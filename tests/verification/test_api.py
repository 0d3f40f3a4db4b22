"""POST /api/verify/: each signature of an uploaded PDF and the verdict, for anyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.signing.helpers import sample_pdf
from tests.verification.conftest import one_byte_changed, upload

pytestmark = pytest.mark.django_db

URL = "/api/verify/"


def _verify(client: Client, data: bytes, **extra: Any) -> Any:
    return client.post(URL, {"file": upload(data)}, **extra)


def test_an_issued_document_is_valid_and_trusted(client: Client, issued: bytes, site_trusts_pki):
    response = _verify(client, issued)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "valid"
    assert body["verdict_label"] == "Hợp lệ"
    assert body["reasons"] == []
    signer, seal, archive = body["signatures"]
    assert [s["kind"] for s in body["signatures"]] == [
        "signature",
        "signature",
        "document_timestamp",
    ]
    assert signer["signer"] == "Nguyễn Văn An"
    assert seal["organisation"] == "Sở Văn hóa, Thể thao và Du lịch"
    for line in (signer, seal):
        assert line["trusted"]
        assert line["intact"]
        assert line["valid"]
        assert line["ok"]
        assert not line["revoked"]
        assert line["changes_allowed"]
        assert line["signed_at"].endswith("+07:00")  # Vietnam time
        day, month, rest = line["signed_at_display"].split("/")
        assert line["signed_at"][:10] == f"{rest[:4]}-{month}-{day}"
        assert line["signed_at_display"][-5:] == line["signed_at"][11:16]
    assert signer["modification_level"] == "FORM_FILLING"  # the clerk's number and the seal
    assert not signer["timestamped"]
    assert seal["timestamped"]
    assert seal["timestamp_valid"]
    assert archive["timestamp_valid"]
    assert response["Content-Language"] == "vi"


def test_a_one_byte_change_is_invalid_with_the_reason(
    client: Client, issued: bytes, site_trusts_pki
):
    body = _verify(client, one_byte_changed(issued)).json()
    assert body["verdict"] == "invalid"
    signer = body["signatures"][0]
    assert not signer["intact"]
    assert not signer["ok"]
    assert body["reasons"][0] == ("Chữ ký 1 (Nguyễn Văn An): " + signer["reasons"][0])
    english = _verify(client, one_byte_changed(issued), HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["verdict_label"] == "Not valid"
    assert "signed bytes differ" in english["reasons"][0]


def test_a_certificate_of_an_unknown_root_is_untrusted(client: Client, foreign_pdf: bytes):
    body = _verify(client, foreign_pdf, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["verdict"] == "invalid"
    [line] = body["signatures"]
    assert line["signer"] == "Lê Văn Khách"
    assert line["intact"]
    assert not line["trusted"]
    assert body["reasons"] == [
        "Signature 1 (Lê Văn Khách): The certificate does not chain to a trusted root."
    ]


def test_a_revoked_certificate_is_reported_revoked(client: Client, revoked_pdf: bytes):
    body = _verify(client, revoked_pdf, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["verdict"] == "invalid"
    [line] = body["signatures"]
    assert line["intact"]
    assert line["revoked"]
    assert line["revoked_at"].endswith("+07:00")
    assert not line["ok"]
    assert any("revoked" in reason for reason in body["reasons"])


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"Hello, this is plain text, not a PDF at all.", "not_a_pdf"),
        (b"%PDF-1.7\n\x00\x01 garbage without any object or trailer", "damaged_pdf"),
        (sample_pdf(), "no_signatures"),
    ],
    ids=["empty", "text", "damaged", "unsigned"],
)
def test_bad_files_are_refused_with_400_and_a_code(client: Client, data: bytes, code: str):
    response = _verify(client, data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]


def test_a_truncated_signed_pdf_is_refused_or_reported_invalid(
    client: Client, issued: bytes, site_trusts_pki
):
    response = _verify(client, issued[: len(issued) // 2])
    assert response.status_code in (200, 400)
    body = response.json()
    if response.status_code == 400:
        assert body["code"] == "damaged_pdf"
    else:
        assert body["verdict"] == "invalid"


def test_a_missing_file_is_refused(client: Client):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert response.json()["code"] == "file_missing"


def test_an_oversize_file_is_refused(client: Client, settings: Any, issued: bytes):
    settings.VERIFY_MAX_BYTES = len(issued) - 1
    response = _verify(client, issued)
    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"


def test_the_rate_limit_answers_429(client: Client, settings: Any):
    settings.VERIFY_THROTTLE_RATE = "2/minute"
    assert _verify(client, b"").status_code == 400
    assert _verify(client, b"").status_code == 400
    response = _verify(client, b"")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_other_kinds_of_request_are_refused_plainly(client: Client):
    as_json = client.post(URL, {"file": "x"}, content_type="application/json")
    assert as_json.status_code == 415
    assert as_json.json()["code"] == "unsupported_media_type"
    as_text_field = client.post(URL, {"file": "not a file"})
    assert (as_text_field.status_code, as_text_field.json()["code"]) == (400, "file_missing")
    assert client.get(URL).status_code == 405


def test_revocation_data_is_fetched_only_for_signed_in_users(settings: Any):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory
    from workflows.verification.reports import may_fetch

    settings.SIGNING_ALLOW_FETCHING = True
    user = UserFactory()
    assert may_fetch(user)
    assert not may_fetch(AnonymousUser())
    settings.SIGNING_ALLOW_FETCHING = False
    assert not may_fetch(user)
