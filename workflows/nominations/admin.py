"""Admin for households, the facts nominations depend on, and dossiers (read-only).

Facts entered here (disqualifications, discipline, performance ratings) are recorded with
the officer who entered them and an audit event; dossiers and candidates change only
through the services, so the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from approvals.admin import ReadOnlyInline, UnitScopedAdmin
from approvals.audit.services import audit_record
from workflows.nominations.models import (
    Candidate,
    CouncilReview,
    Discipline,
    Disqualification,
    Dossier,
    Household,
    Meeting,
    PerformanceRating,
)


@admin.register(Household)
class HouseholdAdmin(UnitScopedAdmin):
    scope_unit_fields = ("village",)
    list_display = ["code", "head_name", "village", "member_count"]
    list_filter = ["village"]
    search_fields = ["code", "head_name", "address"]
    list_select_related = ["village"]
    autocomplete_fields = ["village"]
    filter_horizontal = ["residents"]


class RecordedFactAdmin(UnitScopedAdmin):
    """Stamps ``recorded_by`` and writes an audit event with each save, in one transaction."""

    exclude = ["recorded_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            if not change:
                obj.recorded_by = request.user
            super().save_model(request, obj, form, change)
            meta = obj._meta
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                action=f"{meta.app_label}.{'change' if change else 'add'}_{meta.model_name}",
                subject=obj,
                to_state="recorded",
                payload={field: str(form.cleaned_data[field]) for field in form.changed_data},
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Disqualification)
class DisqualificationAdmin(RecordedFactAdmin):
    scope_unit_fields = ("household__village",)
    list_display = ["household", "year", "ground", "recorded_by", "recorded_at"]
    list_filter = ["year", "ground"]
    search_fields = ["household__code", "household__head_name"]
    autocomplete_fields = ["household"]


@admin.register(Discipline)
class DisciplineAdmin(RecordedFactAdmin):
    scope_user_fields = ("person",)
    list_display = ["person", "year", "level", "recorded_by", "recorded_at"]
    list_filter = ["year", "level"]
    search_fields = ["person__username", "person__last_name", "person__first_name"]
    autocomplete_fields = ["person"]


@admin.register(PerformanceRating)
class PerformanceRatingAdmin(RecordedFactAdmin):
    scope_user_fields = ("person",)
    list_display = ["person", "year", "rating", "recorded_by", "recorded_at"]
    list_filter = ["year", "rating"]
    search_fields = ["person__username", "person__last_name", "person__first_name"]
    autocomplete_fields = ["person"]


@admin.register(Candidate)
class CandidateAdmin(UnitScopedAdmin):
    """Candidates read-only, filtered by dossier (a decision can hold thousands)."""

    list_display = ["__str__", "dossier", "state", "consecutive_years"]
    list_filter = ["title", "year", "state"]
    search_fields = ["household__code", "household__head_name", "unit__name"]
    list_select_related = ["dossier", "household", "unit", "person"]
    show_full_result_count = False
    scope_unit_fields = ("dossier__proposing_unit",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Candidate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MeetingInline(ReadOnlyInline):
    model = Meeting
    fields = ["held_on", "invited", "present", "quorum_percent", "quorate", "chaired_by", "minutes"]
    readonly_fields = [
        "held_on",
        "invited",
        "present",
        "quorum_percent",
        "quorate",
        "chaired_by",
        "minutes",
    ]


class CouncilInline(ReadOnlyInline):
    model = CouncilReview
    exclude = ["votes"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in CouncilReview._meta.fields if f.name != "votes"]


@admin.register(Dossier)
class DossierAdmin(UnitScopedAdmin):
    scope_unit_fields = ("proposing_unit", "deciding_unit")
    list_display = ["title", "year", "proposing_unit", "deciding_unit", "state", "register_entry"]
    list_filter = ["title", "year", "state"]
    search_fields = ["proposing_unit__name", "register_entry__symbol"]
    list_select_related = ["proposing_unit", "deciding_unit", "register_entry"]
    inlines = [MeetingInline, CouncilInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Dossier._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
