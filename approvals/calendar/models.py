"""Project-side calendar overrides and pausable deadlines."""

from __future__ import annotations

import datetime
import time
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.calendar.choices import DayKind, OverrideKind
from approvals.calendar.daymath import Overrides, days_between


class CalendarOverride(models.Model):
    """One day whose status differs from the public-holiday package: a day off or a working day.

    An override wins over weekends and over the package's holidays and swap days.
    """

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OverrideKind.choices)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        help_text=_("Why the day is different, e.g. the decision that declared it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OverrideKind.values),
                name="calendaroverride_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.get_kind_display()}"


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    """Filters over deadlines; none of them needs the calendar."""

    def for_subject(self, *, subject_type: str, subject_id: str) -> DeadlineQuerySet:
        """Deadlines of one object, given as ``"app_label.model"`` and its primary key."""
        return self.filter(subject_type=subject_type, subject_id=str(subject_id))

    def open(self) -> DeadlineQuerySet:
        """Deadlines not completed yet (running or paused)."""
        return self.filter(completed_on__isnull=True)

    def running(self) -> DeadlineQuerySet:
        """Deadlines whose clock runs: not completed and not paused."""
        return self.open().filter(paused_on__isnull=True)

    def overdue_on(self, day: datetime.date) -> DeadlineQuerySet:
        """Running deadlines whose due day is before ``day``."""
        return self.running().filter(due_on__lt=day)


#: Every override, as read within the last ``APPROVALS_RULES_CACHE_SECONDS``: (when, rows).
_OVERRIDES: list[tuple[float, dict[datetime.date, str]]] = []


def overrides_cache_clear(**_kwargs: object) -> None:
    """Forget the overrides this process remembers (on any change to one)."""
    _OVERRIDES.clear()


def overrides_by_day(
    *, first: datetime.date | None = None, last: datetime.date | None = None
) -> Overrides:
    """Overrides between ``first`` and ``last`` (both included, open when None), one query.

    With the setting ``APPROVALS_RULES_CACHE_SECONDS`` above 0 every override (a handful a
    year) is read once and kept that long in this process, like the rules: an override
    saved through Django clears the copy here, other processes see it when theirs
    expires. Callers only look days up, so the whole table answers for any range.
    Here rather than in a selector module because :meth:`Deadline.remaining` reads it.
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


class Deadline(models.Model):
    """A time limit on one step of one object, whose clock can pause and resume.

    ``due_on`` is always the end of ``length`` units of ``day_kind`` counted after
    ``started_on``, lengthened by ``paused_days_total`` (the clock stops while the object
    is back with its drafter), as :func:`approvals.calendar.periods.period_end` counts it.
    Change it only through ``approvals.calendar.services``.
    """

    subject_type = models.CharField(
        _("subject type"),
        max_length=100,
        help_text=_('The kind of object, as "app_label.model".'),
    )
    subject_id = models.CharField(_("subject id"), max_length=64)
    purpose = models.CharField(
        _("purpose"),
        max_length=64,
        help_text=_('The step the time limit applies to, e.g. "division_review".'),
    )
    day_kind = models.CharField(_("kind of days"), max_length=16, choices=DayKind.choices)
    length = models.PositiveIntegerField(
        _("length"), help_text=_("In the unit of the kind of days: days or months.")
    )
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"))
    paused_on = models.DateField(_("paused on"), null=True, blank=True)
    paused_days_total = models.PositiveIntegerField(
        _("days paused"),
        default=0,
        help_text=_(
            "Days of the deadline's kind spent paused so far (calendar days for a deadline "
            "in months)."
        ),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[DeadlineQuerySet] = DeadlineQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            models.Index(fields=["completed_on", "due_on"], name="deadline_open_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_kind__in=DayKind.values),
                name="deadline_day_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("started_on")),
                name="deadline_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(paused_on__isnull=True) | Q(paused_on__gte=models.F("started_on")),
                name="deadline_paused_after_start",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="deadline_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.purpose} → {self.due_on:%d/%m/%Y}"

    @property
    def is_paused(self) -> bool:
        """Whether the clock is stopped (the object is back with its drafter)."""
        return self.paused_on is not None and self.completed_on is None

    @property
    def is_completed(self) -> bool:
        """Whether the step was done and the deadline closed."""
        return self.completed_on is not None

    def is_overdue(self, on: datetime.date) -> bool:
        """Whether the clock runs and ``on`` is after the due day."""
        return not self.is_completed and not self.is_paused and on > self.due_on

    def remaining(self, on: datetime.date) -> int:
        """Days of the deadline's kind left after ``on`` up to the due day; negative when late.

        A paused deadline keeps what was left on the day it paused; a completed one what was
        left on the day it was completed. Working days read the calendar (one query).
        """
        if self.completed_on is not None:
            on = self.completed_on
        elif self.paused_on is not None:
            on = self.paused_on
        return days_between(on, self.due_on, DayKind(self.day_kind), overrides_by_day)
