"""Audit trail events as the API shows them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from approvals.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    payload = serializers.JSONField(read_only=True)
    capacity = serializers.CharField(read_only=True, help_text=_("KT., TM., TL., TUQ., Q. or own"))

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
