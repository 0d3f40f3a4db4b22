from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    """Households and (later) title nominations."""

    name = "workflows.nominations"
    label = "nominations"
    verbose_name = _("Title nominations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Load the flow (and its process model) whatever the entry point: site, command, test."""
        from workflows import history_labels
        from workflows.nominations import flows, handover, jobs, notifications, paper_models

        del flows, paper_models  # imported for their models
        jobs.register()
        notifications.register()
        handover.register()
        history_labels.register()
        _register_decision_jobs()


def _register_decision_jobs() -> None:
    """The background jobs of large recognition decisions."""
    from workflows.nominations import jobs_decisions

    jobs_decisions.register_kinds()
