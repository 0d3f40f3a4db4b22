"""Shapes of what the API reads and writes; the services do every check that matters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.audit.models import AuditEvent
from approvals.organisation.models import OrgUnit, Position, UnitKind
from approvals.organisation.resolver import user_label
from approvals.registers.models import DocumentKind, Register, RegisterEntry
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState, Title
from workflows.plans.models import (
    Consultation,
    ConsultationStatus,
    Dispatch,
    Plan,
    PlanState,
    ReportDue,
    ReportPeriod,
)

#: The largest id a database integer column holds; a bigger one is a 400, never a 500.
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """An object id: a positive whole number the database can hold."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class RelatedId(serializers.PrimaryKeyRelatedField):
    """A primary key checked for range before the database is asked."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            value = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, bool) or not 1 <= value <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(value)


# --- errors ------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer[Any]):
    """Every refusal: a stable code, a message for people, and field errors when any."""

    code = serializers.CharField(help_text=_("Stable, machine-readable reason."))
    message = serializers.CharField(help_text=_("What went wrong, in the request's language."))
    fields = serializers.DictField(
        child=serializers.JSONField(), help_text=_("Errors per input field (may be empty).")
    )


# --- organisation ----------------------------------------------------------------------------


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


# --- plans ---------------------------------------------------------------------------------------


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


class StepSerializer(serializers.Serializer[Any]):
    """A review or signature step: an optional comment and the revision the user looked at."""

    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    seen_revision = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The revision the user reviewed; if the plan has a newer one the answer is 409."
        ),
    )
    seen_state = serializers.ChoiceField(
        choices=PlanState.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The state the user saw the plan in; if another user has moved it on since, "
            "the answer is 409 (wrong_state) and nothing is changed."
        ),
    )


def pin_field() -> serializers.CharField:
    """The PIN of the signer's token, typed at signing where the server has none."""
    return serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        style={"input_type": "password"},
        help_text=_(
            "The PIN of the signer's token (PKCS#11) when it is not configured on the server; "
            "never stored."
        ),
    )


class SignSerializer(StepSerializer):
    """The signature step: as a review step, plus the PIN of the signer's token if needed."""

    pin = pin_field()


class ReturnSerializer(StepSerializer):
    comment = serializers.CharField(max_length=5000, help_text=_("What must change."))


class CommentSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReportSubmitSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=100000)
    inputs = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        help_text=_("Reports of units below that this report compiles."),
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


# --- nominations -------------------------------------------------------------------------------


