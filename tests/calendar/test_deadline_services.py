"""Deadlines: start, pause while back with the drafter, resume, complete, check."""

from __future__ import annotations

from datetime import date

import pytest

from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.services import (
    deadline_check,
    deadline_complete,
    deadline_pause,
    deadline_resume,
    deadline_start,
)
from approvals.exceptions import DeadlinePassed, InvalidTransition, ValidationFailed

pytestmark = pytest.mark.django_db


def _start(*, length: int = 10, day_kind: DayKind = DayKind.WORKING, started_on: date) -> Deadline:
    return deadline_start(
        subject_type="testapp.document",
        subject_id="42",
        purpose="division_review",
        length=length,
        day_kind=day_kind,
        started_on=started_on,
    )


def _row(deadline: Deadline) -> tuple[object, ...]:
    """What the database holds for the deadline."""
    return tuple(
        Deadline.objects.filter(pk=deadline.pk).values_list(
            "due_on", "paused_on", "paused_days_total", "completed_on"
        )[0]
    )


# --- start ---------------------------------------------------------------------------------


def test_start_counts_working_days_after_the_start_day_across_tet():
    # given / when: 10 working days from Monday 20/1/2025
    deadline = _start(started_on=date(2025, 1, 20))

    # then: 21-24/1, then 3-7/2 and 10/2 (Tết 25/1-2/2 skipped)
    assert deadline.due_on == date(2025, 2, 10)
    assert deadline.remaining(date(2025, 1, 20)) == 10
    assert not deadline.is_paused
    assert Deadline.objects.for_subject(subject_type="testapp.document", subject_id="42").get() == (
        deadline
    )


def test_start_in_calendar_days_counts_every_day():
    # given / when
    deadline = _start(day_kind=DayKind.CALENDAR, started_on=date(2025, 1, 20))

    # then: every day counts, so the 10th day is Thursday 30/1, in Tết; the period ends on
    # the next working day, Monday 3/2 (Civil Code Điều 148.2)
    assert deadline.due_on == date(2025, 2, 3)
    assert deadline.remaining(date(2025, 1, 20)) == 14


def test_start_with_negative_length_is_refused_and_creates_nothing():
    # when / then
    with pytest.raises(ValidationFailed):
        _start(length=-1, started_on=date(2025, 3, 3))
    assert not Deadline.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("subject_type", "document"), ("day_kind", "hours"), ("purpose", "")]
)
def test_start_with_bad_input_is_refused(field, value):
    # given
    arguments = {
        "subject_type": "testapp.document",
        "subject_id": "42",
        "purpose": "division_review",
        "length": 10,
        "day_kind": DayKind.WORKING,
        "started_on": date(2025, 3, 3),
        field: value,
    }

    # when / then
    with pytest.raises(ValidationFailed):
        deadline_start(**arguments)
    assert not Deadline.objects.exists()


# --- pause and resume ----------------------------------------------------------------------


def test_resume_moves_due_day_later_by_the_paused_working_days():
    # given: 10 working days from Monday 3/3/2025, due Monday 17/3
    deadline = _start(started_on=date(2025, 3, 3))
    assert deadline.due_on == date(2025, 3, 17)

    # when: back with the drafter from Wednesday 5/3 to Wednesday 12/3
    deadline_pause(deadline=deadline, on=date(2025, 3, 5))
    left_when_paused = deadline.remaining(date(2025, 3, 10))
    deadline_resume(deadline=deadline, on=date(2025, 3, 12))

    # then: 6, 7, 10, 11, 12/3 were paused: due 5 working days after 17/3
    deadline.refresh_from_db()
    assert deadline.paused_days_total == 5
    assert deadline.due_on == date(2025, 3, 24)
    assert deadline.paused_on is None
    assert left_when_paused == 8
    assert deadline.remaining(date(2025, 3, 12)) == 8


def test_pause_across_tet_does_not_count_the_holidays_as_paused_days():
    # given: 5 working days from Thursday 16/1/2025, due Thursday 23/1
    deadline = _start(length=5, started_on=date(2025, 1, 16))
    assert deadline.due_on == date(2025, 1, 23)

    # when: paused Monday 20/1, resumed Wednesday 5/2 after Tết
    deadline_pause(deadline=deadline, on=date(2025, 1, 20))
    deadline_resume(deadline=deadline, on=date(2025, 2, 5))

    # then: paused working days 21-24/1 and 3-5/2; the 3 days left run 6, 7, 10/2
    assert deadline.paused_days_total == 7
    assert deadline.due_on == date(2025, 2, 10)


