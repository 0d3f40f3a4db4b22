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
        """Clear the remembered rules whenever an action, rule or role changes, and the
        request's memo of holdings whenever a position, delegation, unit or rule does."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from approvals.organisation.memo import memo_forget
        from approvals.organisation.models import (
            Action,
            ActionRule,
            Delegation,
            OrgUnit,
            Position,
            Role,
        )
        from approvals.organisation.resolver import rules_cache_clear
        from approvals.organisation.selectors import scope_rules_clear

        for model in (Action, ActionRule, Role):
            for clear in (rules_cache_clear, scope_rules_clear):
                uid = f"{clear.__name__}-{model}"
                post_save.connect(clear, sender=model, dispatch_uid=uid)
                post_delete.connect(clear, sender=model, dispatch_uid=f"{uid}-del")
        for held in (Action, ActionRule, Role, Position, Delegation, OrgUnit):
            post_save.connect(memo_forget, sender=held, dispatch_uid=f"memo-{held}")
            post_delete.connect(memo_forget, sender=held, dispatch_uid=f"memo-del-{held}")
        m2m_changed.connect(
            memo_forget, sender=Delegation.actions.through, dispatch_uid="memo-delegation-actions"
        )
        m2m_changed.connect(
            memo_forget, sender=OrgUnit.predecessors.through, dispatch_uid="memo-predecessors"
        )
