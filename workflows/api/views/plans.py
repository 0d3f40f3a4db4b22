"""``/api/plans/``, ``/api/dispatches/``, ``/api/consultations/``, ``/api/reports/``."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from approvals.audit.models import Signature
from approvals.downloads import file_download
from approvals.organisation.resolver import user_label
from workflows.api import serializers as s
from workflows.api.filters import PlanFilter
from workflows.api.selectors import (
    audit_trail,
    consultation_list_visible,
    dispatch_list_visible,
    plan_list_visible,
    report_list_visible,
)
from workflows.api.views.base import IDEMPOTENCY_HEADER, Scoped, audit_page, validated
from workflows.plans import documents, esign
from workflows.plans import flow_actions as plan_flow
from workflows.plans.models import Consultation, Dispatch, Plan, ReportDue
from workflows.plans.services import dispatch_acknowledge, plan_create, plan_edit, report_submit


def _plan_detail(plan_id: int, request: Request) -> Response:
    plan = (
        Plan.objects.select_related(
            "issuing_agency", "drafting_unit", "kind", "author", "register_entry"
        )
        .prefetch_related(
            "recipient_units",
            "consulted_agencies",
            "basis_plans",
            Prefetch("dispatches", queryset=Dispatch.objects.select_related("unit")),
            Prefetch("reports", queryset=ReportDue.objects.select_related("unit")),
        )
        .get(pk=plan_id)
    )
    return Response(s.PlanDetailSerializer(plan, context={"request": request}).data)


@extend_schema(tags=["plans"])
class PlanViewSet(Scoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Plan]):
    """Plans the user may see; every step through the plan's workflow."""

    filterset_class = PlanFilter

    def get_queryset(self) -> QuerySet[Plan]:
        if self.fake():
            return plan_list_visible(paths=[])
        return plan_list_visible(paths=self.paths())

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.PlanDetailSerializer if self.action != "list" else s.PlanSerializer

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        """The document is a PDF whatever ``Accept`` says; its refusals are JSON."""
        if self.action == "document":
            return (JSONRenderer(), JSONRenderer.media_type)
        return super().perform_content_negotiation(request, force)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return _plan_detail(self.get_object().pk, request)

    @extend_schema(
        request=s.PlanCreateSerializer,
        responses={201: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a draft (the drafter's unit must allow the user to draft)."""
        data = validated(s.PlanCreateSerializer, request, visible_plans=self.get_queryset())
        plan = plan_create(user=request.user, **data)
        response = _plan_detail(plan.pk, request)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.PlanEditSerializer, responses={200: s.PlanDetailSerializer})
    @action(detail=True, methods=["put"], url_path="content")
    def edit(self, request: Request, pk: str | None = None) -> Response:
        """Save a new revision of the draft (its drafter only)."""
        plan = self.get_object()
        data = validated(s.PlanEditSerializer, request)
        plan_edit(plan=plan, user=request.user, content=data["content"])
        return _plan_detail(plan.pk, request)

    def _step(self, request: Request, serializer_class: Any, run: Any) -> Response:
        plan = self.get_object()
        data = validated(serializer_class, request)
        run(plan, request.user, data)
        return _plan_detail(plan.pk, request)

    @extend_schema(
        request=s.CommentSerializer,
        responses={200: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The drafter submits (or resubmits after a return)."""
        return self._step(
            request,
            s.CommentSerializer,
            lambda p, u, d: plan_flow.flow_submit(p, u, comment=d["comment"]),
        )

    @extend_schema(
        request=s.StepSerializer,
        responses={200: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """The division head or the office approves the current revision."""
        return self._step(
            request,
            s.StepSerializer,
            lambda p, u, d: plan_flow.flow_approve(
                p,
                u,
                comment=d["comment"],
                seen_revision=d["seen_revision"],
                seen_state=d["seen_state"],
            ),
        )

    @extend_schema(
        request=s.ReturnSerializer,
        responses={200: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_drafter(self, request: Request, pk: str | None = None) -> Response:
        """A review, the consultation or the signature returns the plan with a comment."""
        return self._step(
            request,
            s.ReturnSerializer,
            lambda p, u, d: plan_flow.flow_return(
                p,
                u,
                comment=d["comment"],
                seen_revision=d["seen_revision"],
                seen_state=d["seen_state"],
            ),
        )

    @extend_schema(
        request=s.SignSerializer,
        responses={200: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """A competent leader signs the current revision."""
        return self._step(
            request,
            s.SignSerializer,
            lambda p, u, d: plan_flow.flow_sign(
                p,
                u,
                comment=d["comment"],
                seen_revision=d["seen_revision"],
                seen_state=d["seen_state"],
                pin=d["pin"] or None,
            ),
        )

    @extend_schema(
        request=s.IssueSerializer,
        responses={200: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        """The records clerk numbers, dates, dispatches and files the signed plan."""
        return self._step(
            request,
            s.IssueSerializer,
            lambda p, u, d: plan_flow.flow_issue(p, u, issued_on=d["issued_on"]),
        )

    @extend_schema(
        request=s.CommentSerializer,
        responses={200: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The drafter withdraws the plan before signature."""
        return self._step(
            request,
            s.CommentSerializer,
            lambda p, u, d: plan_flow.flow_withdraw(p, u, comment=d["comment"]),
        )

    @extend_schema(
        request=s.ReturnSerializer,
        responses={200: s.PlanDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """The final review closes the plan once every report is in."""
        return self._step(
            request,
            s.ReturnSerializer,
            lambda p, u, d: plan_flow.flow_close(p, u, comment=d["comment"]),
        )

    @extend_schema(responses={200: s.AuditEventSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def audit(self, request: Request, pk: str | None = None) -> Response:
        """The plan's audit trail, in chain order."""
        plan = self.get_object()
        return audit_page(self, audit_trail(subject_type="plans.plan", subject_id=plan.pk))

    def _signed(self) -> tuple[Plan, Signature, bytes]:
        plan = self.get_object()
        signature = plan.signature
        if signature is None:
            raise exceptions.NotFound(_("The plan has not been signed."))
        pdf = documents.signed_document(plan)
        return plan, signature, pdf

    @extend_schema(responses={200: s.DocumentSignatureSerializer})
    @action(detail=True, methods=["get"], filterset_class=None)
    def signature(self, request: Request, pk: str | None = None) -> Response:
        """The signature of the plan and the SHA-256 of the signed PDF."""
        plan, signature, pdf = self._signed()
        digest = hashlib.sha256(pdf).hexdigest()
        return Response(
            {
                "revision": signature.revision,
                "signer": signature.signer_id,
                "signer_name": user_label(signature.signer),
                "capacity": signature.capacity,
                "signature_block": signature.signature_lines,
                "authority": signature.authority,
                "signed_at": signature.signed_at,
                "sha256": signature.content_sha256,
                "document_sha256": digest,
                "valid": digest == signature.content_sha256,
                "download": request.build_absolute_uri(f"/api/plans/{plan.pk}/document/"),
            }
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The signed PDF; header X-Content-SHA256."
            )
        }
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def document(self, request: Request, pk: str | None = None) -> HttpResponse:
        """Download the plan's PDF as its recipients get it: once issued, the issued file
        (numbered, dated, with the agency's signature); before, the signed file (the bytes
        the signature covers)."""
        plan, signature, pdf = self._signed()
        pdf = esign.issued_pdf(plan) or pdf
        response = file_download(pdf, documents.download_name(plan, "pdf"), "application/pdf")
        response["X-Content-SHA256"] = hashlib.sha256(pdf).hexdigest()
        response["X-Signature-SHA256"] = signature.content_sha256
        return response


@extend_schema(tags=["plans"])
class DispatchViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Dispatch]):
    """Plans dispatched to the user's units; the recipient acknowledges receipt."""

    serializer_class = s.DispatchSerializer
    filterset_fields = ["plan", "unit"]

    def get_queryset(self) -> QuerySet[Dispatch]:
        if self.fake():
            return Dispatch.objects.none()
        return dispatch_list_visible(paths=self.paths())

    @extend_schema(
        request=None, responses={200: s.DispatchSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """Confirm the unit received the plan."""
        dispatch = dispatch_acknowledge(dispatch=self.get_object(), user=request.user)
        return Response(s.DispatchSerializer(dispatch).data)


@extend_schema(tags=["plans"])
class ConsultationViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Consultation]):
    """Opinions asked of the user's agencies on a plan; the agency answers through the flow."""

    serializer_class = s.ConsultationSerializer
    filterset_fields = ["plan", "agency", "status"]

    def get_queryset(self) -> QuerySet[Consultation]:
        if self.fake():
            return Consultation.objects.none()
        return consultation_list_visible(paths=self.paths())

    @extend_schema(
        request=s.AnswerSerializer,
        responses={200: s.ConsultationSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """The consulted agency answers (a late answer is kept and marked late)."""
        consultation = self.get_object()
        data = validated(s.AnswerSerializer, request)
        plan_flow.flow_answer(consultation, request.user, answer=data["answer"])
        fresh = self.get_queryset().get(pk=consultation.pk)
        return Response(s.ConsultationSerializer(fresh).data)


@extend_schema(tags=["plans"])
class ReportViewSet(Scoped, viewsets.ReadOnlyModelViewSet[ReportDue]):
    """Periodic reports owed by or sent to the user's units."""

    serializer_class = s.ReportDueSerializer
    filterset_fields = ["plan", "unit", "recipient", "period"]

    def get_queryset(self) -> QuerySet[ReportDue]:
        if self.fake():
            return ReportDue.objects.none()
        return report_list_visible(paths=self.paths())

    @extend_schema(
        request=s.ReportSubmitSerializer,
        responses={200: s.ReportDueSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The unit sends its report; a compiled one names the reports it rolls up."""
        report = self.get_object()
        data = validated(s.ReportSubmitSerializer, request)
        inputs = list(self.get_queryset().filter(pk__in=data["inputs"]))
        if len(inputs) != len(set(data["inputs"])):
            raise exceptions.ValidationError({"inputs": [_("Unknown report.")]})
        done = report_submit(
            report=report, user=request.user, text=data["text"], on=data["on"], inputs=inputs
        )
        return Response(s.ReportDueSerializer(done).data)
