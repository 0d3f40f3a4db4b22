"""Periods as Bộ luật Dân sự 2015 Điều 147-148 counts them (DOMAIN.md §4a).

The holidays each test lands on are looked up in the ``holidays`` package (0.109) by
their English names, then checked to be days off, so a test cannot silently stop landing
on a holiday; the expected ends were read from the package's data and a calendar.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from approvals.calendar.choices import DayKind, OverrideKind
from approvals.calendar.daymath import add_months, period_end_with
from approvals.calendar.models import CalendarOverride
from approvals.calendar.periods import Period, period_end
from approvals.calendar.window import WorkingCalendar
from approvals.calendar.workdays import add_days, add_working_days, is_working_day, public_holidays

pytestmark = pytest.mark.django_db

TET = "Lunar New Year"
HUNG_KINGS = "Hung Kings' Commemoration Day"
REUNIFICATION = "Liberation Day/Reunification Day"
LABOUR_DAY = "International Labor Day"
NATIONAL_DAY = "National Day"


def _holiday(year: int, name: str) -> date:
    """The first day of ``year`` the package names ``name`` (in English)."""
    found = sorted(
        day for day, label in public_holidays(year, language="en_US").items() if str(label) == name
    )
    assert found, f"no {name!r} in {year}"
    return found[0]


def _days(n: int) -> Period:
    return Period(length=n, day_kind=DayKind.CALENDAR)


def _months(n: int) -> Period:
    return Period(length=n, day_kind=DayKind.MONTHS)


def _landing_on(day: date, n: int = 10) -> date:
    """The start from which ``n`` calendar days land on ``day``."""
    return day - timedelta(days=n)


def _override(day: date, kind: OverrideKind) -> CalendarOverride:
    return CalendarOverride.objects.create(
        day=day, kind=kind, reason="Thông báo của Bộ Lao động - Thương binh và Xã hội"
    )


# --- Điều 147: the first day is not counted ------------------------------------------------


def test_the_day_of_the_event_is_not_counted():
    # given: Monday 3/3/2025, an ordinary week
    start = date(2025, 3, 3)

    # when / then: the period starts on Tuesday 4/3, its 1st day; its 10th is Thursday 13/3
    assert period_end(start, _days(1)) == date(2025, 3, 4)
    assert period_end(start, _days(10)) == date(2025, 3, 13)
    assert period_end(start, Period(length=1, day_kind=DayKind.WORKING)) == date(2025, 3, 4)
    # a period of no days ends on the day itself when it is a working day
    assert period_end(start, _days(0)) == start


def test_a_period_whose_last_day_is_an_ordinary_weekend_ends_on_monday():
    # given: 10 calendar days from Wednesday 5/3/2025 land on Saturday 15/3
    start = date(2025, 3, 5)

    # when
    end = period_end(start, _days(10))

    # then: Sunday is a day off too, so Monday 17/3
    assert end == date(2025, 3, 17)


# --- Tết ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Tết 2025: 25/1 (Sat) - 2/2 (Sun); the 1st of the year is Wednesday 29/1
        (2025, date(2025, 2, 3)),
        # Tết 2026: 14/2 (Sat) - 22/2 (Sun); the 1st of the year is Tuesday 17/2
        (2026, date(2026, 2, 23)),
        # Tết 2027: 4/2 (Thu) - 10/2 (Wed); the 1st of the year is Saturday 6/2
        (2027, date(2027, 2, 11)),
    ],
)
def test_a_period_ending_on_the_first_day_of_tet_ends_after_the_holiday(year, expected):
    # given: 10 calendar days that land on the first day of the lunar year
    tet = _holiday(year, TET)
    assert not is_working_day(tet)

    # when
    end = period_end(_landing_on(tet), _days(10))

    # then: the next working day after the whole holiday
    assert end == expected
    assert is_working_day(end)
    assert not any(is_working_day(tet + timedelta(days=i)) for i in range((end - tet).days))


def test_every_day_of_tet_2026_moves_the_end_to_monday_23_2():
    # given: the days off of Tết 2026, 14/2 to 22/2
    days_off = [date(2026, 2, 14) + timedelta(days=i) for i in range(9)]

    # when / then: whichever of them a 10-day period lands on, it ends on Monday 23/2
    for day in days_off:
        assert period_end(_landing_on(day), _days(10)) == date(2026, 2, 23), day


def test_a_period_in_working_days_across_tet_counts_working_days_only():
    # given: Wednesday 22/1/2025, before Tết 2025
    start = date(2025, 1, 22)

    # when
    end = period_end(start, Period(length=5, day_kind=DayKind.WORKING))

    # then: 23/1, 24/1, then 3/2, 4/2, 5/2 (the same as the working-day arithmetic)
    assert end == date(2025, 2, 5) == add_working_days(start, 5)


# --- Hùng Kings' day -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Monday 7/4/2025
        (2025, date(2025, 4, 8)),
        # Sunday 26/4/2026, observed on Monday 27/4
        (2026, date(2026, 4, 28)),
        # Friday 16/4/2027, then the weekend
        (2027, date(2027, 4, 19)),
    ],
)
def test_a_period_ending_on_hung_kings_day_ends_on_the_next_working_day(year, expected):
    # given
    day = _holiday(year, HUNG_KINGS)
    assert not is_working_day(day)

    # when
    end = period_end(_landing_on(day), _days(10))

    # then
    assert end == expected


# --- 30/4 - 1/5 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "name", "expected"),
    [
        # 2024: 29/4 (swapped from Saturday 4/5), 30/4 and 1/5 off
        (2024, REUNIFICATION, date(2024, 5, 2)),
        # 2025: 30/4, 1/5, 2/5 (swapped from Saturday 26/4), then the weekend
        (2025, REUNIFICATION, date(2025, 5, 5)),
        # 2026: Thursday 30/4, Friday 1/5, then the weekend
        (2026, REUNIFICATION, date(2026, 5, 4)),
        (2026, LABOUR_DAY, date(2026, 5, 4)),
        # 2027: 1/5 is a Saturday, observed on Monday 3/5
        (2027, LABOUR_DAY, date(2027, 5, 4)),
    ],
)
def test_a_period_ending_on_30_4_or_1_5_ends_after_the_holiday(year, name, expected):
    # given
    day = _holiday(year, name)
    assert not is_working_day(day)

    # when
    end = period_end(_landing_on(day), _days(10))

    # then
    assert end == expected


def test_a_period_ending_on_the_swapped_day_off_of_29_4_2024_ends_on_2_5():
    # given: Monday 29/4/2024 is a day off swapped from Saturday 4/5
    assert not is_working_day(date(2024, 4, 29))

    # when / then
    assert period_end(_landing_on(date(2024, 4, 29)), _days(10)) == date(2024, 5, 2)


def test_a_period_ending_on_a_make_up_saturday_of_the_package_ends_that_day():
    # given: Saturday 26/4/2025 is a working day (swapped with Friday 2/5)
    assert is_working_day(date(2025, 4, 26))

    # when / then: the last day is a working day, so the period ends on it
    assert period_end(_landing_on(date(2025, 4, 26)), _days(10)) == date(2025, 4, 26)


# --- 2/9 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("landing", "expected"),
    [
        # 2024: Monday 2/9 and Tuesday 3/9
        (date(2024, 9, 2), date(2024, 9, 4)),
        # 2025 (Labour Code as amended: 2/9 and a day before or after): Monday 1/9, Tuesday 2/9
        (date(2025, 9, 1), date(2025, 9, 3)),
        (date(2025, 9, 2), date(2025, 9, 3)),
        # 2026: Monday 31/8 (swapped from Saturday 22/8), Tuesday 1/9, Wednesday 2/9
        (date(2026, 8, 31), date(2026, 9, 3)),
        (date(2026, 9, 2), date(2026, 9, 3)),
        # 2027: Thursday 2/9, Friday 3/9, then the weekend
        (date(2027, 9, 2), date(2027, 9, 6)),
        (date(2027, 9, 3), date(2027, 9, 6)),
    ],
)
def test_a_period_ending_on_national_day_ends_on_the_next_working_day(landing, expected):
    # given: the day the count lands on is a day off in the package
    assert not is_working_day(landing)

    # when
    end = period_end(_landing_on(landing), _days(10))

    # then
    assert end == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, date(2024, 9, 4)),
        (2025, date(2025, 9, 3)),
        (2026, date(2026, 9, 3)),
        (2027, date(2027, 9, 6)),
    ],
)
def test_a_period_ending_on_the_first_national_day_holiday_of_the_year(year, expected):
    # given: the first day the package names National Day (2/9, or 1/9 from 2025)
    day = _holiday(year, NATIONAL_DAY)
    assert day.month == 9
    assert day.day in (1, 2)

    # when
    end = period_end(_landing_on(day), _days(10))

    # then
    assert end == expected


# --- months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "corresponding"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # February has no 31st
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a leap year
        (date(2025, 3, 31), 1, date(2025, 4, 30)),  # April has no 31st
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        (date(2025, 8, 31), 3, date(2025, 11, 30)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),  # across the year
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 1, 15), 12, date(2026, 1, 15)),
    ],
)
def test_the_corresponding_day_of_the_last_month(start, months, corresponding):
    assert add_months(start, months) == corresponding


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # 28/2/2025 is a Friday: the period ends on it
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        # 29/2/2024 is a Thursday
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        # 31/3 + 1 month is 30/4/2025, a holiday: 30/4, 1/5, 2/5 off, then the weekend
        (date(2025, 3, 31), 1, date(2025, 5, 5)),
        # 30/6/2025 is a Monday
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        # 30/11/2025 is a Sunday
        (date(2025, 8, 31), 3, date(2025, 12, 1)),
        # 28/2/2026 is a Saturday
        (date(2025, 12, 31), 2, date(2026, 3, 2)),
        # 15/2/2025 is a Saturday
        (date(2025, 1, 15), 1, date(2025, 2, 17)),
        # 17/2/2026 is the first day of the lunar year
        (date(2025, 12, 17), 2, date(2026, 2, 23)),
        # 2/9/2027 is National Day, 3/9 too, then the weekend
        (date(2027, 6, 2), 3, date(2027, 9, 6)),
    ],
)
def test_a_period_in_months_ends_on_the_corresponding_day_or_the_next_working_day(
    start, months, expected
):
    # when
    end = period_end(start, _months(months))

    # then
    assert end == expected
    assert add_days(start, months, DayKind.MONTHS, end_on_working_day=True) == expected


def test_add_days_in_months_without_the_move_gives_the_corresponding_day():
    assert add_days(date(2025, 3, 31), 1, DayKind.MONTHS) == date(2025, 4, 30)


# --- the calendar's overrides --------------------------------------------------------------


def test_a_bridging_day_off_declared_by_an_override_moves_the_end():
    # given: 10 calendar days from 23/12/2025 land on Friday 2/1/2026, a working day in the
    # package; an official decision gives 2/1 off (a bridge after New Year's Day)
    start = date(2025, 12, 23)
    assert period_end(start, _days(10)) == date(2026, 1, 2)

    # when
    _override(date(2026, 1, 2), OverrideKind.DAY_OFF)

    # then: Friday off, then the weekend: the period ends on Monday 5/1
    assert period_end(start, _days(10)) == date(2026, 1, 5)


def test_a_make_up_working_saturday_declared_by_an_override_ends_the_period_that_day():
    # given: 10 calendar days from 31/12/2025 land on Saturday 10/1/2026
    start = date(2025, 12, 31)
    assert period_end(start, _days(10)) == date(2026, 1, 12)

    # when: Saturday 10/1 is declared a working day to make up for Friday 2/1
    _override(date(2026, 1, 10), OverrideKind.WORKING_DAY)

    # then
    assert period_end(start, _days(10)) == date(2026, 1, 10)


def test_an_override_that_makes_a_package_holiday_a_working_day_is_followed():
    # given: 10 calendar days land on Tuesday 2/9/2025, a holiday in the package
    start = date(2025, 8, 23)
    assert period_end(start, _days(10)) == date(2025, 9, 3)

    # when: the day is declared a working day (e.g. a correction to the package's data)
    _override(date(2025, 9, 2), OverrideKind.WORKING_DAY)

    # then
    assert period_end(start, _days(10)) == date(2025, 9, 2)


def test_many_periods_with_the_overrides_read_once_agree_with_one_at_a_time():
    # given: a bridging day off and a make-up Saturday
    _override(date(2026, 1, 2), OverrideKind.DAY_OFF)
    _override(date(2026, 1, 10), OverrideKind.WORKING_DAY)
    calendar = WorkingCalendar()
    cases = [
        (date(2025, 12, 23), _days(10)),
        (date(2025, 12, 31), _days(10)),
        (date(2025, 12, 2), _months(1)),
        (date(2025, 12, 30), Period(length=3, day_kind=DayKind.WORKING)),
    ]

    # when / then
    for start, period in cases:
        assert calendar.period_end(start, period) == period_end(start, period), (start, period)
    assert calendar.period_end(date(2025, 12, 2), _months(1)) == date(2026, 1, 5)


# --- a clock that stood still --------------------------------------------------------------


def test_paused_days_lengthen_a_period_in_months_by_calendar_days():
    # given: one month from 15/1/2025 is Saturday 15/2, so Monday 17/2
    assert period_end(date(2025, 1, 15), _months(1)) == date(2025, 2, 17)

    # when / then: 3 days paused: 18/2 (a Tuesday)
    assert period_end(date(2025, 1, 15), _months(1), paused_days=3) == date(2025, 2, 18)
    # 1 day paused: 16/2, a Sunday, so still Monday 17/2
    assert period_end(date(2025, 1, 15), _months(1), paused_days=1) == date(2025, 2, 17)


def test_the_pure_function_reads_nothing_but_the_overrides_it_is_given():
    # given: an override in the database, not passed in
    _override(date(2026, 1, 2), OverrideKind.DAY_OFF)

    # when / then: the arithmetic only knows what it is given
    assert period_end_with(date(2025, 12, 23), 10, DayKind.CALENDAR, {}) == date(2026, 1, 2)
    given = {date(2026, 1, 2): OverrideKind.DAY_OFF.value}
    assert period_end_with(date(2025, 12, 23), 10, DayKind.CALENDAR, given) == date(2026, 1, 5)
