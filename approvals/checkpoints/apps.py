from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    """Signed, timestamped checkpoints of the audit chains' heads, kept outside the database."""

    name = "approvals.checkpoints"
    label = "approvals_checkpoints"
    verbose_name = _("Audit checkpoints")
    default_auto_field = "django.db.models.BigAutoField"
