from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """The engine's root app: translations, shared commands."""

    name = "approvals"
    label = "approvals"
    verbose_name = _("Approval engine")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Limit to superusers the admin pages that declare no unit scope (those of
        third-party apps); the admin modules were all imported by the admin's own ready()."""
        from django.contrib import admin

        from approvals.admin import superuser_only_unscoped

        superuser_only_unscoped(admin.site)
