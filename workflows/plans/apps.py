from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Plans and the documents that travel the same road, from draft to closure."""

    name = "workflows.plans"
    label = "plans"
    verbose_name = _("Plans and documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Load the flow (and its process model) whatever the entry point: site, command, test."""
        from workflows import history_labels
        from workflows.plans import flows, handover, notifications

        del flows  # imported for its side effects
        notifications.register()
        handover.register()
        history_labels.register()
