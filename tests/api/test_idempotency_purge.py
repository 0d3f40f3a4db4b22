"""Stored idempotent responses expire after ``API_IDEMPOTENCY_KEEP_HOURS``."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from project.celery import app, beat_schedule
from tests.api.test_idempotency_and_errors import draft, events
from workflows.api.models import IdempotentRequest
from workflows.api.services import idempotency_keys_purge

pytestmark = pytest.mark.django_db


def stored(user: object, key: str, age_hours: float, *, answered: bool = True) -> None:
    row = IdempotentRequest.objects.create(
        user=user,
        key=key,
        method="POST",
        path="/api/plans/1/submit/",
        request_sha256="0" * 64,
        status=200 if answered else None,
        body={"id": 1} if answered else None,
    )
    created = timezone.now() - datetime.timedelta(hours=age_hours)
    IdempotentRequest.objects.filter(pk=row.pk).update(created_at=created)


@override_settings(API_IDEMPOTENCY_KEEP_HOURS=24)
def test_keys_older_than_the_period_go_and_younger_ones_stay() -> None:
    user = get_user_model().objects.create_user("client-system")
    stored(user, "old", 25)
    stored(user, "old-unanswered", 30, answered=False)  # its request died
    stored(user, "young", 23)
    stored(user, "young-running", 1, answered=False)

    assert idempotency_keys_purge() == 2
    assert sorted(IdempotentRequest.objects.values_list("key", flat=True)) == [
        "young",
        "young-running",
    ]
    assert idempotency_keys_purge() == 0


@override_settings(API_IDEMPOTENCY_KEEP_HOURS=2)
def test_the_command_reports_what_it_deleted_with_the_setting_s_period() -> None:
    user = get_user_model().objects.create_user("client-system")
    stored(user, "a", 3)
    stored(user, "b", 1)
    out = StringIO()
    with translation.override("vi"):
        call_command("purge_idempotency_keys", stdout=out)
    assert out.getvalue().strip() == "Đã xóa 1 khóa lũy đẳng cũ hơn 2 giờ."
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["b"]


def test_after_the_purge_a_key_is_a_new_request(province, as_user) -> None:
    p = province
    plan_id = draft(p, as_user)
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    url = f"/api/plans/{plan_id}/submit/"
    first = drafter.post(url, {"comment": "Kính trình"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 200
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert idempotency_keys_purge() == 1
    before = events(plan_id)
    again = drafter.post(url, {"comment": "Kính trình"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    # not replayed: the action runs again and the state refuses it
    assert (again.status_code, again.json()["code"]) == (409, "wrong_state")
    assert "Idempotent-Replayed" not in again
    assert events(plan_id) == before


def test_beat_purges_every_hour_with_the_registered_task() -> None:
    app.loader.import_default_modules()
    entry = beat_schedule(15)["purge-idempotency-keys"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].total_seconds() == 3600
