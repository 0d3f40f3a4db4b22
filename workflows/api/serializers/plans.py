"""Plans, their content, dispatches, consultations and reports as the API reads and writes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import user_label
from approvals.registers.models import DocumentKind
from workflows.api.serializers.fields import IdField, RelatedId
from workflows.plans.models import (
    Consultation,
    ConsultationStatus,
    Dispatch,
    Plan,
    PlanState,
    ReportDue,
    ReportPeriod,
)


class ItemSerializer(serializers.Serializer[Any]):
    heading = serializers.CharField(max_length=1000)
    paragraphs = serializers.ListField(
        child=serializers.CharField(max_length=10000), required=False
    )


class SectionSerializer(ItemSerializer):
    items = ItemSerializer(many=True, required=False)


class TaskSerializer(serializers.Serializer[Any]):
    unit_id = IdField()
    text = serializers.CharField(max_length=1000)
    due_on = serializers.DateField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if value.get("due_on") is not None:
            value["due_on"] = value["due_on"].isoformat()
        return value


class ReportingSerializer(serializers.Serializer[Any]):
    period = serializers.ChoiceField(choices=ReportPeriod.choices)
    due = serializers.RegexField(
        r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        help_text=_("Day of the year the report is due, as MM-DD."),
    )


class PlanContentSerializer(serializers.Serializer[Any]):
    """A revision's content: what the document says (Decree 30/2020 parts)."""

    subject_summary = serializers.CharField(max_length=500)
    basis = serializers.ListField(child=serializers.CharField(max_length=2000), required=False)
    sections = SectionSerializer(many=True, allow_empty=False)
    closing = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=500), allow_empty=False
    )
    tasks = TaskSerializer(many=True, required=False)
    reporting = ReportingSerializer(many=True, required=False)
    report_to_unit_id = IdField(required=False)
    attachments = serializers.ListField(child=serializers.CharField(max_length=500), required=False)


class PlanSerializer(serializers.ModelSerializer[Plan]):
    """A plan as lists show it."""

    state = serializers.ChoiceField(choices=PlanState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    kind = serializers.CharField(source="kind.code", read_only=True)
    author_name = serializers.SerializerMethodField()
    returned_from = serializers.ChoiceField(
        choices=PlanState.choices, allow_blank=True, read_only=True
    )
    symbol = serializers.CharField(
        source="register_entry.symbol", read_only=True, allow_null=True, default=None
    )
    issued_on = serializers.DateField(
        source="register_entry.issued_on", read_only=True, allow_null=True, default=None
    )
    signed = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "kind",
            "year",
            "subject_summary",
            "state",
            "state_label",
            "issuing_agency",
            "drafting_unit",
            "author",
            "author_name",
            "revision_number",
            "returned_from",
            "needs_consultation",
            "symbol",
            "issued_on",
            "signed",
            "handed_over_from",
            "handed_over_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_author_name(self, obj: Plan) -> str:
        return user_label(obj.author)

    def get_signed(self, obj: Plan) -> bool:
        return obj.signature_id is not None


class DispatchSerializer(serializers.ModelSerializer[Dispatch]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "plan",
            "unit",
            "unit_name",
            "sent_on",
            "acknowledged_at",
            "acknowledged_by",
        ]
        read_only_fields = fields


class ConsultationSerializer(serializers.ModelSerializer[Consultation]):
    status = serializers.ChoiceField(choices=ConsultationStatus.choices, read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    revision = serializers.IntegerField(source="revision.number", read_only=True)
    due_on = serializers.DateField(source="deadline.due_on", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "plan",
            "revision",
            "agency",
            "agency_name",
            "due_on",
            "status",
            "answer",
            "answered_by",
            "answered_on",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=20000, help_text=_("The agency's opinion."))


class ReportDueSerializer(serializers.ModelSerializer[ReportDue]):
    period = serializers.ChoiceField(choices=ReportPeriod.choices, read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ReportDue
        fields = [
            "id",
            "plan",
            "unit",
            "unit_name",
            "recipient",
            "period",
            "due_on",
            "submitted_on",
            "submitted_recorded_at",
            "submitted_by",
            "text",
            "compiled_into",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    """A plan with its current content, recipients, dispatches and reports."""

    content = serializers.SerializerMethodField()
    recipient_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    consulted_agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    basis_plans = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    dispatches = DispatchSerializer(many=True, read_only=True)
    reports = ReportDueSerializer(many=True, read_only=True)
    content_sha256 = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "consultation_working_days",
            "recipient_units",
            "consulted_agencies",
            "basis_plans",
            "content",
            "content_sha256",
            "dispatches",
            "reports",
        ]
        read_only_fields = fields

    @extend_schema_field(PlanContentSerializer)
    def get_content(self, obj: Plan) -> dict[str, Any]:
        return dict(obj.current_revision.content)

    def get_content_sha256(self, obj: Plan) -> str:
        return str(obj.current_revision.content_sha256)


class PlanCreateSerializer(serializers.Serializer[Any]):
    """A new draft: who issues it, who drafts it, what kind, and its first content."""

    issuing_agency = RelatedId(queryset=OrgUnit.objects.all())
    drafting_unit = RelatedId(queryset=OrgUnit.objects.all())
    kind = serializers.SlugRelatedField(slug_field="code", queryset=DocumentKind.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    content = PlanContentSerializer()
    needs_consultation = serializers.BooleanField(default=False)
    consulted_agencies = RelatedId(queryset=OrgUnit.objects.all(), many=True, required=False)
    consultation_working_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, default=0
    )
    recipient_units = RelatedId(queryset=OrgUnit.objects.all(), many=True, required=False)
    basis_plans = RelatedId(queryset=Plan.objects.none(), many=True, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = self.context.get("visible_plans")
        if visible is not None:
            self.fields["basis_plans"].child_relation.queryset = visible


class PlanEditSerializer(serializers.Serializer[Any]):
    content = PlanContentSerializer()


class ReportSubmitSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=100000)
    on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The report's date; today when omitted. A date after today, or earlier than the "
            "regulations allow, is refused (act_date_refused)."
        ),
    )
    inputs = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        help_text=_("Reports of units below that this report compiles."),
    )


class IssueSerializer(serializers.Serializer[Any]):
    issued_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The date of issue; today when omitted. A date after today, or earlier than the "
            "regulations allow, is refused (act_date_refused)."
        ),
    )


class DocumentSignatureSerializer(serializers.Serializer[Any]):
    """What a signature covers and whether the document still matches it."""

    revision = serializers.CharField()
    signer = serializers.IntegerField()
    signer_name = serializers.CharField()
    capacity = serializers.CharField()
    signature_block = serializers.ListField(child=serializers.CharField())
    authority = serializers.CharField()
    signed_at = serializers.DateTimeField()
    sha256 = serializers.CharField(help_text=_("SHA-256 of the signed PDF, as recorded."))
    document_sha256 = serializers.CharField(help_text=_("SHA-256 of the PDF served now."))
    valid = serializers.BooleanField()
    download = serializers.CharField()