def test_pause_over_a_weekend_only_changes_nothing():
    # given
    deadline = _start(started_on=date(2025, 3, 3))

    # when: paused Saturday 8/3, resumed Sunday 9/3
    deadline_pause(deadline=deadline, on=date(2025, 3, 8))
    deadline_resume(deadline=deadline, on=date(2025, 3, 9))

    # then
    assert deadline.paused_days_total == 0
    assert deadline.due_on == date(2025, 3, 17)


def test_resume_of_a_calendar_day_deadline_adds_the_calendar_days_paused():
    # given: 10 calendar days from 1/3/2025, due 11/3
    deadline = _start(day_kind=DayKind.CALENDAR, started_on=date(2025, 3, 1))

    # when
    deadline_pause(deadline=deadline, on=date(2025, 3, 3))
    deadline_resume(deadline=deadline, on=date(2025, 3, 8))

    # then: 10 + 5 calendar days end on Sunday 16/3, so the period ends on Monday 17/3
    # (Civil Code Điều 148.2)
    assert deadline.paused_days_total == 5
    assert deadline.due_on == date(2025, 3, 17)


def test_two_pauses_add_up():
    # given: due Monday 17/3/2025
    deadline = _start(started_on=date(2025, 3, 3))

    # when: paused 4/3-6/3 (2 working days) and 10/3-11/3 (1 working day)
    deadline_pause(deadline=deadline, on=date(2025, 3, 4))
    deadline_resume(deadline=deadline, on=date(2025, 3, 6))
    deadline_pause(deadline=deadline, on=date(2025, 3, 10))
    deadline_resume(deadline=deadline, on=date(2025, 3, 11))

    # then
    assert deadline.paused_days_total == 3
    assert deadline.due_on == date(2025, 3, 20)


# --- overdue -------------------------------------------------------------------------------


def test_check_passes_on_the_due_day_and_refuses_the_day_after():
    # given: due Monday 17/3/2025
    deadline = _start(started_on=date(2025, 3, 3))

    # when
    deadline_check(deadline=deadline, on=date(2025, 3, 17))
    with pytest.raises(DeadlinePassed) as refused:
        deadline_check(deadline=deadline, on=date(2025, 3, 18))

    # then: the message names the due day as dd/mm/yyyy
    assert "17/03/2025" in str(refused.value)
    assert refused.value.code == "deadline_passed"
    assert refused.value.params["due_on"] == date(2025, 3, 17)
    assert deadline.is_overdue(date(2025, 3, 18))
    assert deadline.remaining(date(2025, 3, 18)) == -1


def test_a_paused_deadline_is_not_overdue_and_keeps_its_remaining_days():
    # given: due 17/3/2025, paused on the due day
    deadline = _start(started_on=date(2025, 3, 3))
    deadline_pause(deadline=deadline, on=date(2025, 3, 17))

    # when
    deadline_check(deadline=deadline, on=date(2025, 4, 1))

    # then
    assert deadline.is_paused
    assert not deadline.is_overdue(date(2025, 4, 1))
    assert deadline.remaining(date(2025, 4, 1)) == 0


def test_overdue_on_lists_running_deadlines_past_their_due_day():
    # given: one running, one paused, one completed, all due 17/3/2025
    running = _start(started_on=date(2025, 3, 3))
    paused = _start(started_on=date(2025, 3, 3))
    deadline_pause(deadline=paused, on=date(2025, 3, 10))
    completed = _start(started_on=date(2025, 3, 3))
    deadline_complete(deadline=completed, on=date(2025, 3, 12))

    # when
    overdue = list(Deadline.objects.overdue_on(date(2025, 3, 18)))

    # then
    assert overdue == [running]
    assert list(Deadline.objects.overdue_on(date(2025, 3, 17))) == []


# --- complete ------------------------------------------------------------------------------


def test_complete_closes_the_deadline():
    # given
    deadline = _start(started_on=date(2025, 3, 3))

    # when
    deadline_complete(deadline=deadline, on=date(2025, 3, 20))

    # then: late, but no longer overdue
    deadline.refresh_from_db()
    assert deadline.completed_on == date(2025, 3, 20)
    assert not deadline.is_overdue(date(2025, 3, 25))
    deadline_check(deadline=deadline, on=date(2025, 3, 25))


