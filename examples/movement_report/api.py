"""The REST endpoint: the same selectors and services as the pages.

``/reports/`` lists what the user may see and drafts a report (POST); ``/reports/<id>/submit/``,
``review/`` and ``approve/`` take a step. A refusal answers ``{"code", "message"}`` with the
engine's stable code: 403 not permitted, 409 wrong state or deadline passed, 400 bad input.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from approvals.exceptions import (
    ActionNotPermitted,
    ApprovalError,
    ConcurrentUpdate,
    DeadlinePassed,
    InvalidTransition,
)
from approvals.organisation.models import OrgUnit
from examples.movement_report.models import MovementReport, ReportPeriod
from examples.movement_report.selectors import report_list_visible
from examples.movement_report.services import (
    report_approve,
    report_create,
    report_review,
    report_submit,
)


class ReportSerializer(serializers.ModelSerializer[MovementReport]):
    """A report as the API shows it."""

    class Meta:
        model = MovementReport
        fields = ["id", "unit", "recipient", "year", "period", "text", "due_on", "state"]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer[Any]):
    """What a drafter sends to start a report."""

    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    recipient = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=ReportPeriod.choices)
    text = serializers.CharField()


class StepSerializer(serializers.Serializer[Any]):
    """A step's optional comment."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")


def refusal_status(exc: ApprovalError) -> int:
    """The HTTP status of an engine refusal."""
    if isinstance(exc, ActionNotPermitted):
        return int(status.HTTP_403_FORBIDDEN)
    if isinstance(exc, InvalidTransition | ConcurrentUpdate | DeadlinePassed):
        return int(status.HTTP_409_CONFLICT)
    return int(status.HTTP_400_BAD_REQUEST)


class ReportViewSet(viewsets.ReadOnlyModelViewSet[MovementReport]):
    """Movement result reports visible to the user, and their steps."""

    serializer_class = ReportSerializer

    def get_queryset(self) -> Any:
        return report_list_visible(user=self.request.user, day=timezone.localdate())

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ApprovalError):
            return Response({"code": exc.code, "message": str(exc)}, status=refusal_status(exc))
        return super().handle_exception(exc)

    def create(self, request: Request) -> Response:
        given = ReportCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        report = report_create(user=request.user, **given.validated_data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def _step(self, request: Request, service: Any) -> Response:
        given = StepSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        report = service(report=self.get_object(), user=request.user, **given.validated_data)
        return Response(ReportSerializer(report).data)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The drafter sends the report to the division head."""
        return self._step(request, report_submit)

    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """The division head checks the report and sends it on."""
        return self._step(request, report_review)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """The department's leadership approves the report."""
        return self._step(request, report_approve)
