"""Working days in Vietnam: weekends, public holidays and project-side overrides.

Public holidays, the government's swap days and its make-up Saturdays come from the
``holidays`` package (one object per year, built once per process). A
``CalendarOverride`` row wins over the package: a one-off day off decided later, or an
extra working day. Every function reads the overrides it needs in one query.

Counting follows the usual rule for time limits: the day of the event is not counted,
so ``add_working_days(start, n)`` is the n-th working day *after* ``start``.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Mapping

import holidays
from django.conf import settings

from approvals.calendar.choices import DayKind, OverrideKind
from approvals.calendar.models import CalendarOverride

__all__ = [
    "COUNTRY_CODE",
    "DayKind",
    "add_calendar_days",
    "add_days",
    "add_working_days",
    "days_between",
    "holiday_name",
    "is_working_day",
    "next_working_day",
    "public_holidays",
    "working_days_between",
]

#: ISO code of the country whose public holidays apply.
COUNTRY_CODE = "VN"
#: Language of holiday names unless another is asked for ("vi", "en_US" or "th").
DEFAULT_LANGUAGE = "vi"

_ONE_DAY = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=256)
def public_holidays(year: int, *, language: str = DEFAULT_LANGUAGE) -> holidays.HolidayBase:
    """The package's public holidays of one year (observed days included), built once."""
    # expand=False: a cached object shared between threads must never grow on lookup.
    return holidays.country_holidays(
        COUNTRY_CODE, years=year, observed=True, expand=False, language=language
    )


def _is_working_day(day: datetime.date, overrides: Mapping[datetime.date, str]) -> bool:
    """Decide one day from loaded overrides, then the package (weekends, holidays, swaps)."""
    kind = overrides.get(day)
    if kind is not None:
        return kind == OverrideKind.WORKING_DAY
    return bool(public_holidays(day.year).is_working_day(day))


#: Every override, as read within the last ``APPROVALS_RULES_CACHE_SECONDS``: (when, rows).
_OVERRIDES: list[tuple[float, dict[datetime.date, str]]] = []


def overrides_cache_clear(**_kwargs: object) -> None:
    """Forget the overrides this process remembers (on any change to one)."""
    _OVERRIDES.clear()


def _load_overrides(
    *, first: datetime.date | None = None, last: datetime.date | None = None
) -> Mapping[datetime.date, str]:
    """Overrides between ``first`` and ``last`` (both included, open when None), one query.

    With the setting ``APPROVALS_RULES_CACHE_SECONDS`` above 0 every override (a handful a
    year) is read once and kept that long in this process, like the rules: an override
    saved through Django clears the copy here, other processes see it when theirs
    expires. Callers only look days up, so the whole table answers for any range.
    """
    ttl = float(getattr(settings, "APPROVALS_RULES_CACHE_SECONDS", 0) or 0)
    if ttl > 0:
        if _OVERRIDES and time.monotonic() - _OVERRIDES[0][0] < ttl:
            return _OVERRIDES[0][1]
        every = dict(CalendarOverride.objects.values_list("day", "kind"))
        _OVERRIDES[:] = [(time.monotonic(), every)]
        return every
    rows = CalendarOverride.objects.all()
    if first is not None:
        rows = rows.filter(day__gte=first)
    if last is not None:
        rows = rows.filter(day__lte=last)
    return dict(rows.values_list("day", "kind"))


def _walk(start: datetime.date, n: int, overrides: Mapping[datetime.date, str]) -> datetime.date:
    """The n-th working day after ``start`` (before it when n < 0; n = 0 rolls forward)."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day = start
    if n == 0:
        while not _is_working_day(day, overrides):
            day += step
        return day
    left = abs(n)
    while left:
        day += step
        if _is_working_day(day, overrides):
            left -= 1
    return day


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day (one query for a possible override)."""
    return _is_working_day(day, _load_overrides(first=day, last=day))


def holiday_name(day: datetime.date, *, language: str = DEFAULT_LANGUAGE) -> str | None:
    """The public holiday's name on ``day`` (Vietnamese by default), or None.

    Only the package is read: an override's reason is on the ``CalendarOverride`` itself.
    """
    name = public_holidays(day.year, language=language).get(day)
    return str(name) if name is not None else None


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start``.

    ``n = 0`` gives ``start`` if it is a working day, else the next working day; a
    negative ``n`` counts back, giving the |n|-th working day before ``start``.
    """
    overrides = _load_overrides(first=start) if n >= 0 else _load_overrides(last=start)
    return _walk(start, n, overrides)


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
    """``n`` days of ``kind`` after ``start`` (see ``add_working_days``/``add_calendar_days``)."""
    if DayKind(kind) == DayKind.WORKING:
        return add_working_days(start, n)
    return add_calendar_days(start, n, end_on_working_day=end_on_working_day)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    overrides = _load_overrides(first=start + _ONE_DAY, last=end)
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if _is_working_day(day, overrides):
            count += 1
        day += _ONE_DAY
    return count


def days_between(start: datetime.date, end: datetime.date, kind: DayKind | str) -> int:
    """The number of days of ``kind`` in (start, end]; negative when ``end`` is before ``start``."""
    if DayKind(kind) == DayKind.WORKING:
        return working_days_between(start, end)
    return (end - start).days
