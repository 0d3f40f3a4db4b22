from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders before a step is due, escalation when it is overdue, and the site's inbox."""

    name = "approvals.notifications"
    label = "approvals_notifications"
    verbose_name = _("Reminders and notifications")
    default_auto_field = "django.db.models.BigAutoField"