def test_complete_while_paused_ends_the_pause_first():
    # given: due 17/3/2025, paused Wednesday 5/3
    deadline = _start(started_on=date(2025, 3, 3))
    deadline_pause(deadline=deadline, on=date(2025, 3, 5))

    # when: completed Friday 7/3
    deadline_complete(deadline=deadline, on=date(2025, 3, 7))

    # then
    assert _row(deadline) == (date(2025, 3, 19), None, 2, date(2025, 3, 7))
    assert not deadline.is_paused


# --- refusals change nothing ---------------------------------------------------------------


def test_pausing_twice_is_refused_and_changes_nothing():
    # given
    deadline = _start(started_on=date(2025, 3, 3))
    deadline_pause(deadline=deadline, on=date(2025, 3, 5))
    before = _row(deadline)

    # when / then
    with pytest.raises(InvalidTransition):
        deadline_pause(deadline=deadline, on=date(2025, 3, 6))
    assert _row(deadline) == before == (date(2025, 3, 17), date(2025, 3, 5), 0, None)


def test_resuming_a_running_deadline_is_refused_and_changes_nothing():
    # given
    deadline = _start(started_on=date(2025, 3, 3))
    before = _row(deadline)

    # when / then
    with pytest.raises(InvalidTransition):
        deadline_resume(deadline=deadline, on=date(2025, 3, 6))
    assert _row(deadline) == before


def test_resuming_before_the_pause_day_is_refused_and_changes_nothing():
    # given
    deadline = _start(started_on=date(2025, 3, 3))
    deadline_pause(deadline=deadline, on=date(2025, 3, 10))
    before = _row(deadline)

    # when / then
    with pytest.raises(ValidationFailed):
        deadline_resume(deadline=deadline, on=date(2025, 3, 7))
    assert _row(deadline) == before


def test_pausing_before_the_start_is_refused_and_changes_nothing():
    # given
    deadline = _start(started_on=date(2025, 3, 3))
    before = _row(deadline)

    # when / then
    with pytest.raises(ValidationFailed):
        deadline_pause(deadline=deadline, on=date(2025, 3, 1))
    assert _row(deadline) == before


def test_completing_twice_is_refused_and_changes_nothing():
    # given
    deadline = _start(started_on=date(2025, 3, 3))
    deadline_complete(deadline=deadline, on=date(2025, 3, 10))
    before = _row(deadline)

    # when / then
    with pytest.raises(InvalidTransition):
        deadline_complete(deadline=deadline, on=date(2025, 3, 12))
    with pytest.raises(InvalidTransition):
        deadline_pause(deadline=deadline, on=date(2025, 3, 12))
    assert _row(deadline) == before


def test_a_stale_instance_is_reloaded_before_acting():
    # given: two copies of one deadline; the first pauses it
    deadline = _start(started_on=date(2025, 3, 3))
    stale = Deadline.objects.get(pk=deadline.pk)
    deadline_pause(deadline=deadline, on=date(2025, 3, 5))

    # when / then: the stale copy sees the pause and cannot pause again
    with pytest.raises(InvalidTransition):
        deadline_pause(deadline=stale, on=date(2025, 3, 6))
    assert stale.paused_on == date(2025, 3, 5)


@pytest.mark.django_db
def test_every_deadline_state_change_writes_its_audit_event():
    from approvals.audit.models import AuditEvent

    deadline = deadline_start(
        subject_type="testapp.document",
        subject_id=7,
        purpose="review",
        length=5,
        day_kind="working",
        started_on=date(2026, 3, 2),
    )
    deadline_pause(deadline=deadline, on=date(2026, 3, 3))
    deadline_resume(deadline=deadline, on=date(2026, 3, 5))
    deadline_complete(deadline=deadline, on=date(2026, 3, 6))
    events = list(AuditEvent.objects.filter(subject_id=str(deadline.pk)).order_by("index"))
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("approvals_calendar.deadline_start", "", "running"),
        ("approvals_calendar.deadline_pause", "running", "paused"),
        ("approvals_calendar.deadline_resume", "paused", "running"),
        ("approvals_calendar.deadline_complete", "running", "completed"),
    ]
