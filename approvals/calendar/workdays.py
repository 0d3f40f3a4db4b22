"""Working days in Vietnam: weekends, public holidays and project-side overrides.

Public holidays, the government's swap days and its make-up Saturdays come from the
``holidays`` package (one object per year, built once per process). A
``CalendarOverride`` row wins over the package: a one-off day off decided later, or an
extra working day. Every function reads the overrides it needs in one query; the
arithmetic itself is in :mod:`approvals.calendar.daymath`.

Counting follows the usual rule for time limits: the day of the event is not counted,
so ``add_working_days(start, n)`` is the n-th working day *after* ``start``. A legal
period (with the Civil Code's move of a last day off) is :mod:`approvals.calendar.periods`.
"""

from __future__ import annotations

import datetime

from approvals.calendar import daymath
from approvals.calendar.choices import DayKind
from approvals.calendar.daymath import (
    COUNTRY_CODE,
    DEFAULT_LANGUAGE,
    holiday_name,
    is_working_day_with,
    public_holidays,
    walk,
)
from approvals.calendar.models import overrides_by_day, overrides_cache_clear

__all__ = [
    "COUNTRY_CODE",
    "DEFAULT_LANGUAGE",
    "DayKind",
    "add_calendar_days",
    "add_days",
    "add_working_days",
    "days_between",
    "holiday_name",
    "is_working_day",
    "next_working_day",
    "overrides_cache_clear",
    "public_holidays",
    "working_days_between",
]


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day (one query for a possible override)."""
    return is_working_day_with(day, overrides_by_day(first=day, last=day))


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start``.

    ``n = 0`` gives ``start`` if it is a working day, else the next working day; a
    negative ``n`` counts back, giving the |n|-th working day before ``start``.
    """
    overrides = overrides_by_day(first=start) if n >= 0 else overrides_by_day(last=start)
    return walk(start, n, overrides)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day after ``day``."""
    return add_working_days(day, 1)


def add_calendar_days(
    start: datetime.date, n: int, *, end_on_working_day: bool = False
) -> datetime.date:
    """``start`` plus ``n`` days.

    With ``end_on_working_day`` a result falling on a day off moves to the next working
    day (the rule for a time limit whose last day is a weekend or a holiday).
    """
    day = start + datetime.timedelta(days=n)
    if end_on_working_day:
        return add_working_days(day, 0)
    return day


def add_days(
    start: datetime.date, n: int, kind: DayKind | str, *, end_on_working_day: bool = False
) -> datetime.date:
    """``n`` units of ``kind`` after ``start`` (see ``add_working_days``/``add_calendar_days``).

    Plain arithmetic: a legal time limit is counted with
    :func:`approvals.calendar.periods.period_end`, which always applies Điều 148.
    """
    unit = DayKind(kind)
    if unit == DayKind.WORKING:
        return add_working_days(start, n)
    if unit == DayKind.MONTHS:
        day = daymath.add_months(start, n)
        return add_working_days(day, 0) if end_on_working_day else day
    return add_calendar_days(start, n, end_on_working_day=end_on_working_day)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days in (start, end]; negative when ``end`` is before ``start``."""
    return daymath.days_between(start, end, DayKind.WORKING, overrides_by_day)


def days_between(start: datetime.date, end: datetime.date, kind: DayKind | str) -> int:
    """The number of days of ``kind`` in (start, end]; negative when ``end`` is before ``start``."""
    return daymath.days_between(start, end, kind, overrides_by_day)
