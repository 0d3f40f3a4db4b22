"""The emulation and exemplary admins render and change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.emulation.conftest import YEAR, D
from tests.emulation.test_bloc_year import _open_year
from tests.factories import UserFactory
from workflows.emulation.services import covenant_open, covenant_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "emulation_bloc",
        "emulation_blocyear",
        "emulation_awardproposal",
        "exemplary_exemplarymodel",
    ],
)
def test_changelists_render_and_nothing_can_be_added(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_a_bloc_year_shows_its_signatures_read_only(admin_client, vinh_phuc, clock):
    p = vinh_phuc
    by = _open_year(p)
    clock.to(D(YEAR, 3, 23))
    covenant_open(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 3, 23))
    covenant_sign(bloc_year=by, user=p.heads["YT"], unit=p.units["YT"], on=D(YEAR, 3, 23))
    url = reverse("admin:emulation_blocyear_change", args=[by.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Sở Y tế" in response.content.decode()
    response = admin_client.post(url, {"theme": "Đổi chủ đề"})
    assert response.status_code == 403
    by.refresh_from_db()
    assert by.theme != "Đổi chủ đề"
