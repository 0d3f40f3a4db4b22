"""Read-only admin for notifications and the reminder ledger (written by the pass only)."""

from __future__ import annotations

from django.contrib import admin

from approvals.audit.admin import ReadOnlyAdmin
from approvals.notifications.models import Notification, ReminderSent


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Notifications, newest first."""

    list_display = ("created_at", "kind", "recipient", "title", "read_at", "emailed_at")
    list_filter = ("kind", "created_at")
    search_fields = ("title", "subject_label", "=subject_id", "recipient__username")
    list_select_related = ("recipient",)
    ordering = ("-pk",)
    raw_id_fields = ("recipient", "deadline")


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    """The ledger: one row per stage, kind and person for each deadline."""

    list_display = ("sent_on", "kind", "stage", "deadline", "recipient")
    list_filter = ("kind", "sent_on")
    search_fields = ("=deadline__subject_id", "recipient__username", "stage")
    list_select_related = ("deadline", "recipient")
    ordering = ("-pk",)
    raw_id_fields = ("deadline", "recipient")
