"""A person's name is shown family name first everywhere: one function, its template filter,
the page header, positions and the API's ``me``."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client
from rest_framework.test import APIClient

from approvals.organisation.models import OrgUnit, Position
from approvals.organisation.resolver import user_label
from approvals.people import person_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def trang() -> Any:
    return get_user_model().objects.create_user(
        "chuyenvien.test", password="x-very-long-pass", first_name="Trang", last_name="Trần Thu"
    )


def test_the_name_is_family_middle_given(trang: Any) -> None:
    assert person_name(trang) == "Trần Thu Trang"
    assert user_label(trang) == "Trần Thu Trang"
    assert trang.get_full_name() == "Trang Trần Thu"  # Django's order, never shown


def test_without_names_the_username_and_without_user_the_fallback() -> None:
    user_model = get_user_model()
    assert person_name(user_model(username="admin")) == "admin"
    assert person_name(user_model(username="x", first_name="Trang")) == "Trang"
    assert person_name(user_model(username="x", last_name=" Trần Thu ")) == "Trần Thu"
    assert person_name(None) == ""
    assert person_name(None, "—") == "—"


def test_the_template_filter_and_the_page_header(trang: Any) -> None:
    rendered = Template("{% load people %}[{{ u|person }}][{{ none|person }}]").render(
        Context({"u": trang, "none": None})
    )
    assert rendered == "[Trần Thu Trang][]"
    client = Client()
    client.force_login(trang)
    page = client.get("/").content.decode()
    assert 'data-testid="current-user">Trần Thu Trang<' in page
    assert "Trang Trần Thu" not in page


def test_the_api_gives_the_same_name(trang: Any) -> None:
    client = APIClient()
    client.force_authenticate(user=trang)
    assert client.get("/api/auth/me/").json()["name"] == "Trần Thu Trang"


def test_a_position_names_its_holder_family_name_first(trang: Any) -> None:
    position = Position(user=trang, unit=OrgUnit(name="Văn phòng Sở"), title="Chuyên viên")
    assert str(position) == "Trần Thu Trang — Chuyên viên, Văn phòng Sở"
