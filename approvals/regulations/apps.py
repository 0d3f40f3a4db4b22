from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulationsConfig(AppConfig):
    """Versioned rule sets: every threshold, period, deadline and deciding level."""

    name = "approvals.regulations"
    label = "approvals_rules"
    verbose_name = _("Regulations")
    default_auto_field = "django.db.models.BigAutoField"
