"""``/api/candidates/``: candidates one by one (objections, reports, revocations)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api import serializers as s
from workflows.api.filters import CandidateFilter
from workflows.api.selectors import NOMINATIONS_ACT_FOR_PARENT, audit_trail, candidate_list_visible
from workflows.api.views.base import IDEMPOTENCY_HEADER, Scoped, audit_page, validated
from workflows.nominations.models import Candidate
from workflows.nominations.services import (
    candidate_report_record,
    candidate_revoke,
    objection_record,
)


@extend_schema(tags=["nominations"])
class CandidateViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Candidate]):
    """Candidates of the dossiers the user may see; objections and revocations one by one."""

    acts_for_parent = NOMINATIONS_ACT_FOR_PARENT

    serializer_class = s.CandidateSerializer
    filterset_class = CandidateFilter

    def get_queryset(self) -> QuerySet[Candidate]:
        if self.fake():
            return candidate_list_visible(paths=[])
        return candidate_list_visible(paths=self.paths())

    @extend_schema(
        request=s.ObjectionSerializer,
        responses={200: s.CandidateSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def objection(self, request: Request, pk: str | None = None) -> Response:
        """Record a resident's objection during the posting; an upheld one strikes it."""
        candidate = self.get_object()
        data = validated(s.ObjectionSerializer, request)
        objection_record(
            candidate=candidate,
            user=request.user,
            text=data["text"],
            upheld=data["upheld"],
            on=data["received_on"],
        )
        return Response(s.CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)

    @extend_schema(
        request=s.ReportSerializer,
        responses={200: s.CandidateSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        """File the candidate's achievement report (before the review, or after a return)."""
        candidate = self.get_object()
        data = validated(s.ReportSerializer, request)
        candidate_report_record(candidate=candidate, user=request.user, report=data["report"])
        return Response(s.CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)

    @extend_schema(
        request=s.RevokeSerializer,
        responses={200: s.CandidateSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """Annul one candidate's title on a legal ground."""
        candidate = self.get_object()
        data = validated(s.RevokeSerializer, request)
        candidate_revoke(
            candidate=candidate, user=request.user, ground=data["ground"], note=data["note"]
        )
        return Response(s.CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)

    @extend_schema(responses={200: s.AuditEventSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def audit(self, request: Request, pk: str | None = None) -> Response:
        """The candidate's audit trail."""
        candidate = self.get_object()
        return audit_page(
            self, audit_trail(subject_type="nominations.candidate", subject_id=candidate.pk)
        )
