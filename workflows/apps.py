from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    """The movement's processes, built on the approval engine."""

    name = "workflows"
    label = "workflows"
    verbose_name = _("Movement processes")
    default_auto_field = "django.db.models.BigAutoField"
