"""Admin for plans: read-only views of the road a plan travelled (changes go through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from approvals.admin import ReadOnlyInline, UnitScopedAdmin
from workflows.plans.models import (
    Consultation,
    Dispatch,
    Plan,
    PlanApproval,
    PlanRevision,
    ReportDue,
)


class RevisionInline(ReadOnlyInline):
    model = PlanRevision
    fields = ["number", "created_by", "created_at", "content_sha256"]
    readonly_fields = ["number", "created_by", "created_at", "content_sha256"]


class ApprovalInline(ReadOnlyInline):
    model = PlanApproval
    fields = ["step", "decision", "revision", "user", "comment", "decided_at"]
    readonly_fields = ["step", "decision", "revision", "user", "comment", "decided_at"]


class ConsultationInline(ReadOnlyInline):
    model = Consultation
    fields = ["agency", "revision", "status", "answered_by", "answered_on", "answer"]
    readonly_fields = ["agency", "revision", "status", "answered_by", "answered_on", "answer"]


class DispatchInline(ReadOnlyInline):
    model = Dispatch
    fields = ["unit", "sent_on", "acknowledged_at", "acknowledged_by"]
    readonly_fields = ["unit", "sent_on", "acknowledged_at", "acknowledged_by"]


class ReportInline(ReadOnlyInline):
    model = ReportDue
    fk_name = "plan"
    fields = ["unit", "period", "due_on", "recipient", "submitted_on", "submitted_by"]
    readonly_fields = ["unit", "period", "due_on", "recipient", "submitted_on", "submitted_by"]


@admin.register(Plan)
class PlanAdmin(UnitScopedAdmin):
    scope_unit_fields = ("drafting_unit", "issuing_agency")
    list_display = ["subject_summary", "kind", "issuing_agency", "state", "year", "register_entry"]
    list_filter = ["state", "kind", "year"]
    search_fields = ["subject_summary", "register_entry__symbol"]
    list_select_related = ["kind", "issuing_agency", "register_entry"]
    inlines = [RevisionInline, ApprovalInline, ConsultationInline, DispatchInline, ReportInline]
    readonly_fields = [
        "issuing_agency",
        "drafting_unit",
        "kind",
        "author",
        "year",
        "subject_summary",
        "state",
        "revision_number",
        "returned_from",
        "needs_consultation",
        "consultation_working_days",
        "replaces",
        "register_entry",
        "signature",
        "created_at",
        "updated_at",
    ]
    exclude = ["consulted_agencies", "recipient_units", "basis_plans"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
