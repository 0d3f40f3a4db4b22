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
