"""Two people acting on one deadline at once: one wins, the other gets a clear refusal."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.services import deadline_pause, deadline_start
from approvals.exceptions import InvalidTransition


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_pauses_end_with_one_winner():
    # given
    deadline = deadline_start(
        subject_type="testapp.document",
        subject_id="7",
        purpose="division_review",
        length=10,
        day_kind=DayKind.WORKING,
        started_on=date(2025, 3, 3),
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pause(day: date) -> None:
        try:
            barrier.wait()
            deadline_pause(deadline=Deadline.objects.get(pk=deadline.pk), on=day)
            outcomes.append("paused")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    # when
    threads = [
        threading.Thread(target=pause, args=(day,)) for day in (date(2025, 3, 5), date(2025, 3, 6))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert sorted(outcomes) == ["paused", "refused"]
    deadline.refresh_from_db()
    assert deadline.paused_on in {date(2025, 3, 5), date(2025, 3, 6)}
