"""Admin for emulation blocs: read-only views of each year (changes go through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from approvals.admin import ReadOnlyInline, UnitScopedAdmin
from workflows.emulation.models import (
    AwardProposal,
    Bloc,
    BlocYear,
    CovenantSignature,
    CovenantTarget,
    Criterion,
    DraftComment,
    Inspection,
    Membership,
    SignatureReminder,
)


class ReadOnlyAdmin(UnitScopedAdmin):
    """Shown for the record: nobody adds, changes or deletes rows here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["unit", "self_total", "bloc_total", "rank"]
    readonly_fields = ["unit", "self_total", "bloc_total", "rank"]


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ["position", "name", "max_points"]
    readonly_fields = ["position", "name", "max_points"]


class TargetInline(ReadOnlyInline):
    model = CovenantTarget
    fields = ["position", "text", "kind", "title", "target_percent"]
    readonly_fields = ["position", "text", "kind", "title", "target_percent"]


class CommentInline(ReadOnlyInline):
    model = DraftComment
    fields = ["unit", "author", "text", "created_at"]
    readonly_fields = ["unit", "author", "text", "created_at"]


class SignatureInline(ReadOnlyInline):
    model = CovenantSignature
    fields = ["unit", "signature", "signed_on", "late"]
    readonly_fields = ["unit", "signature", "signed_on", "late"]


class ReminderInline(ReadOnlyInline):
    model = SignatureReminder
    fields = ["unit", "sent_on", "days_late", "sent_by", "message"]
    readonly_fields = ["unit", "sent_on", "days_late", "sent_by", "message"]


class InspectionInline(ReadOnlyInline):
    model = Inspection
    fields = ["inspected", "inspecting", "held_on", "findings", "recorded_by"]
    readonly_fields = ["inspected", "inspecting", "held_on", "findings", "recorded_by"]


@admin.register(Bloc)
class BlocAdmin(ReadOnlyAdmin):
    scope_unit_fields = ("province",)
    list_display = ["name", "province"]
    list_select_related = ["province"]
    search_fields = ["name"]


@admin.register(BlocYear)
class BlocYearAdmin(ReadOnlyAdmin):
    scope_unit_fields = ("bloc__province",)
    list_display = ["bloc", "year", "leader", "deputy", "state", "effective_on"]
    list_filter = ["state", "year"]
    list_select_related = ["bloc", "leader", "deputy"]
    search_fields = ["bloc__name"]
    exclude = ["members"]
    inlines = [
        MembershipInline,
        CriterionInline,
        TargetInline,
        CommentInline,
        SignatureInline,
        ReminderInline,
        InspectionInline,
    ]


@admin.register(AwardProposal)
class AwardProposalAdmin(ReadOnlyAdmin):
    scope_unit_fields = ("bloc_year__bloc__province",)
    list_display = ["bloc_year", "title", "state", "proposed_on", "dossier"]
    list_filter = ["state", "title"]
    list_select_related = ["bloc_year__bloc", "dossier"]
