"""How passes are run: the in-process thread without a broker, Celery beat with one."""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from approvals.notifications import scheduler
from approvals.notifications.scheduler import ReminderThread
from project.celery import app, beat_schedule
from project.demo.management.commands.rundemo import _start_reminders


def test_the_thread_runs_passes_until_stopped_and_survives_a_failing_pass(monkeypatch):
    calls = []
    two = threading.Event()

    def fake_pass():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")
        if len(calls) >= 2:
            two.set()

    monkeypatch.setattr(scheduler, "reminders_run", fake_pass)
    thread = ReminderThread(interval=0.01)
    thread.start()
    assert two.wait(timeout=10)
    thread.stop(timeout=10)
    assert not thread.is_alive()
    assert thread.passes >= 2


def test_the_interval_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        ReminderThread(interval=0)


def test_rundemo_starts_the_thread_only_without_a_broker(settings, monkeypatch):
    monkeypatch.setattr(scheduler, "reminders_run", lambda: None)
    settings.CELERY_BROKER_URL = "redis://localhost:6379/0"
    assert _start_reminders() is None
    settings.CELERY_BROKER_URL = ""
    settings.REMINDERS_INTERVAL_MINUTES = 7
    thread = _start_reminders()
    try:
        assert isinstance(thread, ReminderThread)
        assert thread.interval == 7 * 60
    finally:
        thread.stop(timeout=10)


def test_beat_runs_the_registered_task_every_interval():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    schedule = beat_schedule(15)
    entry = schedule["send-reminders"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].total_seconds() == 15 * 60


@pytest.mark.django_db
def test_the_admin_lists_notifications_and_the_ledger_read_only(admin_client):
    for name in ("notification", "remindersent"):
        url = reverse(f"admin:approvals_notifications_{name}_changelist")
        assert admin_client.get(url).status_code == 200
        assert admin_client.get(url + "add/").status_code == 403
