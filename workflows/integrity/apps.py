from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """The site-wide integrity check (``manage.py verify_integrity``), above every process."""

    name = "workflows.integrity"
    label = "integrity"
    verbose_name = _("Integrity checks")
    default_auto_field = "django.db.models.BigAutoField"
