"""Project-side overrides win over weekends and the holidays package."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from approvals.calendar.choices import DayKind, OverrideKind
from approvals.calendar.models import CalendarOverride
from approvals.calendar.services import deadline_start
from approvals.calendar.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def _override(day: date, kind: OverrideKind) -> CalendarOverride:
    return CalendarOverride.objects.create(day=day, kind=kind, reason="Quyết định của UBND tỉnh")


def test_day_off_override_shifts_a_deadline_by_one_working_day():
    # given: 5 working days from Monday 10/3/2025 end on Monday 17/3
    assert add_working_days(date(2025, 3, 10), 5) == date(2025, 3, 17)
    _override(date(2025, 3, 14), OverrideKind.DAY_OFF)

    # when
    deadline = deadline_start(
        subject_type="testapp.document",
        subject_id="1",
        purpose="division_review",
        length=5,
        day_kind=DayKind.WORKING,
        started_on=date(2025, 3, 10),
    )

    # then
    assert not is_working_day(date(2025, 3, 14))
    assert deadline.due_on == date(2025, 3, 18)


def test_working_day_override_on_a_saturday_counts():
    # given: Saturday 15/3/2025 declared a working day
    _override(date(2025, 3, 15), OverrideKind.WORKING_DAY)

    # when
    result = add_working_days(date(2025, 3, 14), 1)

    # then
    assert result == date(2025, 3, 15)
    assert working_days_between(date(2025, 3, 14), date(2025, 3, 17)) == 2


def test_working_day_override_wins_over_a_package_holiday():
    # given: Friday 2/5/2025 is a swap day off in the package
    assert not is_working_day(date(2025, 5, 2))
    _override(date(2025, 5, 2), OverrideKind.WORKING_DAY)

    # when / then
    assert is_working_day(date(2025, 5, 2))
    assert add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 2)


def test_day_off_override_wins_over_a_make_up_saturday():
    # given: Saturday 26/4/2025 is a make-up working day in the package
    _override(date(2025, 4, 26), OverrideKind.DAY_OFF)

    # when / then
    assert not is_working_day(date(2025, 4, 26))
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)


def test_overrides_outside_the_range_do_not_matter():
    # given: a day off before the start
    _override(date(2025, 3, 7), OverrideKind.DAY_OFF)

    # when / then
    assert add_working_days(date(2025, 3, 10), 5) == date(2025, 3, 17)


def test_negative_counting_sees_overrides_before_the_start():
    # given: Friday 14/3/2025 off
    _override(date(2025, 3, 14), OverrideKind.DAY_OFF)

    # when / then
    assert add_working_days(date(2025, 3, 17), -1) == date(2025, 3, 13)


def test_adding_working_days_reads_overrides_in_one_query(django_assert_num_queries):
    # given: several overrides in the span
    _override(date(2025, 3, 14), OverrideKind.DAY_OFF)
    _override(date(2025, 3, 15), OverrideKind.WORKING_DAY)
    _override(date(2025, 4, 4), OverrideKind.DAY_OFF)

    # when
    with django_assert_num_queries(1):
        due = add_working_days(date(2025, 3, 10), 60)

    # then: the three overrides are all applied
    assert working_days_between(date(2025, 3, 10), due) == 60


def test_a_day_has_at_most_one_override():
    # given
    _override(date(2025, 3, 14), OverrideKind.DAY_OFF)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        _override(date(2025, 3, 14), OverrideKind.WORKING_DAY)
