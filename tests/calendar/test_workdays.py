"""Working days against the holidays package's Vietnamese data for 2024-2026.

Every expected date below was read from
``holidays.country_holidays("VN", years=2024..2026)`` (holidays 0.109) and a calendar.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from approvals.calendar.choices import DayKind
from approvals.calendar.workdays import (
    add_calendar_days,
    add_days,
    add_working_days,
    days_between,
    holiday_name,
    is_working_day,
    next_working_day,
    public_holidays,
    working_days_between,
)

pytestmark = pytest.mark.django_db


# --- Tết -----------------------------------------------------------------------------------


def test_tet_2025_days_off_run_from_saturday_25_1_to_sunday_2_2():
    # given: Tết 2025 is Mon 27/1 - Sat 1/2 in the package, between two weekends
    days = [date(2025, 1, 24) + timedelta(days=offset) for offset in range(11)]  # 24/1 .. 3/2

    # when
    working = [day for day in days if is_working_day(day)]

    # then
    assert working == [date(2025, 1, 24), date(2025, 2, 3)]


def test_adding_working_days_across_tet_2025_skips_the_holiday_and_weekends():
    # given: Wednesday 22/1/2025
    start = date(2025, 1, 22)

    # when
    due = add_working_days(start, 5)

    # then: 23/1, 24/1, then nothing until Monday 3/2, 4/2, 5/2
    assert due == date(2025, 2, 5)
    assert add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1


def test_adding_working_days_across_tet_2026_skips_14_2_to_22_2():
    # given: Tuesday 10/2/2026; the package has Tết Mon 16/2 - Fri 20/2, weekends either side
    start = date(2026, 2, 10)

    # when
    due = add_working_days(start, 10)

    # then: 11, 12, 13/2, then 23, 24, 25, 26, 27/2, 2/3, 3/3
    assert due == date(2026, 3, 3)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


# --- 30/4 - 1/5, make-up Saturdays ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # 2024: 29/4 is the day off swapped from Saturday 4/5; 30/4, 1/5 holidays
        (date(2024, 4, 26), date(2024, 5, 2)),
        # 2025: 30/4 Wed, 1/5 Thu, 2/5 Fri (swapped from Saturday 26/4), then the weekend
        (date(2025, 4, 29), date(2025, 5, 5)),
        # 2026: 30/4 Thu, 1/5 Fri, then the weekend
        (date(2026, 4, 29), date(2026, 5, 4)),
    ],
)
def test_reunification_and_labour_day_are_skipped(start, expected):
    # when
    result = next_working_day(start)

    # then
    assert result == expected


@pytest.mark.parametrize("saturday", [date(2024, 5, 4), date(2025, 4, 26), date(2026, 8, 22)])
def test_make_up_saturday_counts_as_a_working_day(saturday):
    # given: a Saturday the government made a working day in exchange for a weekday off
    assert saturday.weekday() == 5

    # when / then
    assert is_working_day(saturday)
    assert add_working_days(saturday - timedelta(days=1), 1) == saturday


def test_make_up_saturday_26_4_2025_is_counted_when_adding_working_days():
    # given: Friday 25/4/2025; Saturday 26/4 is worked, Sunday 27/4 is not
    start = date(2025, 4, 25)

    # when
    counted = working_days_between(start, date(2025, 5, 5))

    # then: 26/4 (Sat), 28/4, 29/4, then 5/5; 30/4 - 4/5 are off
    assert counted == 4
    assert add_working_days(start, 4) == date(2025, 5, 5)


# --- Hùng Kings, National Day, Vietnam Cultural Day ----------------------------------------


def test_hung_kings_day_on_sunday_2026_is_observed_on_monday():
    # given / when / then
    assert not is_working_day(date(2026, 4, 27))
    assert next_working_day(date(2026, 4, 24)) == date(2026, 4, 28)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # 2024: 2/9 Mon and 3/9 Tue
        (date(2024, 8, 30), date(2024, 9, 4)),
        # 2025: 1/9 Mon and 2/9 Tue
        (date(2025, 8, 29), date(2025, 9, 3)),
        # 2026: 31/8 Mon (swapped from Saturday 22/8), 1/9 Tue, 2/9 Wed
        (date(2026, 8, 28), date(2026, 9, 3)),
    ],
)
def test_national_day_and_its_adjacent_day_are_skipped(start, expected):
    # when
    result = add_working_days(start, 1)

    # then
    assert result == expected


def test_vietnam_cultural_day_24_11_2026_is_a_day_off():
    # given / when / then: the package lists 24/11 from 2026
    assert not is_working_day(date(2026, 11, 24))
    assert add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)
    assert is_working_day(date(2025, 11, 24))


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # 261 weekdays; 12 on holidays (1/1, 27-31/1, 7/4, 30/4, 1/5, 2/5, 1/9, 2/9); +26/4
        (2025, 250),
        # 261 weekdays; 13 on holidays (1/1, 16-20/2, 27/4, 30/4, 1/5, 31/8, 1/9, 2/9, 24/11);
        # +22/8
        (2026, 249),
    ],
)
def test_working_days_in_a_year(year, expected):
    # given
    new_years_eve = date(year - 1, 12, 31)

    # when
    counted = working_days_between(new_years_eve, date(year, 12, 31))

    # then
    assert counted == expected


# --- names ---------------------------------------------------------------------------------


def test_holiday_names_are_vietnamese_by_default():
    # given / when / then
    assert holiday_name(date(2025, 1, 29)) == "Tết Nguyên Đán"
    assert holiday_name(date(2025, 9, 2)) == "Quốc khánh"
    assert holiday_name(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    assert holiday_name(date(2025, 1, 29), language="en_US") == "Lunar New Year"
    assert holiday_name(date(2025, 3, 12)) is None


def test_holiday_objects_are_built_once_per_year():
    # given / when / then
    assert public_holidays(2025) is public_holidays(2025)
    assert public_holidays(2025) is not public_holidays(2026)


# --- semantics -----------------------------------------------------------------------------


def test_zero_working_days_from_a_working_day_is_that_day():
    # given / when / then
    assert add_working_days(date(2025, 3, 12), 0) == date(2025, 3, 12)


def test_zero_working_days_from_a_day_off_is_the_next_working_day():
    # given: Saturday 25/1/2025, at the start of Tết
    # when / then
    assert add_working_days(date(2025, 1, 25), 0) == date(2025, 2, 3)


def test_negative_working_days_count_back():
    # given: Monday 3/2/2025, the first working day after Tết
    # when / then
    assert add_working_days(date(2025, 2, 3), -1) == date(2025, 1, 24)


def test_working_days_between_is_negative_backwards_and_inverts_adding():
    # given
    start, end = date(2025, 1, 20), date(2025, 2, 10)

    # when
    forward = working_days_between(start, end)

    # then
    assert working_days_between(end, start) == -forward
    assert add_working_days(start, forward) == end
    assert working_days_between(start, start) == 0


def test_calendar_days_count_every_day():
    # given / when / then: 10 calendar days from 25/1/2025 run through Tết
    assert add_calendar_days(date(2025, 1, 25), 10) == date(2025, 2, 4)
    assert add_days(date(2025, 1, 25), 10, DayKind.CALENDAR) == date(2025, 2, 4)
    assert days_between(date(2025, 1, 25), date(2025, 2, 4), DayKind.CALENDAR) == 10


def test_calendar_days_ending_on_a_day_off_can_move_to_the_next_working_day():
    # given: 10 calendar days from 20/1/2025 end on Thursday 30/1, during Tết
    start = date(2025, 1, 20)

    # when
    plain = add_calendar_days(start, 10)
    rolled = add_calendar_days(start, 10, end_on_working_day=True)

    # then
    assert plain == date(2025, 1, 30)
    assert rolled == date(2025, 2, 3)


def test_add_days_with_working_kind_counts_working_days():
    # given / when / then
    assert add_days(date(2025, 1, 24), 1, DayKind.WORKING) == date(2025, 2, 3)
    assert add_days(date(2025, 1, 24), 1, "working") == date(2025, 2, 3)


# --- queries -------------------------------------------------------------------------------


def test_adding_60_working_days_reads_the_overrides_in_one_query(django_assert_max_num_queries):
    # given: a span that crosses Tết 2026
    start = date(2026, 1, 5)

    # when / then
    with django_assert_max_num_queries(1):
        due = add_working_days(start, 60)
    assert working_days_between(start, due) == 60


def test_counting_a_year_of_working_days_uses_one_query(django_assert_num_queries):
    # given / when / then
    with django_assert_num_queries(1):
        working_days_between(date(2024, 12, 31), date(2025, 12, 31))
