from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    """Hand-over lists of reorganisations; processes register their pending cases."""

    name = "approvals.handover"
    label = "approvals_handover"
    verbose_name = _("Hand-over of pending cases")
    default_auto_field = "django.db.models.BigAutoField"
