"""Working days for many computations at once: the overrides are read in one query.

``workdays`` reads the overrides it needs on every call; a job that walks the calendar
for hundreds of deadlines loads them once here instead (the table holds a few days a
year, so all of it is loaded).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from approvals.calendar.daymath import (
    count_working_days,
    is_working_day_with,
    period_end_with,
    walk,
)
from approvals.calendar.models import overrides_by_day

if TYPE_CHECKING:
    from approvals.calendar.periods import Period

__all__ = ["WorkingCalendar"]


class WorkingCalendar:
    """Weekends, public holidays and the project's overrides, loaded once."""

    def __init__(self) -> None:
        self._overrides = overrides_by_day()

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether ``day`` is a working day."""
        return is_working_day_with(day, self._overrides)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``start`` (before it when n < 0), as in ``workdays``."""
        return walk(start, n, self._overrides)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days in (start, end]; negative when ``end`` is earlier."""
        return count_working_days(start, end, self._overrides)

    def period_end(self, start: datetime.date, period: Period) -> datetime.date:
        """The last day of ``period`` counted after ``start``, as in ``periods.period_end``."""
        return period_end_with(start, period.length, period.unit, self._overrides)
