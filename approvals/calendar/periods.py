"""Periods as the law counts them: Bộ luật Dân sự 2015 (91/2015/QH13), Điều 147-148.

Every time limit the engine sets (a posting, a decision's time limit, a step's clock, the
numbering after signature) ends on the day :func:`period_end` gives:

- the day of the event that starts the period is not counted (Điều 147);
- a period in calendar days ends at the end of its last day; one in months at the end of
  the corresponding day of its last month, or of that month's last day when it has no
  such day (Điều 148.1);
- when that last day is a weekend, a public holiday or a day off an override declares,
  the period ends at the end of the next working day (Điều 148.2); a make-up working
  Saturday is a working day;
- a period in working days ("ngày làm việc") counts working days only.

The unit comes from the rule (``{"length": 10, "day_kind": "calendar"}``; ``day_kind``
one of :class:`~approvals.calendar.choices.DayKind`). The arithmetic is
:func:`approvals.calendar.daymath.period_end_with`; this module reads the overrides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from approvals.calendar.choices import DayKind
from approvals.calendar.daymath import period_end_with
from approvals.calendar.models import overrides_by_day

__all__ = ["DayKind", "Period", "period_end"]


@dataclass(frozen=True)
class Period:
    """A length and its unit: calendar days, working days or months (a ``DayKind`` value)."""

    length: int
    day_kind: str

    @property
    def unit(self) -> DayKind:
        """The unit as a ``DayKind``."""
        return DayKind(self.day_kind)


def period_end(start: datetime.date, period: Period, *, paused_days: int = 0) -> datetime.date:
    """The last day of ``period`` counted after ``start`` (one query for the overrides).

    ``paused_days``: days the clock stood still, in the period's days (calendar days for a
    period in months); they lengthen the period.
    """
    return period_end_with(
        start,
        period.length,
        period.unit,
        overrides_by_day(first=start),
        paused_days=paused_days,
    )
