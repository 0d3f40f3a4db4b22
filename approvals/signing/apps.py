from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    """Digital signatures (PAdES) on issued PDF documents, made and checked with pyHanko."""

    name = "approvals.signing"
    label = "approvals_signing"
    verbose_name = _("Digital signatures")
    default_auto_field = "django.db.models.BigAutoField"
