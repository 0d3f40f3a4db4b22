"""The site's own error pages, not a third-party look-alike."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_missing_page_answers_404_with_the_sites_page(client, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "404" in response.content.decode()
    assert any(
        t.name == "404.html" and "project/templates" in str(t.origin.name)
        for t in response.templates
    )


@pytest.mark.django_db
def test_missing_page_is_the_sites_page_with_debug_on_as_in_the_demo(client, settings):
    settings.DEBUG = True  # rundemo runs with DEBUG on
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="site-error-page"' in body
    assert "Django tried these URL patterns" not in body
    # a missing slash is still redirected, not answered 404
    assert client.get("/plans").status_code == 301


def test_favicon_ico_is_answered(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("site/favicon.svg")
