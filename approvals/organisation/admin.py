"""Admin for the organisation: units, roles, positions, actions and delegations."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import (
    Action,
    ActionRule,
    Delegation,
    OrgUnit,
    Position,
    Role,
)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["user", "role"]
    fields = ["user", "role", "title", "acting", "basis", "valid_from", "valid_to"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "kind", "code", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    readonly_fields = ["path", "depth"]
    inlines = [PositionInline]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: OrgUnit) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class ActionRuleInline(admin.TabularInline):
    model = ActionRule
    extra = 0
    autocomplete_fields = ["role"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "title", "is_head", "head_role", "signs_by_order"]
    search_fields = ["name", "code", "title"]
    autocomplete_fields = ["head_role"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "acting", "valid_from", "valid_to"]
    list_filter = ["role", "acting", "unit__kind"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit", "role"]
    list_select_related = ["user", "role", "unit"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "excludes_author", "excludes_beneficiary"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [ActionRuleInline]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    """Delegations are created and revoked through the services, so they are read-only here."""

    list_display = ["instrument", "delegator", "delegate", "valid_from", "valid_to", "revoked_at"]
    search_fields = ["instrument", "delegator__username", "delegate__username"]
    list_select_related = ["delegator", "delegate"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
