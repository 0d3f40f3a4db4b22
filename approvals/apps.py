from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """The engine's root app: translations, shared commands."""

    name = "approvals"
    label = "approvals"
    verbose_name = _("Approval engine")
    default_auto_field = "django.db.models.BigAutoField"
