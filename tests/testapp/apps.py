from __future__ import annotations

from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A concrete document to guard with the engine in tests; a slow background job."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tests.testapp.jobs import register_kinds

        register_kinds()
