"""Choices shared by the calendar's models and functions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """How the days of a time limit are counted."""

    CALENDAR = "calendar", _("Calendar days")  # every day counts
    WORKING = "working", _("Working days")  # weekends, public holidays and days off are skipped


class OverrideKind(models.TextChoices):
    """What a project-side calendar override makes of its day."""

    DAY_OFF = "day_off", _("Day off")  # e.g. a one-off day off decided after the package release
    WORKING_DAY = "working_day", _("Working day")  # e.g. a make-up Saturday
