"""Nomination dossiers, candidates and their steps as the API reads and writes them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import user_label
from workflows.api.serializers.fields import IdField, RelatedId, pin_field
from workflows.api.serializers.paper import PaperDecisionRecordSerializer
from workflows.nominations.cycle import dossier_warnings
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Dossier,
    DossierState,
    Meeting,
    Title,
)
from workflows.nominations.paper_models import paper_decision_of


class MeetingRecordSerializer(serializers.ModelSerializer[Meeting]):
    """A review meeting as held: attendance, the quorum the rules required, its minutes."""

    class Meta:
        model = Meeting
        fields = [
            "id",
            "held_on",
            "invited",
            "present",
            "quorum_percent",
            "quorate",
            "chaired_by",
            "minutes",
            "recorded_at",
        ]
        read_only_fields = fields


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
    meetings = MeetingRecordSerializer(
        many=True,
        read_only=True,
        help_text=_("Every review meeting held, the inquorate ones included, oldest first."),
    )
    meeting = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text=_("The quorate meeting whose votes the decision rests on."),
    )
    issued_on = serializers.DateField(
        source="register_entry.issued_on", read_only=True, allow_null=True, default=None
    )
    issue_recorded_at = serializers.DateTimeField(
        source="register_entry.created_at", read_only=True, allow_null=True, default=None
    )
    warnings = serializers.SerializerMethodField(
        help_text=_("What the user is warned of, e.g. a submission after the review deadline.")
    )
    decision_on_paper = serializers.SerializerMethodField(
        help_text=_("The decision was issued on paper and recorded after the fact.")
    )
    paper_decision = serializers.SerializerMethodField(
        help_text=_("The paper decision recorded after the fact, if any.")
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
            "meeting",
            "meetings",
            "late_reason",
            "decided_on",
            "decision_recorded_at",
            "issued_on",
            "issue_recorded_at",
            "review_deadline_missed",
            "warnings",
            "decision_on_paper",
            "paper_decision",
            "handed_over_from",
            "handed_over_on",
            "created_at",
        ]
        read_only_fields = fields

    def get_signed(self, obj: Dossier) -> bool:
        return obj.signature_id is not None

    def get_warnings(self, obj: Dossier) -> list[str]:
        return dossier_warnings(obj)

    def get_decision_on_paper(self, obj: Dossier) -> bool:
        return paper_decision_of(obj) is not None

    @extend_schema_field(PaperDecisionRecordSerializer(allow_null=True))
    def get_paper_decision(self, obj: Dossier) -> dict[str, Any] | None:
        paper = paper_decision_of(obj)
        return None if paper is None else dict(PaperDecisionRecordSerializer(paper).data)


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
    votes = VoteSerializer(
        many=True,
        required=False,
        default=list,
        help_text=_(
            "Every registered candidate's votes; none are counted (and none are needed) when "
            "the meeting lacked the quorum, which is recorded as inquorate."
        ),
    )


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
    received_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The day the objection was received; today when not given."),
    )


class PostingSerializer(serializers.Serializer[Any]):
    starts_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The day the list went up; today when not given. A posting cannot start before "
            "the day it is recorded."
        ),
    )


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
