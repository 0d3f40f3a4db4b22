from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    """Working-day calendar (weekends, Vietnamese public holidays, one-off days) and deadlines."""

    name = "approvals.calendar"
    label = "approvals_calendar"
    verbose_name = _("Calendar and deadlines")
    default_auto_field = "django.db.models.BigAutoField"
