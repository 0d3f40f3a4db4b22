from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API over the movement's processes (Django REST framework + drf-spectacular)."""

    name = "workflows.api"
    label = "workflows_api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"
