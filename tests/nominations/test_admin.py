"""The nominations admin: facts recorded with an audit event; dossiers read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.audit.models import AuditEvent
from tests.factories import UserFactory
from workflows.nominations.models import Discipline

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_vi(client):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client, admin


@pytest.mark.parametrize(
    "name",
    ["household", "disqualification", "discipline", "performancerating", "dossier", "candidate"],
)
def test_changelists_render(admin_client_vi, name):
    client, _admin = admin_client_vi
    response = client.get(reverse(f"admin:nominations_{name}_changelist"))
    assert response.status_code == 200


def test_recording_a_discipline_stamps_the_officer_and_audits_it(admin_client_vi, org):
    client, admin = admin_client_vi
    response = client.post(
        reverse("admin:nominations_discipline_add"),
        {"person": org.drafter_a.pk, "year": 2026, "level": "warning", "basis": "QĐ 5/QĐ-SLĐ"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    discipline = Discipline.objects.get()
    assert discipline.recorded_by == admin
    event = AuditEvent.objects.get(action="nominations.add_discipline")
    assert event.subject_id == str(discipline.pk)
    assert (
        client.get(reverse("admin:nominations_discipline_delete", args=[discipline.pk])).status_code
        == 403
    )