class DossierSerializer(serializers.ModelSerializer[Dossier]):
    title = serializers.ChoiceField(choices=Title.choices, read_only=True)
    title_label = serializers.CharField(source="get_title_display", read_only=True)
    state = serializers.ChoiceField(choices=DossierState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    symbol = serializers.CharField(
        source="register_entry.symbol", read_only=True, allow_null=True, default=None
    )
    signed = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    posting_due_on = serializers.DateField(
        source="posting_deadline.due_on", read_only=True, allow_null=True, default=None
    )
    decision_due_on = serializers.DateField(
        source="decision_deadline.due_on", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "title",
            "title_label",
            "year",
            "proposing_unit",
            "deciding_unit",
            "state",
            "state_label",
            "started_on",
            "posting_due_on",
            "decision_due_on",
            "overdue",
            "symbol",
            "signed",
            "late_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_signed(self, obj: Dossier) -> bool:
        return obj.signature_id is not None


class DossierCreateSerializer(serializers.Serializer[Any]):
    title = serializers.ChoiceField(choices=Title.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    proposing_unit = RelatedId(queryset=OrgUnit.objects.all())


class CandidateSerializer(serializers.ModelSerializer[Candidate]):
    state = serializers.ChoiceField(choices=CandidateState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    label = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [
            "id",
            "dossier",
            "title",
            "year",
            "household",
            "unit",
            "person",
            "label",
            "state",
            "state_label",
            "votes_for",
            "votes_cast",
            "objection",
            "consecutive_years",
            "revocation_ground",
            "revocation_note",
        ]
        read_only_fields = fields

    def get_label(self, obj: Candidate) -> str:
        if obj.household_id and obj.household is not None:
            return f"{obj.household.code} — {obj.household.head_name}"
        if obj.unit_id and obj.unit is not None:
            return str(obj.unit.name)
        return user_label(obj.person) if obj.person is not None else ""


class CandidatesAddSerializer(serializers.Serializer[Any]):
    """Candidates to register in bulk, by id; the title says which list it takes."""

    households = serializers.ListField(
        child=IdField(), required=False, default=list, max_length=50000
    )
    units = serializers.ListField(child=IdField(), required=False, default=list, max_length=5000)
    people = serializers.ListField(child=IdField(), required=False, default=list, max_length=5000)


class VoteSerializer(serializers.Serializer[Any]):
    candidate = IdField()
    votes_for = serializers.IntegerField(min_value=0)


class MeetingSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    invited = serializers.IntegerField(min_value=1, max_value=1000000)
    present = serializers.IntegerField(min_value=0, max_value=1000000)
    chaired_by = serializers.CharField(max_length=255)
    minutes = serializers.CharField(max_length=100000, required=False, allow_blank=True, default="")
    votes = VoteSerializer(many=True)


class CouncilSerializer(serializers.Serializer[Any]):
    """An emulation council's review of the dossier's candidates."""

    held_on = serializers.DateField()
    members = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    present = serializers.IntegerField(min_value=0, max_value=1000, required=False, allow_null=True)
    minutes = serializers.CharField(max_length=100000)
    refused = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=5000,
        help_text=_("Candidates of this dossier the council rejects."),
    )
    votes = VoteSerializer(
        many=True,
        required=False,
        allow_null=True,
        help_text=_(
            "Every candidate's votes, required when the rules set the council's approval "
            "share (then members and present too)."
        ),
    )


class ReportSerializer(serializers.Serializer[Any]):
    report = serializers.CharField(max_length=100000, help_text=_("The achievement report."))


class MeetingResultSerializer(serializers.Serializer[Any]):
    dossier = serializers.IntegerField()
    held_on = serializers.DateField()
    invited = serializers.IntegerField()
    present = serializers.IntegerField()
    chaired_by = serializers.CharField()


class ObjectionSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=10000)
    upheld = serializers.BooleanField()


class DecideSerializer(serializers.Serializer[Any]):
    late_reason = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required once the decision's time limit has passed."),
    )
    pin = pin_field()


class RevokeSerializer(serializers.Serializer[Any]):
    ground = serializers.CharField(max_length=64)
    note = serializers.CharField(max_length=10000)


class ReturnDossierSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000)


# --- registers, audit, dashboard ----------------------------------------------------------------


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


class StepCountSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    title_label = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    count = serializers.IntegerField()
    overdue = serializers.IntegerField()


class PlanStateCountSerializer(serializers.Serializer[Any]):
    state = serializers.CharField()
    state_label = serializers.CharField()
    count = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    dossiers_by_step = StepCountSerializer(many=True)
    plans_by_state = PlanStateCountSerializer(many=True)
    reports_overdue = serializers.IntegerField()


class ShareRowSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    total = serializers.IntegerField()
    recognised = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class RecognitionShareSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    year = serializers.IntegerField()
    title = serializers.CharField()
    target = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rows = ShareRowSerializer(many=True)
    overall = ShareRowSerializer()


# --- authentication ----------------------------------------------------------------------------


class CredentialsSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    otp_token = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=(
            "The 6-digit code of the user's authenticator app, or one of their recovery codes "
            "(used up); required when the user has set up two-step verification. Without it the "
            "answer is 401 otp_required, with a wrong one 401 otp_invalid; an account that must "
            "use two-step verification (OTP_REQUIRED) and has not set it up gets 403 "
            "otp_enrolment_required."
        ),
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    positions = PositionSerializer(many=True)
