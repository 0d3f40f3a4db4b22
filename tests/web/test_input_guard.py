"""The site's forms and query strings: text in NFC, a NUL character refused with a 400 page."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.test import Client

from tests.demo.conftest import Demo, demo
from tests.plans.web.test_attachments import PDF, draft, upload
from tests.plans.web.test_plan_pages import client_for, form_data
from workflows.plans.models import Plan

__all__ = ["demo", "draft"]

pytestmark = pytest.mark.django_db

REFUSED_VI = "không thể chấp nhận"


@pytest.mark.parametrize("query", ["?page=%00", "?a%00=1"])
def test_a_nul_in_a_query_string_is_a_400_page(query: str) -> None:
    response = Client().get(f"/login/{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert REFUSED_VI in response.content.decode()


def test_the_refusal_page_follows_the_language_of_the_url() -> None:
    response = Client().get("/en/login/?page=%00")
    assert response.status_code == 400
    assert "cannot be accepted" in response.content.decode()


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_created(demo: Demo) -> None:
    drafter = client_for(demo, "chuyenvien.vp.ldtbxh")
    before = Plan.objects.count()
    response = drafter.post("/plans/new/", form_data(demo, subject_summary="Kế hoạch\x00"))
    assert response.status_code == 400
    assert "subject_summary" in response.content.decode()
    assert Plan.objects.count() == before


def test_an_uploaded_file_name_is_stored_composed(draft: Any) -> None:
    # (Django's multipart parser already drops NUL and other unprintable characters from it)
    drafter, plan = draft
    upload(drafter, plan, unicodedata.normalize("NFD", "Phụ lục Hòa.pdf"), PDF)
    assert plan.attachments.get().original_name == "Phụ lục Hòa.pdf"


def test_a_decomposed_subject_is_stored_composed(demo: Demo) -> None:
    drafter = client_for(demo, "chuyenvien.vp.ldtbxh")
    decomposed = unicodedata.normalize("NFD", "Kế hoạch xã Hòa Bình")
    assert decomposed != "Kế hoạch xã Hòa Bình"
    drafter.post("/plans/new/", form_data(demo, subject_summary=decomposed))
    assert Plan.objects.filter(subject_summary="Kế hoạch xã Hòa Bình").exists()
    assert not Plan.objects.filter(subject_summary=decomposed).exists()


def test_a_nul_in_the_login_form_signs_nobody_in(demo: Any) -> None:
    browser = Client()
    response = browser.post("/login/", {"username": "gd.ldtbxh\x00", "password": "x"})
    assert response.status_code == 400
    assert "_auth_user_id" not in browser.session
