from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    """Working-day calendar (weekends, Vietnamese public holidays, one-off days) and deadlines."""

    name = "approvals.calendar"
    label = "approvals_calendar"
    verbose_name = _("Calendar and deadlines")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Clear the remembered overrides whenever one changes."""
        from django.db.models.signals import post_delete, post_save

        from approvals.calendar.models import CalendarOverride, overrides_cache_clear

        post_save.connect(overrides_cache_clear, sender=CalendarOverride, dispatch_uid="overrides")
        post_delete.connect(
            overrides_cache_clear, sender=CalendarOverride, dispatch_uid="overrides-del"
        )
