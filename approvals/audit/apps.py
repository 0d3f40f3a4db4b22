from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Hash-chained, append-only audit trail and signatures over exact content."""

    name = "approvals.audit"
    label = "approvals_audit"
    verbose_name = _("Audit trail and signatures")
    default_auto_field = "django.db.models.BigAutoField"
