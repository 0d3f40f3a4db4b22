from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExemplaryConfig(AppConfig):
    """Exemplary models (điển hình tiên tiến): proposal, verification, review, replication."""

    name = "workflows.exemplary"
    label = "exemplary"
    verbose_name = _("Exemplary models")
    default_auto_field = "django.db.models.BigAutoField"
