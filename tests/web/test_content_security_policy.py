"""Every answer carries the site's Content-Security-Policy; the setting replaces or removes it."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from project.security import DEFAULT_POLICY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/login/", "/en/login/", "/verify/", "/api/docs/", "/api/schema/", "/nope/"]
)
def test_every_answer_carries_the_policy(client: Client, path: str) -> None:
    response = client.get(path)
    assert response["Content-Security-Policy"] == DEFAULT_POLICY
    assert "script-src 'self';" in DEFAULT_POLICY
    assert "frame-ancestors 'none'" in DEFAULT_POLICY


def test_the_swagger_page_loads_nothing_from_another_host(client: Client) -> None:
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "https://" not in page
    assert "http://" not in page
    assert "<style" not in page
    assert "<script>" not in page


@override_settings(CONTENT_SECURITY_POLICY="default-src 'none'")
def test_the_setting_replaces_the_policy(client: Client) -> None:
    assert client.get("/login/")["Content-Security-Policy"] == "default-src 'none'"


@override_settings(CONTENT_SECURITY_POLICY="")
def test_an_empty_setting_sends_no_policy(client: Client) -> None:
    assert "Content-Security-Policy" not in client.get("/login/")
