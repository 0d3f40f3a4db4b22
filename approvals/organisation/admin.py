"""Admin for the organisation: units, roles, positions, actions, delegations and users.

A unit administrator works on the units below the one they administer and the positions
held there; roles and actions are configuration shared by every unit (read-only for them);
users are listed when they hold a position in the subtree and are changed by superusers
only (a user's rights and password reach beyond one unit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import (
    Action,
    ActionRule,
    Delegation,
    OrgUnit,
    Position,
    Role,
)
from approvals.organisation.scoped_admin import (
    ScopedInline,
    UnitScopedAdmin,
    UnitScopedMixin,
    admin_scope,
)

if TYPE_CHECKING:
    from django.db.models import Model
    from django.forms import ModelChoiceField
    from django.http import HttpRequest


class NotOwnPositionMixin:
    """A unit administrator never appoints themselves: they are not offered as the holder."""

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        own = db_field.name == "user" and admin_scope(request) is not None
        if own and formfield is not None and formfield.queryset is not None:
            formfield.queryset = formfield.queryset.exclude(pk=request.user.pk)
        return formfield  # type: ignore[no-any-return]


class PositionInline(NotOwnPositionMixin, ScopedInline):
    model = Position
    extra = 0
    autocomplete_fields = ["user", "role"]
    fields = ["user", "role", "title", "acting", "basis", "valid_from", "valid_to"]


@admin.register(OrgUnit)
class OrgUnitAdmin(UnitScopedAdmin):
    list_display = ["indented_name", "kind", "code", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    readonly_fields = ["path", "depth"]
    inlines = [PositionInline]
    scope_unit_fields = ("",)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: OrgUnit) -> str:
        return f"{'— ' * obj.depth}{obj.name}"

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """A unit administrator changes the units below the one they administer, not that
        unit itself (its place in the tree is decided above them)."""
        scope = admin_scope(request)
        if isinstance(obj, OrgUnit) and scope is not None and obj.pk in _administered(scope):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and formfield is not None and admin_scope(request):
            formfield.required = True  # a unit administrator adds no new root
        return formfield


def _administered(scope: Any) -> set[int]:
    """Ids of the units at the top of a unit administrator's subtrees."""
    tops = {int(path.strip("/").split("/")[-1]) for path in scope.subtree_paths if path.strip("/")}
    return tops | set(scope.unit_ids)


class ActionRuleInline(ScopedInline):
    model = ActionRule
    extra = 0
    autocomplete_fields = ["role"]


@admin.register(Role)
class RoleAdmin(UnitScopedAdmin):
    list_display = ["name", "code", "title", "is_head", "head_role", "signs_by_order"]
    search_fields = ["name", "code", "title"]
    autocomplete_fields = ["head_role"]
    scope_global = True


@admin.register(Position)
class PositionAdmin(NotOwnPositionMixin, UnitScopedAdmin):
    list_display = ["user", "role", "unit", "acting", "valid_from", "valid_to"]
    list_filter = ["role", "acting", "unit__kind"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit", "role"]
    list_select_related = ["user", "role", "unit"]
    scope_unit_fields = ("unit",)

    def _own(self, request: HttpRequest, obj: Model | None) -> bool:
        return isinstance(obj, Position) and obj.user_id == request.user.pk

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Nobody but a superuser changes their own position."""
        if self._own(request, obj) and admin_scope(request) is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self._own(request, obj) and admin_scope(request) is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Action)
class ActionAdmin(UnitScopedAdmin):
    list_display = ["name", "code", "kind", "excludes_author", "excludes_beneficiary"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [ActionRuleInline]
    scope_global = True


@admin.register(Delegation)
class DelegationAdmin(UnitScopedAdmin):
    """Delegations are created and revoked through the services, so they are read-only here."""

    list_display = ["instrument", "delegator", "delegate", "valid_from", "valid_to", "revoked_at"]
    search_fields = ["instrument", "delegator__username", "delegate__username"]
    list_select_related = ["delegator", "delegate"]
    scope_unit_fields = ("delegator_position__unit",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


User = get_user_model()
#: The user admin in place: django.contrib.auth's, or the host project's own if it has one.
_UserAdminBase = type(admin.site._registry[User]) if admin.site.is_registered(User) else UserAdmin


class ScopedUserAdmin(UnitScopedMixin, _UserAdminBase):  # type: ignore[misc, valid-type]
    """Users holding a position in the unit administrator's subtree, read-only for them."""

    scope_user_fields = ("",)
    unit_admin_read_only = True


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
