"""Shapes of what the API reads and writes, one module per resource; the services do the checks."""

from __future__ import annotations

from workflows.api.serializers.audit import AuditEventSerializer
from workflows.api.serializers.auth import CredentialsSerializer, MeSerializer, TokenSerializer
from workflows.api.serializers.dashboard import (
    DashboardSerializer,
    PlanStateCountSerializer,
    RecognitionShareSerializer,
    ShareRowSerializer,
    StepCountSerializer,
)
from workflows.api.serializers.errors import ErrorSerializer
from workflows.api.serializers.fields import MAX_ID, IdField, RelatedId, pin_field
from workflows.api.serializers.jobs import JobSerializer
from workflows.api.serializers.nominations import (
    CandidatesAddSerializer,
    CandidateSerializer,
    CouncilSerializer,
    DecideSerializer,
    DossierCreateSerializer,
    DossierSerializer,
    MeetingRecordSerializer,
    MeetingResultSerializer,
    MeetingSerializer,
    ObjectionSerializer,
    PostingSerializer,
    ReportSerializer,
    ReturnDossierSerializer,
    RevokeSerializer,
    VoteSerializer,
)
from workflows.api.serializers.organisation import OrgUnitSerializer, PositionSerializer
from workflows.api.serializers.paper import (
    PaperDecisionRecordSerializer,
    PaperDecisionSerializer,
)
from workflows.api.serializers.plans import (
    AnswerSerializer,
    ConsultationSerializer,
    DispatchSerializer,
    DocumentSignatureSerializer,
    IssueSerializer,
    ItemSerializer,
    PlanContentSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanEditSerializer,
    PlanSerializer,
    ReportDueSerializer,
    ReportingSerializer,
    ReportSubmitSerializer,
    SectionSerializer,
    TaskSerializer,
)
from workflows.api.serializers.registers import RegisterEntrySerializer, RegisterSerializer
from workflows.api.serializers.steps import (
    CommentSerializer,
    ReturnSerializer,
    SignSerializer,
    StepSerializer,
)

__all__ = [
    "MAX_ID",
    "AnswerSerializer",
    "AuditEventSerializer",
    "CandidateSerializer",
    "CandidatesAddSerializer",
    "CommentSerializer",
    "ConsultationSerializer",
    "CouncilSerializer",
    "CredentialsSerializer",
    "DashboardSerializer",
    "DecideSerializer",
    "DispatchSerializer",
    "DocumentSignatureSerializer",
    "DossierCreateSerializer",
    "DossierSerializer",
    "ErrorSerializer",
    "IdField",
    "IssueSerializer",
    "ItemSerializer",
    "JobSerializer",
    "MeSerializer",
    "MeetingRecordSerializer",
    "MeetingResultSerializer",
    "MeetingSerializer",
    "ObjectionSerializer",
    "OrgUnitSerializer",
    "PaperDecisionRecordSerializer",
    "PaperDecisionSerializer",
    "PlanContentSerializer",
    "PlanCreateSerializer",
    "PlanDetailSerializer",
    "PlanEditSerializer",
    "PlanSerializer",
    "PlanStateCountSerializer",
    "PositionSerializer",
    "PostingSerializer",
    "RecognitionShareSerializer",
    "RegisterEntrySerializer",
    "RegisterSerializer",
    "RelatedId",
    "ReportDueSerializer",
    "ReportSerializer",
    "ReportSubmitSerializer",
    "ReportingSerializer",
    "ReturnDossierSerializer",
    "ReturnSerializer",
    "RevokeSerializer",
    "SectionSerializer",
    "ShareRowSerializer",
    "SignSerializer",
    "StepCountSerializer",
    "StepSerializer",
    "TaskSerializer",
    "TokenSerializer",
    "VoteSerializer",
    "pin_field",
]
