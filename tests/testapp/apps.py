from __future__ import annotations

from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A concrete document to guard with the engine in tests."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"
