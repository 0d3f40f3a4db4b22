"""Document registers and their entries as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from approvals.registers.models import Register, RegisterEntry


class RegisterSerializer(serializers.ModelSerializer[Register]):
    class Meta:
        model = Register
        fields = ["id", "agency", "year", "name", "confidential", "closed_at"]
        read_only_fields = fields


class RegisterEntrySerializer(serializers.ModelSerializer[RegisterEntry]):
    kind = serializers.CharField(source="kind.code", read_only=True)

    class Meta:
        model = RegisterEntry
        fields = [
            "id",
            "register",
            "number",
            "symbol",
            "kind",
            "subject_summary",
            "issued_on",
            "drafting_unit",
            "subject_type",
            "subject_id",
            "status",
            "void_reason",
            "voided_at",
        ]
        read_only_fields = fields
