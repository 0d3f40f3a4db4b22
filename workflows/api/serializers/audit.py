"""Audit trail events as the API shows them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from approvals.audit.labels import event_labels
from approvals.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    payload = serializers.JSONField(read_only=True)
    capacity = serializers.CharField(read_only=True, help_text=_("KT., TM., TL., TUQ., Q. or own"))
    action_label = serializers.SerializerMethodField(
        help_text=_("What was done, in words in the request's language (never the code).")
    )

    def get_action_label(self, obj: AuditEvent) -> str:
        """The label the page's history shows; ``audit_page`` names a whole page at once."""
        labels: dict[int, str] = self.context.get("action_labels", {})
        if obj.pk in labels:
            return labels[obj.pk]
        return event_labels([obj])[0]

    class Meta:
        model = AuditEvent
        fields = [
            "index",
            "created_at",
            "actor",
            "actor_label",
            "on_behalf_of",
            "capacity",
            "authority",
            "action",
            "action_label",
            "subject_type",
            "subject_id",
            "from_state",
            "to_state",
            "comment",
            "content_hash",
            "payload",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
