"""Read-only admin for the checkpoints written (the files themselves are what counts)."""

from __future__ import annotations

from django.contrib import admin

from approvals.audit.admin import ReadOnlyAdmin
from approvals.checkpoints.models import Checkpoint


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    """Checkpoints, newest first."""

    list_display = ("created_at", "name", "chains", "timestamped", "reason")
    list_filter = ("timestamped", "reason", "created_at")
    search_fields = ("name", "sha256")
    ordering = ("-pk",)
