"""Admin: overrides are edited here; deadlines are only looked at (services change them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from approvals.admin import UnitScopedAdmin
from approvals.calendar.models import CalendarOverride, Deadline
from approvals.calendar.workdays import holiday_name

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest


# Plain ModelAdmin, not ModelAdmin[Model]: a host project need not patch generics at run time.
@admin.register(CalendarOverride)
class CalendarOverrideAdmin(UnitScopedAdmin):
    """Days off and extra working days that differ from the public-holiday package."""

    scope_global = True

    list_display = ["day", "weekday", "kind", "public_holiday", "reason", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    date_hierarchy = "day"
    readonly_fields = ["created_at"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarOverride) -> str:
        """The day of the week in the active language, to spot overrides on weekends."""
        return date_format(obj.day, "l")

    @admin.display(description=_("public holiday"))
    def public_holiday(self, obj: CalendarOverride) -> str:
        """The package's holiday on that day, if any."""
        return holiday_name(obj.day) or "—"


class DeadlineStateFilter(admin.SimpleListFilter):
    """Running, paused, overdue (today) or completed."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        """The states offered in the sidebar."""
        return [
            ("running", _("Running")),
            ("paused", _("Paused")),
            ("overdue", _("Overdue")),
            ("completed", _("Completed")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        """Filter the deadlines by the chosen state."""
        value = self.value()
        if value == "running":
            return queryset.filter(completed_on__isnull=True, paused_on__isnull=True)
        if value == "paused":
            return queryset.filter(completed_on__isnull=True, paused_on__isnull=False)
        if value == "overdue":
            return queryset.filter(
                completed_on__isnull=True, paused_on__isnull=True, due_on__lt=timezone.localdate()
            )
        if value == "completed":
            return queryset.filter(completed_on__isnull=False)
        return queryset


@admin.register(Deadline)
class DeadlineAdmin(UnitScopedAdmin):
    """Deadlines, read-only: they change only through the calendar services.

    A deadline points at its subject by type and id, not at a unit: superusers only.
    """

    list_display = [
        "subject_type",
        "subject_id",
        "purpose",
        "day_kind",
        "length",
        "started_on",
        "due_on",
        "paused_on",
        "paused_days_total",
        "completed_on",
    ]
    list_filter = [DeadlineStateFilter, "day_kind", "purpose", "subject_type"]
    search_fields = ["subject_id", "purpose"]
    date_hierarchy = "due_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Deadlines are started by services, never by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Deadline | None = None) -> bool:
        """Deadlines are read-only here."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Deadline | None = None) -> bool:
        """Deadlines are kept as the record of the time limits."""
        return False
