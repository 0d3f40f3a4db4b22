from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    """Organisation tree, roles, positions, delegations and the permission resolver."""

    name = "approvals.organisation"
    label = "approvals_org"
    verbose_name = _("Organisation and roles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Clear the resolver's remembered rules whenever an action, rule or role changes."""
        from django.db.models.signals import post_delete, post_save

        from approvals.organisation.models import Action, ActionRule, Role
        from approvals.organisation.resolver import rules_cache_clear

        for model in (Action, ActionRule, Role):
            post_save.connect(rules_cache_clear, sender=model, dispatch_uid=f"rules-{model}")
            post_delete.connect(rules_cache_clear, sender=model, dispatch_uid=f"rules-del-{model}")
