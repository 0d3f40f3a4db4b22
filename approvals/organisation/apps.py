from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    """Organisation tree, roles, positions, delegations and the permission resolver."""

    name = "approvals.organisation"
    label = "approvals_org"
    verbose_name = _("Organisation and roles")
    default_auto_field = "django.db.models.BigAutoField"
