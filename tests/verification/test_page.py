"""The page “Xác thực văn bản”: open to anyone, in Vietnamese, bad files refused plainly."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.signing.helpers import sample_pdf
from tests.verification.conftest import one_byte_changed, upload

pytestmark = pytest.mark.django_db

URL = "/verify/"


def _post(client: Client, data: bytes) -> Any:
    return client.post(URL, {"file": upload(data)})


def _text(response: Any) -> str:
    return response.content.decode()


def test_anyone_can_open_the_page_and_the_sign_in_page_links_it(client: Client):
    page = client.get(URL)
    assert page.status_code == 200
    assert "Xác thực văn bản" in _text(page)
    assert 'enctype="multipart/form-data"' in _text(page)
    assert f'href="{URL}"' in _text(client.get("/login/"))


def test_signed_in_users_find_the_page_in_the_menu(client: Client):
    client.force_login(UserFactory())
    assert f'href="{URL}" data-nav="verify">Xác thực văn bản</a>' in _text(client.get("/"))


def test_a_valid_document_is_listed_signature_by_signature_in_vietnamese(
    client: Client, issued: bytes, site_trusts_pki
):
    response = _post(client, issued)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.verdict == "valid"
    html = _text(response)
    assert 'data-verdict="valid"' in html
    assert ">Hợp lệ</span>" in html
    assert "Nguyễn Văn An" in html
    assert "Sở Văn hóa, Thể thao và Du lịch" in html
    assert result.signatures[0].signed_at_display in html
    for label in ("Người ký", "Thời điểm ký (giờ Việt Nam)", "Tin cậy", "Toàn vẹn", "Có, hợp lệ"):
        assert label in html, label
    assert "Chưa bị thu hồi" in html
    assert "Được chữ ký cho phép" in html
    assert html.count('data-testid="signature" data-ok="true"') == 3


def test_a_changed_document_shows_why_in_vietnamese(client: Client, issued: bytes, site_trusts_pki):
    response = _post(client, one_byte_changed(issued))
    html = _text(response)
    assert 'data-verdict="invalid"' in html
    assert "Không hợp lệ" in html
    assert "Đã bị thay đổi" in html
    assert "Chữ ký 1 (Nguyễn Văn An): " in html


def test_untrusted_and_revoked_signatures_read_in_vietnamese(
    client: Client, foreign_pdf: bytes, settings: Any, tmp_path: Any
):
    html = _text(_post(client, foreign_pdf))
    assert "Không tin cậy" in html
    assert "Chứng thư số không thuộc chuỗi của tổ chức cung cấp dịch vụ chứng thực" in html


def test_a_revoked_signature_reads_in_vietnamese(client: Client, revoked_pdf: bytes):
    html = _text(_post(client, revoked_pdf))
    assert 'data-verdict="invalid"' in html
    assert "Đã bị thu hồi ngày " in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp không có nội dung."),
        (b"just some text", "Tệp không phải văn bản PDF; chỉ xác thực được tệp PDF."),
        (b"%PDF-1.7\n\x00\x01 garbage", "Tệp PDF bị hỏng, không đọc được."),
        (sample_pdf(), "Tệp PDF này không có chữ ký số nào: không có gì để xác thực."),
    ],
    ids=["empty", "text", "damaged", "unsigned"],
)
def test_bad_files_get_a_clear_message_and_400(client: Client, data: bytes, message: str):
    response = _post(client, data)
    assert response.status_code == 400
    assert message in _text(response)
    assert response.context["result"] is None


def test_no_file_and_an_oversize_file_get_a_clear_message(client: Client, settings: Any):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Chọn tệp PDF cần xác thực." in _text(response)
    settings.VERIFY_MAX_BYTES = 1_048_576
    response = _post(client, b"%PDF-1.7\n" + b"0" * 1_048_576)
    assert response.status_code == 400
    assert "chỉ nhận tối đa 1 MB" in _text(response)


def test_the_page_is_rate_limited(client: Client, settings: Any):
    settings.VERIFY_THROTTLE_RATE = "1/minute"
    assert _post(client, b"").status_code == 400
    response = _post(client, b"")
    assert response.status_code == 429
    assert "Đã kiểm tra quá nhiều văn bản" in _text(response)
    assert int(response["Retry-After"]) > 0
