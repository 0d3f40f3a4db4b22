from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """Document kinds, yearly registers and gap-free numbering (Decree 30/2020)."""

    name = "approvals.registers"
    label = "approvals_registers"
    verbose_name = _("Document registers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from approvals.registers.jobs import register_kinds

        register_kinds()
