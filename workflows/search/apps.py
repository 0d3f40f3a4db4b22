from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Tra cứu: one search box over documents, decisions, dossiers and households."""

    name = "workflows.search"
    label = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Keep the index current: every save that changes what is found re-indexes it in the
        same transaction."""
        from workflows.search import receivers

        receivers.connect()
