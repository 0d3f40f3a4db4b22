"""``/api/dossiers/``: nomination dossiers through their workflow, and their documents."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from approvals.downloads import file_download
from approvals.organisation.models import OrgUnit
from workflows.api import serializers as s
from workflows.api.filters import DossierFilter
from workflows.api.selectors import (
    NOMINATIONS_ACT_FOR_PARENT,
    audit_trail,
    candidate_list_visible,
    dossier_list_visible,
)
from workflows.api.views.base import IDEMPOTENCY_HEADER, Scoped, audit_page, validated
from workflows.nominations import flow_actions as dossier_flow
from workflows.nominations.exports import (
    decision_document,
    download_name,
    recognised_csv,
    recognised_xlsx,
)
from workflows.nominations.models import Candidate, Dossier, DossierState, Household
from workflows.nominations.services import dossier_create

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": DOCX,
    "xlsx": XLSX,
    "csv": "text/csv; charset=utf-8",
}


def _file(data: bytes, filename: str, fmt: str) -> HttpResponse:
    response = file_download(data, filename, _FILE_TYPES[fmt])
    response["X-Content-SHA256"] = hashlib.sha256(data).hexdigest()
    return response


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
        data = validated(s.DossierCreateSerializer, request)
        with transaction.atomic():
            dossier = dossier_create(user=request.user, **data)
            dossier_flow.flow_start(dossier, request.user)
        response = _dossier_detail(self, dossier.pk, request)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _step(self, request: Request, serializer_class: Any, run: Any) -> Response:
        dossier = self.get_object()
        data = validated(serializer_class, request) if serializer_class is not None else {}
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
        data = validated(s.CandidatesAddSerializer, request)
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
        request=s.PostingSerializer,
        responses={200: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"])
    def posting(self, request: Request, pk: str | None = None) -> Response:
        """Post the eligible list publicly for the regulation's period, from ``starts_on``
        (today when not given)."""
        return self._step(
            request,
            s.PostingSerializer,
            lambda d, u, data: dossier_flow.flow_open_posting(d, u, on=data["starts_on"]),
        )

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

    @extend_schema(
        request={"multipart/form-data": s.PaperDecisionSerializer},
        responses={200: s.DossierSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="paper-decision", url_name="paper-decision")
    def paper_decision(self, request: Request, pk: str | None = None) -> Response:
        """The records clerk enters the decision issued on paper (nhập quyết định giấy): its
        number and symbol as printed, the day it was signed, who signed it and its scan. The
        signer's authority is judged on that day; no register number is taken."""
        return self._step(
            request,
            s.PaperDecisionSerializer,
            lambda d, u, data: dossier_flow.flow_paper_decision(
                d,
                u,
                number=data["number"],
                symbol=data["symbol"],
                signed_on=data["signed_on"],
                signer=data["signer_position"] or data["signer"],
                scan=data["scan"],
                note=data["note"],
            ),
        )

    @extend_schema(responses={200: s.AuditEventSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def audit(self, request: Request, pk: str | None = None) -> Response:
        """The dossier's audit trail (its candidates' events are under each candidate)."""
        dossier = self.get_object()
        return audit_page(
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
        return _file(
            decision_document(dossier, fmt), download_name(dossier, "quyet-dinh", fmt), fmt
        )

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
        return _file(data, download_name(dossier, "danh-sach", fmt), fmt)


def _by_ids(queryset: QuerySet[Any], ids: list[int], field: str) -> list[Any]:
    found = queryset.in_bulk(ids)
    missing = sorted(set(ids) - set(found))
    if missing:
        raise exceptions.ValidationError(
            {field: [_("Unknown ids: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]}
        )
    return [found[i] for i in ids]
