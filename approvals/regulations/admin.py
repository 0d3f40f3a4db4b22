"""Admin for regulations. A version that has taken effect is read-only: add a new one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from approvals.admin import ScopedInline, UnitScopedAdmin
from approvals.regulations.models import Regulation, RegulationVersion, Rule


class RuleInline(ScopedInline):
    model = Rule
    extra = 0
    fields = ["key", "value", "value_type", "confirmed", "informational", "basis", "description"]

    def _locked(self, obj: RegulationVersion | None) -> bool:
        return obj is not None and obj.is_in_force_or_past(timezone.localdate())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Regulation)
class RegulationAdmin(UnitScopedAdmin):
    scope_global = True
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(RegulationVersion)
class RegulationVersionAdmin(UnitScopedAdmin):
    scope_global = True
    list_display = ["regulation", "label", "effective_from", "jurisdiction"]
    list_filter = ["regulation"]
    inlines = [RuleInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_in_force_or_past(timezone.localdate()):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_in_force_or_past(timezone.localdate()):
            return False
        return super().has_delete_permission(request, obj)
