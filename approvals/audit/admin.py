"""Read-only admin for the audit trail: viewing is allowed, changing never."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from approvals.admin import UnitScopedAdmin
from approvals.audit.models import AuditEvent, Signature

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest


class ReadOnlyAdmin(UnitScopedAdmin):
    """Nothing can be added, changed or deleted here; the change page only shows.

    No unit scope is declared: the audit trail and the notifications are for superusers.
    """

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Rows are written by the audit services only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Rows are never changed."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Rows are never deleted."""
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """No bulk actions (in particular no "delete selected")."""
        return {}


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Audit events, newest first."""

    list_display = (
        "index",
        "created_at",
        "action",
        "subject_label",
        "actor_label",
        "capacity",
        "from_state",
        "to_state",
        "chain",
    )
    list_filter = ("chain", "capacity", "created_at")
    search_fields = ("=subject_id", "subject_label", "actor_label", "action", "comment")
    list_select_related = ("chain",)
    ordering = ("-pk",)
    raw_id_fields = ("actor", "on_behalf_of")


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    """Signatures, newest first."""

    list_display = ("signed_at", "subject_type", "subject_id", "revision", "signer", "capacity")
    list_filter = ("capacity", "signed_at")
    search_fields = ("=subject_id", "subject_type", "revision", "content_sha256")
    list_select_related = ("signer",)
    ordering = ("-pk",)
    raw_id_fields = ("signer", "position", "delegation", "audit_event")
