from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    """Emulation blocs (khối thi đua): covenants, cross-inspection, scoring, award proposals."""

    name = "workflows.emulation"
    label = "emulation"
    verbose_name = _("Emulation blocs")
    default_auto_field = "django.db.models.BigAutoField"
