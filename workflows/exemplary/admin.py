"""Admin for exemplary models: read-only views of their road (changes go through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from approvals.admin import ReadOnlyInline, UnitScopedAdmin
from workflows.exemplary.models import (
    Adoption,
    Commendation,
    CommitteeReview,
    Evidence,
    ExemplaryModel,
    Verification,
)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["text", "added_by", "added_at"]
    readonly_fields = ["text", "added_by", "added_at"]


class VerificationInline(ReadOnlyInline):
    model = Verification
    fields = ["visited_on", "outcome", "revision", "findings", "verified_by"]
    readonly_fields = ["visited_on", "outcome", "revision", "findings", "verified_by"]


class ReviewInline(ReadOnlyInline):
    model = CommitteeReview
    fields = ["held_on", "approved", "minutes", "reviewed_by"]
    readonly_fields = ["held_on", "approved", "minutes", "reviewed_by"]


class CommendationInline(ReadOnlyInline):
    model = Commendation
    fields = ["review", "year", "held_on", "citation", "recorded_by"]
    readonly_fields = ["review", "year", "held_on", "citation", "recorded_by"]


class AdoptionInline(ReadOnlyInline):
    model = Adoption
    fields = ["unit", "adopted_on", "note", "recorded_by"]
    readonly_fields = ["unit", "adopted_on", "note", "recorded_by"]


@admin.register(ExemplaryModel)
class ExemplaryModelAdmin(UnitScopedAdmin):
    scope_unit_fields = ("proposing_unit",)
    list_display = ["name", "kind", "proposing_unit", "state", "proposed_on"]
    list_filter = ["state", "kind"]
    list_select_related = ["proposing_unit"]
    search_fields = ["name"]
    inlines = [
        EvidenceInline,
        VerificationInline,
        ReviewInline,
        CommendationInline,
        AdoptionInline,
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
