from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs with progress (approvals.jobs)."""

    name = "approvals.jobs"
    label = "approvals_jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"
