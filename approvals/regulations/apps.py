from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulationsConfig(AppConfig):
    """Versioned rule sets: every threshold, period, deadline and deciding level."""

    name = "approvals.regulations"
    label = "approvals_rules"
    verbose_name = _("Regulations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Clear the remembered rule sets whenever a regulation, version or rule changes."""
        from django.db.models.signals import post_delete, post_save

        from approvals.regulations.models import Regulation, RegulationVersion, Rule
        from approvals.regulations.services import regulations_cache_clear

        for model in (Regulation, RegulationVersion, Rule):
            post_save.connect(
                regulations_cache_clear, sender=model, dispatch_uid=f"regulations-{model}"
            )
            post_delete.connect(
                regulations_cache_clear, sender=model, dispatch_uid=f"regulations-del-{model}"
            )
