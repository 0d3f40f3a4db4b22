"""Read-only admin for the background jobs (written by the jobs' services and runner only)."""

from __future__ import annotations

from django.contrib import admin

from approvals.audit.admin import ReadOnlyAdmin
from approvals.jobs.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Background jobs, newest first."""

    list_display = (
        "created_at",
        "label",
        "kind",
        "status",
        "progress_done",
        "progress_total",
        "started_by",
        "attempts",
        "finished_at",
    )
    list_filter = ("status", "kind", "created_at")
    search_fields = ("label", "kind", "=subject_id", "started_by__username")
    list_select_related = ("started_by", "unit")
    ordering = ("-pk",)
    raw_id_fields = ("started_by", "unit")
