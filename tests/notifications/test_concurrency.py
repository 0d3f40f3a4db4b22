"""Two reminder passes at once on PostgreSQL, each with its own connection: sent once."""

from __future__ import annotations

import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from approvals.notifications import services
from approvals.notifications.models import Notification, ReminderSent
from approvals.notifications.registry import register_step_provider, unregister_step_provider
from approvals.notifications.services import reminders_run
from approvals.regulations.models import Regulation
from tests.conftest import Org
from tests.notifications.conftest import SUBJECT_TYPE, CaseSteps, D, at, case_deadline
from tests.plans.conftest import replay_data_migrations


class SlowBackend(EmailBackend):
    """The test mailbox behind a slow server: the other pass arrives while this one sends."""

    def send_messages(self, messages):
        time.sleep(0.2)
        return super().send_messages(messages)


@pytest.mark.postgres
def test_two_concurrent_passes_send_each_reminder_once(transactional_db, settings, monkeypatch):
    if not Regulation.objects.filter(code="reminders").exists():
        replay_data_migrations()
    org = Org()
    org.drafter_a.email = "hoa.nt@example.vn"
    org.drafter_a.save(update_fields=["email"])
    register_step_provider(SUBJECT_TYPE, CaseSteps(org))
    try:
        for n in range(5):  # due 11/02/2027: their 1-day reminder is on 03/02
            case_deadline(n, started_on=D(2027, 1, 29), length=4)
        settings.EMAIL_BACKEND = "tests.notifications.test_concurrency.SlowBackend"
        barrier = threading.Barrier(2)
        # both passes have read the ledger (empty) before either claims a row: only the
        # unique constraint can keep the second from sending again
        claimed = threading.Barrier(2)
        deliver = services._deliver

        def deliver_together(*args, **kwargs):
            claimed.wait(timeout=10)
            return deliver(*args, **kwargs)

        monkeypatch.setattr(services, "_deliver", deliver_together)
        reports, errors = [], []

        def one_pass() -> None:
            try:
                barrier.wait(timeout=10)
                reports.append(reminders_run(now=at(D(2027, 2, 3))))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=one_pass) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        unregister_step_provider(SUBJECT_TYPE)
    assert errors == []
    assert len(reports) == 2
    assert sorted(r.reminders_sent for r in reports) == [0, 5]
    assert ReminderSent.objects.count() == 5
    assert Notification.objects.count() == 5
    assert len(mail.outbox) == 5
