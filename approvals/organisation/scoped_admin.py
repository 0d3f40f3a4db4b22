"""Admin building blocks limited to the units a staff user administers, shared by all admins.

The admin is for administrators. A superuser sees and edits everything. A staff user who
holds a unit-administrator position in force today (role ``unit_admin``, action
``approvals_org.administer``) works on their unit's subtree only, through
:class:`UnitScopedAdmin`: every admin declares how its objects reach a unit
(``scope_unit_fields``) or a person (``scope_user_fields``); objects outside the subtree are
not listed, not offered as choices and their pages answer as if they did not exist.
Configuration shared by every unit (``scope_global``: roles, regulations, the calendar…) is
read-only for unit administrators. An admin that declares nothing is for superusers only,
and so is every admin registered by a third-party app (:func:`superuser_only_unscoped`).
Anyone else, staff or not, sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from approvals.organisation.selectors import ActionScope, administered_scope, users_in_scope_q

if TYPE_CHECKING:
    from django.db.models import Field, Model, QuerySet
    from django.forms import ModelChoiceField, ModelMultipleChoiceField
    from django.http import HttpRequest

#: A choice form field (single or multiple).
ChoiceField = TypeVar("ChoiceField", bound="ModelChoiceField[Any]")

#: Where the unit administrator's scope is remembered for the duration of one request.
_CACHE = "_approvals_admin_scope"


def admin_scope(request: HttpRequest) -> ActionScope | None:
    """``None`` for a superuser (no limit); otherwise the units the user administers today.

    The scope is empty for inactive users, non-staff users and staff without a
    unit-administrator position in force.
    """
    user = request.user
    if not user.is_active:
        return ActionScope()
    if user.is_superuser:
        return None
    cached: ActionScope | None = getattr(request, _CACHE, None)
    if cached is None:
        cached = (
            administered_scope(user=user, day=timezone.localdate())
            if user.is_staff
            else ActionScope()
        )
        setattr(request, _CACHE, cached)
    return cached


def scope_q(scope: ActionScope, *, unit_fields: tuple[str, ...], user_fields: tuple[str, ...]) -> Q:
    """Objects whose unit (through any of ``unit_fields``; ``""`` for a unit itself) is in
    ``scope``, or whose person (``user_fields``; ``""`` for a user) holds a position in it."""
    day = timezone.localdate()
    condition = Q(pk__in=[])
    for path in unit_fields:
        condition |= scope.q(path) if path else scope.units_q()
    for path in user_fields:
        condition |= users_in_scope_q(scope, day, prefix=f"{path}__" if path else "")
    return condition


def limit_choices(
    admin_site: admin.AdminSite,
    request: HttpRequest,
    db_field: Field[Any, Any],
    formfield: ChoiceField | None,
) -> ChoiceField | None:
    """Offer in a form only the related objects the request's user may see in the admin."""
    scope = admin_scope(request)
    if formfield is None or scope is None or db_field.remote_field is None:
        return formfield
    related_admin = admin_site._registry.get(db_field.remote_field.model)
    if isinstance(related_admin, UnitScopedMixin):
        formfield.queryset = related_admin.get_queryset(request)
    elif formfield.queryset is not None:
        # a model without an admin of its own: not offered to a unit administrator
        formfield.queryset = formfield.queryset.none()
    return formfield


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what the user may see."""

    admin_site: admin.AdminSite

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        return limit_choices(self.admin_site, request, db_field, formfield)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        return limit_choices(self.admin_site, request, db_field, formfield)


class UnitScopedMixin(ScopedChoicesMixin):
    """Limits a ModelAdmin to superusers and, within their subtree, unit administrators."""

    #: Paths from the model to an ``OrgUnit`` (``""``: the object is a unit).
    scope_unit_fields: tuple[str, ...] = ()
    #: Paths from the model to a user, in scope when the user holds a position in the
    #: subtree (``""``: the object is a user).
    scope_user_fields: tuple[str, ...] = ()
    #: Not tied to a unit and shared by all (roles, regulations…): unit administrators may
    #: look (with the view permission), only superusers change.
    scope_global: bool = False
    #: Unit administrators only look, even where their model permissions would allow more.
    unit_admin_read_only: bool = False

    model: type[Model]

    def _scoped(self) -> bool:
        return bool(self.scope_unit_fields or self.scope_user_fields)

    def _reaches(self, request: HttpRequest) -> bool:
        """Whether the user may see anything of this admin at all."""
        scope = admin_scope(request)
        if scope is None:
            return True
        return bool(scope) and (self._scoped() or self.scope_global)

    def _may_edit(self, request: HttpRequest, obj: Model | None) -> bool:
        scope = admin_scope(request)
        if scope is None:
            return True
        if not scope or not self._scoped() or self.unit_admin_read_only:
            return False
        return obj is None or self._covers(request, obj)

    def _covers(self, request: HttpRequest, obj: Model) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        scope = admin_scope(request)
        if scope is None:
            return queryset
        if not self._reaches(request):
            return queryset.none()
        if not self._scoped():
            return queryset
        condition = scope_q(
            scope, unit_fields=self.scope_unit_fields, user_fields=self.scope_user_fields
        )
        # A subquery: paths through many-valued relations must not repeat rows.
        return queryset.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reaches(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self._reaches(request):
            return False
        scoped = obj is not None and admin_scope(request) is not None and self._scoped()
        if scoped and not self._covers(request, obj):
            return False
        return super().has_view_permission(request, obj)  # type: ignore[misc, no-any-return]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # ModelAdmin takes (request); inlines take (request, obj).
        return self._may_edit(request, None) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class UnitScopedAdmin(UnitScopedMixin, admin.ModelAdmin):
    """A ModelAdmin limited as :class:`UnitScopedMixin` says."""


class ScopedInline(ScopedChoicesMixin, admin.StackedInline):
    """An inline whose choices are limited to what the user may see.

    Stacked, not tabular: a tabular inline's inputs have no ``<label>`` (only the column
    header), which screen readers announce as unnamed fields (axe: label, critical)."""


class ReadOnlyInline(ScopedInline):
    """Rows shown for the record: nobody adds, changes or deletes them in the admin."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def superuser_only_unscoped(site: admin.AdminSite) -> list[str]:
    """Re-register every admin of ``site`` that does not use :class:`UnitScopedMixin` with
    it, declaring no scope: such pages (third-party apps' users, groups, tokens, flow
    tables…) are for superusers only. Returns the labels of the models so limited."""
    limited = []
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, UnitScopedMixin):
            continue
        cls = type(model_admin)
        scoped = type(cls.__name__, (UnitScopedMixin, cls), {"__module__": cls.__module__})
        site.unregister(model)
        site.register(model, scoped)
        limited.append(model._meta.label)
    return limited
