"""The API's views: reads through the scoped selectors, changes through the flow actions.

Every change goes through the same function a web page calls: the flow action where the
process has a flow (so the viewflow tasks stay in step), the service otherwise. An object
outside the user's scope answers 404 before anything else is looked at.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from approvals.audit.models import Signature
from approvals.organisation.models import OrgUnit, Position
from approvals.organisation.resolver import user_label
from approvals.registers.models import Register
from workflows.api import serializers as s
from workflows.api.csrf import CsrfEnforced
from workflows.api.filters import CandidateFilter, DossierFilter, PlanFilter
from workflows.api.idempotency import KEY_PATTERN, IdempotentMixin
from workflows.api.selectors import (
    ACTS_FOR_PARENT,
    NOMINATIONS_ACT_FOR_PARENT,
    audit_trail,
    candidate_list_visible,
    consultation_list_visible,
    dispatch_list_visible,
    dossier_list_visible,
    entry_list,
    plan_list_visible,
    position_list_visible,
    register_list_visible,
    report_list_visible,
    scope_paths,
    unit_list_visible,
)
from workflows.api.twofactor import second_step
from workflows.nominations import flow_actions as dossier_flow
from workflows.nominations.exports import decision_document, recognised_csv, recognised_xlsx
from workflows.nominations.models import Candidate, Dossier, DossierState, Household
from workflows.nominations.selectors import dossier_counts_by_step, recognition_share
from workflows.nominations.services import (
    candidate_report_record,
    candidate_revoke,
    dossier_create,
    objection_record,
)
from workflows.plans import documents, esign
from workflows.plans import flow_actions as plan_flow
from workflows.plans.models import Consultation, Dispatch, Plan, PlanState, ReportDue
from workflows.plans.services import dispatch_acknowledge, plan_create, plan_edit, report_submit

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a POST with the same key to get the first response, not a second action.",
)


class AuthThrottle(ScopedRateThrottle):
    """The rate limit of the login and token endpoints (scope ``auth``)."""

    scope_attr = "throttle_scope"

    def timer(self) -> float:
        # Read the clock at each call: DRF's class attribute ``time.time`` is bound once,
        # at import, and a test clock active then would stay in it.
        return time.time()


class InvalidCredentials(exceptions.APIException):
    """A username and password that do not match an active account."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_credentials"


class Localised:
    """Answer in the request's language (``Accept-Language``; the site's cookie first).

    The site's unprefixed URLs are in the default language, so ``/api/`` activates its own.
    """

    _language: str = ""
    _previous_language: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._previous_language = translation.get_language()
        self._language = translation.get_language_from_request(request._request, check_path=False)
        translation.activate(self._language)
        request._request.LANGUAGE_CODE = self._language
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if self._language:
            response.headers["Content-Language"] = self._language
            if self._previous_language:  # the thread's language as it was before the request
                translation.activate(self._previous_language)
        return response


class Scoped(Localised, IdempotentMixin):
    """The user's scope (path prefixes of the units they may read), once per request."""

    request: Request
    _paths: list[str] | None = None
    #: Units whose positions also cover the unit above (see :mod:`workflows.api.selectors`).
    acts_for_parent: tuple[str, ...] = ACTS_FOR_PARENT

    def paths(self) -> list[str]:
        if self._paths is None:
            self._paths = scope_paths(
                user=self.request.user,
                day=timezone.localdate(),
                acts_for_parent=self.acts_for_parent,
            )
        return self._paths

    def fake(self) -> bool:
        """Schema generation calls views without a real user."""
        return bool(getattr(self, "swagger_fake_view", False))


def _valid(
    serializer_class: type[serializers.Serializer[Any]], request: Request, **ctx: Any
) -> Any:
    serializer = serializer_class(data=request.data, context={"request": request, **ctx})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- organisation --------------------------------------------------------------------------------


class OrgUnitViewSet(Scoped, viewsets.ReadOnlyModelViewSet[OrgUnit]):
    """Organisation units inside the user's scope."""

    serializer_class = s.OrgUnitSerializer
    filterset_fields = ["kind", "parent"]

    def get_queryset(self) -> QuerySet[OrgUnit]:
        if self.fake():
            return OrgUnit.objects.none()
        return unit_list_visible(paths=self.paths())


class PositionViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Position]):
    """Positions held at units inside the user's scope."""

    serializer_class = s.PositionSerializer
    filterset_fields = ["unit", "user"]

    def get_queryset(self) -> QuerySet[Position]:
        if self.fake():
            return Position.objects.none()
        return position_list_visible(paths=self.paths())


# --- plans -------------------------------------------------------------------------------------


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
        data = _valid(s.PlanCreateSerializer, request, visible_plans=self.get_queryset())
        plan = plan_create(user=request.user, **data)
        response = _plan_detail(plan.pk, request)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.PlanEditSerializer, responses={200: s.PlanDetailSerializer})
    @action(detail=True, methods=["put"], url_path="content")
    def edit(self, request: Request, pk: str | None = None) -> Response:
        """Save a new revision of the draft (its drafter only)."""
        plan = self.get_object()
        data = _valid(s.PlanEditSerializer, request)
        plan_edit(plan=plan, user=request.user, content=data["content"])
        return _plan_detail(plan.pk, request)

    def _step(self, request: Request, serializer_class: Any, run: Any) -> Response:
        plan = self.get_object()
        data = _valid(serializer_class, request)
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
        request=None, responses={200: s.PlanDetailSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        """The records clerk numbers, dates, dispatches and files the signed plan."""
        plan = self.get_object()
        plan_flow.flow_issue(plan, request.user)
        return _plan_detail(plan.pk, request)

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
        return _paginated(self, audit_trail(subject_type="plans.plan", subject_id=plan.pk))

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
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.pdf"'
        response["X-Content-SHA256"] = hashlib.sha256(pdf).hexdigest()
        response["X-Signature-SHA256"] = signature.content_sha256
        return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": DOCX,
    "xlsx": XLSX,
    "csv": "text/csv; charset=utf-8",
}


