"""An over-large body is refused from its Content-Length, before a byte of it is read."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from project.input_guard import request_body_limit

pytestmark = pytest.mark.django_db


class UnreadableInput(io.RawIOBase):
    """A ``wsgi.input`` that records how much was read and fails the test if anything was."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.read_bytes += len(buffer)
        raise AssertionError("the body was read")


def call(path: str, headers: dict[str, str], body: io.RawIOBase) -> tuple[int, dict[str, str], str]:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **headers,
    }
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    content = b"".join(WSGIHandler()(environ, start_response))
    return answer["status"], answer["headers"], content.decode("utf-8")


def too_large() -> str:
    return str(request_body_limit() + 1)


def test_an_oversized_upload_to_a_page_is_a_413_page_and_is_not_read() -> None:
    body = UnreadableInput()
    status, headers, content = call(
        "/plans/1/attachments/",
        {"CONTENT_TYPE": "multipart/form-data; boundary=x", "CONTENT_LENGTH": too_large()},
        body,
    )
    assert status == 413
    assert headers["Content-Type"].startswith("text/html")
    assert "tối đa" in content  # Vietnamese: "at most … MB are accepted"
    assert body.read_bytes == 0


def test_an_oversized_api_body_is_a_json_413_and_is_not_read() -> None:
    body = UnreadableInput()
    status, _headers, content = call(
        "/api/plans/",
        {
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": too_large(),
            "HTTP_ACCEPT_LANGUAGE": "en",
        },
        body,
    )
    assert status == 413
    refusal = json.loads(content)
    assert refusal["code"] == "request_too_large"
    assert "at most" in refusal["message"]
    assert body.read_bytes == 0


def test_a_chunked_body_without_a_length_is_refused_unread() -> None:
    body = UnreadableInput()
    status, _headers, content = call(
        "/api/auth/token/",
        {"CONTENT_TYPE": "application/json", "HTTP_TRANSFER_ENCODING": "chunked"},
        body,
    )
    assert status == 411
    assert json.loads(content)["code"] == "length_required"
    assert body.read_bytes == 0


def test_a_bad_content_length_is_a_400() -> None:
    status, _headers, content = call(
        "/api/auth/token/",
        {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "-5"},
        UnreadableInput(),
    )
    assert (status, json.loads(content)["code"]) == (400, "bad_request")


def test_the_limit_follows_the_attachment_cap(settings: Any) -> None:
    settings.PLAN_ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
    settings.UPLOAD_FORM_MARGIN_BYTES = 1024
    assert request_body_limit() == 50 * 1024 * 1024 + 1024
    settings.PLAN_ATTACHMENT_MAX_BYTES = 1024
    assert request_body_limit() == settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024


def test_a_body_within_the_limit_goes_through(settings: Any) -> None:
    settings.PLAN_ATTACHMENT_MAX_BYTES = 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.UPLOAD_FORM_MARGIN_BYTES = 0
    client = Client()
    small = client.post(
        "/api/auth/token/", {"username": "x", "password": "y"}, content_type="application/json"
    )
    assert small.status_code == 400  # read and answered by the view: wrong credentials
    big = client.post(
        "/api/auth/token/",
        {"username": "x" * 2000, "password": "y"},
        content_type="application/json",
    )
    assert (big.status_code, big.json()["code"]) == (413, "request_too_large")
