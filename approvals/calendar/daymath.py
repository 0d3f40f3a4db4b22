"""Working-day arithmetic over overrides the caller has read: no database access here.

Public holidays, the government's swap days and its make-up Saturdays come from the
``holidays`` package (one object per year, built once per process). An override (a
``CalendarOverride`` row, passed in as ``{day: kind}``) wins over the package.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Mapping
from typing import Protocol

import holidays

from approvals.calendar.choices import DayKind, OverrideKind

#: ISO code of the country whose public holidays apply.
COUNTRY_CODE = "VN"
#: Language of holiday names unless another is asked for ("vi", "en_US" or "th").
DEFAULT_LANGUAGE = "vi"

#: The overrides a computation uses: day → ``OverrideKind`` value.
Overrides = Mapping[datetime.date, str]

ONE_DAY = datetime.timedelta(days=1)


class OverridesReader(Protocol):
    """Reads the overrides between ``first`` and ``last`` (both included, open when None)."""

    def __call__(
        self, *, first: datetime.date | None = None, last: datetime.date | None = None
    ) -> Overrides: ...


@functools.lru_cache(maxsize=256)
def public_holidays(year: int, *, language: str = DEFAULT_LANGUAGE) -> holidays.HolidayBase:
    """The package's public holidays of one year (observed days included), built once."""
    # expand=False: a cached object shared between threads must never grow on lookup.
    return holidays.country_holidays(
        COUNTRY_CODE, years=year, observed=True, expand=False, language=language
    )


def holiday_name(day: datetime.date, *, language: str = DEFAULT_LANGUAGE) -> str | None:
    """The public holiday's name on ``day`` (Vietnamese by default), or None.

    Only the package is read: an override's reason is on the ``CalendarOverride`` itself.
    """
    name = public_holidays(day.year, language=language).get(day)
    return str(name) if name is not None else None


def is_working_day_with(day: datetime.date, overrides: Overrides) -> bool:
    """Decide one day from ``overrides``, then the package (weekends, holidays, swaps)."""
    kind = overrides.get(day)
    if kind is not None:
        return kind == OverrideKind.WORKING_DAY
    return bool(public_holidays(day.year).is_working_day(day))


def walk(start: datetime.date, n: int, overrides: Overrides) -> datetime.date:
    """The n-th working day after ``start`` (before it when n < 0; n = 0 rolls forward)."""
    step = ONE_DAY if n >= 0 else -ONE_DAY
    day = start
    if n == 0:
        while not is_working_day_with(day, overrides):
            day += step
        return day
    left = abs(n)
    while left:
        day += step
        if is_working_day_with(day, overrides):
            left -= 1
    return day


def count_working_days(start: datetime.date, end: datetime.date, overrides: Overrides) -> int:
    """The number of working days in (start, end]; negative when ``end`` is before ``start``.

    ``overrides`` must cover the days between the earlier and the later date.
    """
    if end < start:
        return -count_working_days(end, start, overrides)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day_with(day, overrides):
            count += 1
        day += ONE_DAY
    return count


def days_between(
    start: datetime.date, end: datetime.date, kind: DayKind | str, read: OverridesReader
) -> int:
    """The number of days of ``kind`` in (start, end]; negative when ``end`` is before ``start``.

    Working days read the overrides of the days counted with ``read`` (once); calendar
    days, and the days of a period in months, read nothing.
    """
    if DayKind(kind) != DayKind.WORKING:
        return (end - start).days
    low, high = (start, end) if start <= end else (end, start)
    return count_working_days(start, end, read(first=low + ONE_DAY, last=high))


def add_months(day: datetime.date, n: int) -> datetime.date:
    """The day corresponding to ``day`` ``n`` months later (earlier when n < 0).

    When that month has no such day (31/1 plus one month), its last day (28/2 or 29/2).
    """
    months = day.year * 12 + day.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def period_end_with(
    start: datetime.date,
    length: int,
    kind: DayKind | str,
    overrides: Overrides,
    *,
    paused_days: int = 0,
) -> datetime.date:
    """The last day of a period of ``length`` units of ``kind`` starting after ``start``.

    Bộ luật Dân sự 2015 Điều 147-148: the day of ``start`` is not counted; a period in
    calendar days ends on its last day, one in months on the corresponding day of its
    last month (the month's last day when it has no such day); when that day is a
    weekend, a public holiday or an override's day off, the period ends on the next
    working day (a make-up working day is a working day). A period in working days counts
    working days only, so it always ends on one. ``paused_days``: days the clock stood
    still, in the period's days (calendar days for a period in months), added to it.
    ``overrides`` must cover the days from ``start`` to the end.
    """
    unit = DayKind(kind)
    if unit == DayKind.WORKING:
        return walk(start, length + paused_days, overrides)
    if unit == DayKind.MONTHS:
        last = add_months(start, length) + datetime.timedelta(days=paused_days)
    else:
        last = start + datetime.timedelta(days=length + paused_days)
    return walk(last, 0, overrides)
