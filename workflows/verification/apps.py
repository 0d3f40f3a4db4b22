from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    """Checking the digital signatures of an uploaded PDF (“Xác thực văn bản”)."""

    name = "workflows.verification"
    label = "verification"
    verbose_name = _("Document verification")
    default_auto_field = "django.db.models.BigAutoField"
