"""A recognition decision issued on paper: as the API shows it and as the clerk enters it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from approvals.organisation.models import Position
from approvals.organisation.resolver import user_label
from workflows.api.serializers.fields import RelatedId
from workflows.nominations.paper_models import PaperDecision


class PaperDecisionRecordSerializer(serializers.ModelSerializer[PaperDecision]):
    """The decision as issued on paper and when and by whom it was entered (read-only)."""

    recorded_after_the_fact = serializers.SerializerMethodField(
        help_text=gettext_lazy("Always true: entered from a decision issued on paper.")
    )
    recorded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = PaperDecision
        fields = [
            "recorded_after_the_fact",
            "number",
            "symbol",
            "signed_on",
            "signer",
            "signer_name",
            "signer_title",
            "recorded_at",
            "recorded_by",
            "recorded_by_name",
            "scan_sha256",
            "note",
        ]
        read_only_fields = fields

    def get_recorded_after_the_fact(self, obj: PaperDecision) -> bool:
        return True

    def get_recorded_by_name(self, obj: PaperDecision) -> str:
        return user_label(obj.recorded_by)


class PaperDecisionSerializer(serializers.Serializer[Any]):
    """What the records clerk enters from the paper decision (multipart, with its scan)."""

    number = serializers.IntegerField(min_value=1, max_value=1_000_000)
    symbol = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "As printed, e.g. “12/QĐ-UBND” or “QĐ-UBND”; by default the decision symbol of "
            "the deciding unit."
        ),
    )
    signed_on = serializers.DateField()
    signer = RelatedId(
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("The user who signed the paper decision."),
    )
    signer_position = RelatedId(
        queryset=Position.objects.select_related("unit", "user"),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Or the position they signed in."),
    )
    scan = serializers.FileField(help_text=gettext_lazy("The scan of the signed paper (PDF)."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("signer") is None and attrs.get("signer_position") is None:
            raise serializers.ValidationError(
                {"signer": [_("Name the person who signed, or the position they signed in.")]}
            )
        return attrs


__all__ = ["PaperDecisionRecordSerializer", "PaperDecisionSerializer"]
