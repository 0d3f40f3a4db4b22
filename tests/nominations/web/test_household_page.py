"""A household's page: open to those whose reach holds its village, 404 to anyone else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.demo.conftest import Demo, demo
from workflows.nominations.models import Candidate, Household

__all__ = ["demo"]

pytestmark = pytest.mark.django_db


def _page(demo: Demo, username: str, household: Household) -> tuple[int, str]:
    client = Client()
    client.force_login(demo.user(username))
    response = client.get(reverse("nominations:household", args=[household.pk]))
    return response.status_code, response.content.decode()


def test_the_commune_sees_the_household_and_its_candidacies(demo: Demo) -> None:
    candidate = Candidate.objects.filter(household__isnull=False).select_related("household")[0]
    household = candidate.household
    assert household is not None
    status, html = _page(demo, "chutich.tandinh", household)
    assert status == 200
    assert household.head_name in html
    assert str(candidate.year) in html
    # its dossier is linked, the commune being able to open it
    assert reverse("nominations:detail", args=[candidate.dossier_id]) in html


def test_another_commune_and_a_missing_household_answer_404(demo: Demo) -> None:
    household = Household.objects.filter(village__parent__name="Xã Tân Dĩnh")[0]
    status, html = _page(demo, "chutich.damai", household)
    assert status == 404
    assert household.head_name not in html
    client = Client()
    client.force_login(demo.user("chutich.tandinh"))
    missing = client.get(reverse("nominations:household", args=[10**9]))
    assert missing.status_code == 404
