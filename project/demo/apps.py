from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo site's own commands (demo data, run the demo)."""

    name = "project.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"
