"""Working days for many computations at once: the overrides are read in one query.

``workdays`` reads the overrides it needs on every call; a job that walks the calendar
for hundreds of deadlines loads them once here instead (the table holds a few days a
year, so all of it is loaded).
"""

from __future__ import annotations

import datetime

from approvals.calendar.workdays import _is_working_day, _load_overrides, _walk

__all__ = ["WorkingCalendar"]

_ONE_DAY = datetime.timedelta(days=1)


class WorkingCalendar:
    """Weekends, public holidays and the project's overrides, loaded once."""

    def __init__(self) -> None:
        self._overrides = _load_overrides()

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether ``day`` is a working day."""
        return _is_working_day(day, self._overrides)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``start`` (before it when n < 0), as in ``workdays``."""
        return _walk(start, n, self._overrides)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days in (start, end]; negative when ``end`` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if _is_working_day(day, self._overrides):
                count += 1
            day += _ONE_DAY
        return count
