"""Admin pages: overrides are editable, deadlines read-only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from approvals.calendar.choices import DayKind, OverrideKind
from approvals.calendar.models import CalendarOverride
from approvals.calendar.services import deadline_start

pytestmark = pytest.mark.django_db


def test_override_changelist_shows_the_package_holiday(admin_client):
    # given
    CalendarOverride.objects.create(
        day=date(2025, 5, 2), kind=OverrideKind.WORKING_DAY, reason="Làm bù"
    )

    # when
    response = admin_client.get(reverse("admin:approvals_calendar_calendaroverride_changelist"))

    # then
    assert response.status_code == 200
    assert "Làm bù" in response.content.decode()


def test_override_can_be_added_in_the_admin(admin_client):
    # when
    response = admin_client.post(
        reverse("admin:approvals_calendar_calendaroverride_add"),
        {"day": "2025-03-14", "kind": OverrideKind.DAY_OFF, "reason": "Nghỉ đột xuất"},
    )

    # then
    assert response.status_code == 302
    assert CalendarOverride.objects.get().day == date(2025, 3, 14)


@pytest.mark.parametrize("state", ["", "running", "paused", "overdue", "completed"])
def test_deadline_changelist_loads_with_each_state_filter(admin_client, state):
    # given
    deadline_start(
        subject_type="testapp.document",
        subject_id="1",
        purpose="division_review",
        length=10,
        day_kind=DayKind.WORKING,
        started_on=date(2025, 3, 3),
    )
    url = reverse("admin:approvals_calendar_deadline_changelist")

    # when
    response = admin_client.get(url, {"state": state} if state else {})

    # then
    assert response.status_code == 200


def test_deadlines_cannot_be_added_in_the_admin(admin_client):
    # when
    response = admin_client.get(reverse("admin:approvals_calendar_deadline_add"))

    # then
    assert response.status_code == 403
