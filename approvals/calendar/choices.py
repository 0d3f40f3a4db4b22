"""Choices shared by the calendar's models and functions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """The unit a time limit is counted in (the ``day_kind`` of a period rule).

    Periods in calendar days and in months follow Bộ luật Dân sự 2015 Điều 147-148: a
    last day that is not a working day moves to the next working day (see
    :mod:`approvals.calendar.periods`).
    """

    CALENDAR = "calendar", _("Calendar days")  # every day counts
    WORKING = "working", _("Working days")  # weekends, public holidays and days off are skipped
    MONTHS = "months", _("Months")  # to the corresponding day of the last month


class OverrideKind(models.TextChoices):
    """What a project-side calendar override makes of its day."""

    DAY_OFF = "day_off", _("Day off")  # e.g. a one-off day off decided after the package release
    WORKING_DAY = "working_day", _("Working day")  # e.g. a make-up Saturday
