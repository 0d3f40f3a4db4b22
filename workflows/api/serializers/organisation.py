"""Organisation units and positions as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from approvals.organisation.models import OrgUnit, Position, UnitKind
from approvals.organisation.resolver import user_label


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    kind = serializers.ChoiceField(choices=UnitKind.choices)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "kind",
            "parent",
            "path",
            "depth",
            "valid_from",
            "valid_to",
        ]


class PositionSerializer(serializers.ModelSerializer[Position]):
    user_name = serializers.SerializerMethodField()
    role = serializers.CharField(source="role.code")
    role_name = serializers.CharField(source="role.name")
    printed_title = serializers.CharField()

    class Meta:
        model = Position
        fields = [
            "id",
            "user",
            "user_name",
            "unit",
            "role",
            "role_name",
            "printed_title",
            "acting",
            "valid_from",
            "valid_to",
        ]

    def get_user_name(self, obj: Position) -> str:
        return user_label(obj.user)