def _file(data: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=_FILE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-SHA256"] = hashlib.sha256(data).hexdigest()
    return response


def _paginated(view: Any, queryset: QuerySet[Any]) -> Response:
    serializer_class = s.AuditEventSerializer
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(serializer_class(page, many=True).data)


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
        data = _valid(s.AnswerSerializer, request)
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
        data = _valid(s.ReportSubmitSerializer, request)
        inputs = list(self.get_queryset().filter(pk__in=data["inputs"]))
        if len(inputs) != len(set(data["inputs"])):
            raise exceptions.ValidationError({"inputs": [_("Unknown report.")]})
        done = report_submit(report=report, user=request.user, text=data["text"], inputs=inputs)
        return Response(s.ReportDueSerializer(done).data)


# --- nominations ---------------------------------------------------------------------------------


def _dossier_detail(view: Scoped, dossier_id: int, request: Request) -> Response:
    dossier = dossier_list_visible(paths=view.paths(), day=timezone.localdate()).get(pk=dossier_id)
    return Response(s.DossierSerializer(dossier, context={"request": request}).data)


@extend_schema(tags=["nominations"])
class DossierViewSet(Scoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Dossier]):
    """Nomination dossiers the user may see; every step through the dossier's workflow."""

    acts_for_parent = NOMINATIONS_ACT_FOR_PARENT

    serializer_class = s.DossierSerializer
    filterset_class = DossierFilter

    def get_queryset(self) -> QuerySet[Dossier]:
        if self.fake():
            return dossier_list_visible(paths=[], day=timezone.localdate())
        return dossier_list_visible(paths=self.paths(), day=timezone.localdate())

    @extend_schema(
        request=s.DossierCreateSerializer,
        responses={201: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a dossier and start its workflow."""
        data = _valid(s.DossierCreateSerializer, request)
        with transaction.atomic():
            dossier = dossier_create(user=request.user, **data)
            dossier_flow.flow_start(dossier, request.user)
        response = _dossier_detail(self, dossier.pk, request)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _step(self, request: Request, serializer_class: Any, run: Any) -> Response:
        dossier = self.get_object()
        data = _valid(serializer_class, request) if serializer_class is not None else {}
        run(dossier, request.user, data)
        return _dossier_detail(self, dossier.pk, request)

    @extend_schema(
        responses={200: s.CandidateSerializer(many=True)},
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, description="Only candidates in it")
        ],
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def candidates(self, request: Request, pk: str | None = None) -> Response:
        """The dossier's candidates (paginated)."""
        dossier = self.get_object()
        queryset = candidate_list_visible(paths=self.paths()).filter(dossier=dossier)
        state = request.query_params.get("state")
        if state:
            queryset = queryset.filter(state=state)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.CandidateSerializer(page, many=True).data)

    @extend_schema(
        request=s.CandidatesAddSerializer,
        responses={201: s.CandidateSerializer(many=True)},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @candidates.mapping.post
    def add_candidates(self, request: Request, pk: str | None = None) -> Response:
        """Register candidates in bulk; every refused one is named and none is added."""
        dossier = self.get_object()
        data = _valid(s.CandidatesAddSerializer, request)
        households = _by_ids(Household.objects.all(), data["households"], "households")
        units = _by_ids(OrgUnit.objects.all(), data["units"], "units")
        people = _by_ids(get_user_model().objects.all(), data["people"], "people")
        created = dossier_flow.flow_register(
            dossier, request.user, households=households, units=units, people=people
        )
        return Response(
            s.CandidateSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.MeetingSerializer,
        responses={200: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def meeting(self, request: Request, pk: str | None = None) -> Response:
        """Record the review meeting: attendance and each candidate's votes."""

        def run(dossier: Dossier, user: Any, d: dict[str, Any]) -> None:
            votes: dict[int, int] = {}
            for vote in d["votes"]:
                votes[vote["candidate"]] = vote["votes_for"]
            dossier_flow.flow_meeting(
                dossier,
                user,
                held_on=d["held_on"],
                invited=d["invited"],
                present=d["present"],
                votes=votes,
                chaired_by=d["chaired_by"],
                minutes=d["minutes"],
            )

        return self._step(request, s.MeetingSerializer, run)

    @extend_schema(
        request=None, responses={200: s.DossierSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    @action(detail=True, methods=["post"])
    def posting(self, request: Request, pk: str | None = None) -> Response:
        """Post the eligible list publicly for the regulation's period."""
        return self._step(request, None, lambda d, u, _d: dossier_flow.flow_open_posting(d, u))

    @extend_schema(
        request=None, responses={200: s.DossierSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit the dossier to the deciding level (or resubmit it after a return)."""
        return self._step(request, None, lambda d, u, _d: dossier_flow.flow_submit(d, u))

    @extend_schema(
        request=s.ReturnDossierSerializer,
        responses={200: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_supplement(self, request: Request, pk: str | None = None) -> Response:
        """The appraisal returns the dossier for supplement; the decision clock stops."""
        return self._step(
            request,
            s.ReturnDossierSerializer,
            lambda d, u, data: dossier_flow.flow_return(d, u, comment=data["comment"]),
        )

    @extend_schema(
        request=s.CouncilSerializer,
        responses={200: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def council(self, request: Request, pk: str | None = None) -> Response:
        """Record the emulation council's review: the proposing level's before the posting
        or the deciding level's after the appraisal; the candidates it rejects drop out."""

        def run(dossier: Dossier, user: Any, d: dict[str, Any]) -> None:
            refused = _by_ids(Candidate.objects.of_dossier(dossier), d["refused"], "refused")
            given = d.get("votes")
            votes = None if given is None else {v["candidate"]: v["votes_for"] for v in given}
            dossier_flow.flow_council(
                dossier,
                user,
                minutes=d["minutes"],
                refused=refused,
                held_on=d["held_on"],
                members=d.get("members"),
                present=d.get("present"),
                votes=votes,
            )

        return self._step(request, s.CouncilSerializer, run)

    @extend_schema(
        request=s.CommentSerializer,
        responses={200: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The appraisal finds the dossier complete."""
        return self._step(
            request,
            s.CommentSerializer,
            lambda d, u, data: dossier_flow.flow_accept(d, u, comment=data["comment"]),
        )

    @extend_schema(
        request=s.DecideSerializer,
        responses={200: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """The competent leader signs the recognition decision: its PDF gets their digital
        signature (``pin``: of their token)."""
        return self._step(
            request,
            s.DecideSerializer,
            lambda d, u, data: dossier_flow.flow_decide(
                d, u, late_reason=data["late_reason"], pin=data["pin"] or None
            ),
        )

    @extend_schema(
        request=None, responses={200: s.DossierSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        """The records clerk numbers the signed decision; the candidates are recognised."""
        return self._step(request, None, lambda d, u, _d: dossier_flow.flow_issue_decision(d, u))

    @extend_schema(responses={200: s.AuditEventSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def audit(self, request: Request, pk: str | None = None) -> Response:
        """The dossier's audit trail (its candidates' events are under each candidate)."""
        dossier = self.get_object()
        return _paginated(
            self, audit_trail(subject_type="nominations.dossier", subject_id=dossier.pk)
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The decision; header X-Content-SHA256."
            ),
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="The decision."),
        }
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=None,
        url_path=r"decision/(?P<fmt>(?:pdf|docx))",
        url_name="decision",
    )
    def decision(self, request: Request, fmt: str, pk: str | None = None) -> HttpResponse:
        """The recognition decision as PDF or DOCX, from the signing step on (a draft with a
        blank number until the records clerk numbers it)."""
        dossier = self.get_object()
        if dossier.state not in (DossierState.DECISION, DossierState.DECIDED):
            raise exceptions.NotFound(_("The dossier has no decision yet."))
        return _file(decision_document(dossier, fmt), f"quyet-dinh-{dossier.pk}", fmt)

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The list."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The list."),
        }
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=None,
        url_path=r"recognised/(?P<fmt>(?:xlsx|csv))",
        url_name="recognised",
    )
    def recognised(self, request: Request, fmt: str, pk: str | None = None) -> HttpResponse:
        """The list of those recognised by the numbered decision, as XLSX or CSV."""
        dossier = self.get_object()
        if dossier.state != DossierState.DECIDED:
            raise exceptions.NotFound(_("The decision has not been numbered yet."))
        data = recognised_xlsx(dossier) if fmt == "xlsx" else recognised_csv(dossier)
        return _file(data, f"danh-sach-{dossier.pk}", fmt)


def _by_ids(queryset: QuerySet[Any], ids: list[int], field: str) -> list[Any]:
    found = queryset.in_bulk(ids)
    missing = sorted(set(ids) - set(found))
    if missing:
        raise exceptions.ValidationError(
            {field: [_("Unknown ids: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]}
        )
    return [found[i] for i in ids]


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
        data = _valid(s.ObjectionSerializer, request)
        objection_record(
            candidate=candidate, user=request.user, text=data["text"], upheld=data["upheld"]
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
        data = _valid(s.ReportSerializer, request)
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
        data = _valid(s.RevokeSerializer, request)
        candidate_revoke(
            candidate=candidate, user=request.user, ground=data["ground"], note=data["note"]
        )
        return Response(s.CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)

    @extend_schema(responses={200: s.AuditEventSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def audit(self, request: Request, pk: str | None = None) -> Response:
        """The candidate's audit trail."""
        candidate = self.get_object()
        return _paginated(
            self, audit_trail(subject_type="nominations.candidate", subject_id=candidate.pk)
        )


# --- registers and dashboard ------------------------------------------------------------------


@extend_schema(tags=["registers"])
class RegisterViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Register]):
    """Document registers of the agencies in the user's scope."""

    serializer_class = s.RegisterSerializer
    filterset_fields = ["agency", "year"]

    def get_queryset(self) -> QuerySet[Register]:
        if self.fake():
            return Register.objects.none()
        return register_list_visible(paths=self.paths())

    @extend_schema(responses={200: s.RegisterEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_fields=[])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        """The register's entries in number order, voided ones included."""
        register = self.get_object()
        page = self.paginate_queryset(entry_list(register=register))
        return self.get_paginated_response(s.RegisterEntrySerializer(page, many=True).data)


@extend_schema(tags=["dashboard"])
class DashboardView(Scoped, APIView):
    """Figures for the user's scope: dossiers waiting per step, plans per state, late reports."""

    @extend_schema(responses={200: s.DashboardSerializer})
    def get(self, request: Request) -> Response:
        day = timezone.localdate()
        plans = plan_list_visible(paths=self.paths())
        by_state = dict(
            plans.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
        )
        overdue = (
            report_list_visible(paths=self.paths())
            .filter(submitted_on__isnull=True, due_on__lt=day, plan__state=PlanState.IN_FORCE)
            .count()
        )
        data = {
            "day": day,
            "dossiers_by_step": [
                {
                    "title": c.title,
                    "title_label": c.title_label,
                    "state": c.state,
                    "state_label": c.state_label,
                    "level": c.level,
                    "level_label": c.level_label,
                    "count": c.count,
                    "overdue": c.overdue,
                }
                for c in dossier_counts_by_step(user=request.user, day=day)
            ],
            "plans_by_state": [
                {"state": state.value, "state_label": str(state.label), "count": by_state[state]}
                for state in PlanState
                if state in by_state
            ],
            "reports_overdue": overdue,
        }
        return Response(s.DashboardSerializer(data).data)


class RecognitionQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.ChoiceField(
        choices=[("cultural_family", "cultural_family"), ("cultural_village", "cultural_village")]
    )


@extend_schema(tags=["dashboard"])
class RecognitionView(Scoped, APIView):
    """Share of households (or villages) holding a title under a unit, against the target."""

    acts_for_parent = NOMINATIONS_ACT_FOR_PARENT

    @extend_schema(
        parameters=[RecognitionQuerySerializer], responses={200: s.RecognitionShareSerializer}
    )
    def get(self, request: Request) -> Response:
        query = RecognitionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = get_object_or_404(
            unit_list_visible(paths=self.paths()), pk=query.validated_data["unit"]
        )
        share = recognition_share(
            unit=unit, year=query.validated_data["year"], title=query.validated_data["title"]
        )
        return Response(s.RecognitionShareSerializer(share).data)


# --- authentication ------------------------------------------------------------------------------


@extend_schema(tags=["auth"])
class TokenView(Localised, APIView):
    """Exchange a username and password for the user's API token (rate-limited)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]
    throttle_scope = "auth"

    @extend_schema(request=s.CredentialsSerializer, responses={200: s.TokenSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(s.CredentialsSerializer, request)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise InvalidCredentials(_("Wrong username or password."))
        second_step(request, user, data.get("otp_token", ""))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


@extend_schema(tags=["auth"])
class LoginView(CsrfEnforced, Localised, APIView):
    """Sign in for the site's session (rate-limited; CSRF-checked, see workflows/api/csrf.py)."""

    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]
    throttle_scope = "auth"

    @extend_schema(request=s.CredentialsSerializer, responses={200: s.MeSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(s.CredentialsSerializer, request)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise InvalidCredentials(_("Wrong username or password."))
        device = second_step(request, user, data.get("otp_token", ""))
        login(request._request, user)
        if device is not None:
            otp_login(request._request, device)
        return Response(_me(user))


@extend_schema(tags=["auth"])
class LogoutView(Localised, APIView):
    """End the site's session."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _me(user: Any) -> dict[str, Any]:
    positions = (
        Position.objects.active_on(timezone.localdate())
        .filter(user=user)
        .select_related("user", "unit", "role")
    )
    return dict(
        s.MeSerializer(
            {
                "id": user.pk,
                "username": user.get_username(),
                "name": user_label(user),
                "positions": positions,
            }
        ).data
    )


@extend_schema(tags=["auth"])
class MeView(Localised, APIView):
    """Who the credentials belong to, and the positions they hold today."""

    @extend_schema(responses={200: s.MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(_me(request.user))
