"""``/api/search/``: one search over documents, decisions, dossiers and households.

The hits are those of the site's search (:mod:`workflows.search`): every hit, count and
facet is taken through the lists' own selectors, so none tells of anything the user may not
read. The agency filter takes only a unit the user may read (``/api/units/``); any other id
is refused exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.api.pagination import Pagination
from workflows.api.selectors import (
    NOMINATIONS_ACT_FOR_PARENT,
    dossier_list_visible,
    plan_list_visible,
    unit_list_visible,
)
from workflows.api.serializers.search import SearchPageSerializer, SearchQuerySerializer
from workflows.api.views.base import Scoped
from workflows.search.hits import Hit, search_hits
from workflows.search.models import EntryKind, SearchEntry
from workflows.search.query import Query, QueryError, parse
from workflows.search.ranking import SearchResults
from workflows.search.selectors import KINDS, Filters

DESCRIPTION = (
    "Plans and other documents, decisions, dossiers and households matching `q`, best first "
    "(số/ký hiệu exact, then the words in the trích yếu, then in the text), among what the "
    "user may read; with or without accents. `q` is required: without it 400 `invalid`; "
    "blank or punctuation only: no results. A query too long or with too many words, or a "
    "filter that is not valid (an unknown kind, state or document kind, a unit the user may "
    "not read, a period that ends before it begins): 400 `invalid` naming the field. "
    "`facets` counts the hits of each kind (before the `kind` filter is applied to them). "
    "Each kind is counted up to `SEARCH_LIMITS['probe']` hits (500 by default): "
    "`count_exact` false says there are more than `count` (add words or filters to narrow)."
)


class SearchView(Scoped, APIView):
    """``GET /api/search/?q=…``: the hits the user may read, paginated, with counts per kind."""

    acts_for_parent = NOMINATIONS_ACT_FOR_PARENT
    pagination_class = Pagination

    @extend_schema(
        tags=["search"],
        description=DESCRIPTION,
        operation_id="search",
        parameters=[
            SearchQuerySerializer,
            OpenApiParameter(
                "page",
                OpenApiTypes.INT,
                description="A page number within the paginated result set.",
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description="Number of results to return per page.",
            ),
        ],
        responses={200: SearchPageSerializer},
    )
    def get(self, request: Request) -> Response:
        asked = SearchQuerySerializer(data=request.query_params)
        asked.is_valid(raise_exception=True)
        params = asked.validated_data
        try:
            query = parse(params["q"])
        except QueryError as exc:
            raise serializers.ValidationError({"q": [str(exc)]}) from exc
        day = timezone.localdate()
        filters = self._filters(params)
        # the facets count every kind (the kind filter aside); the page, the kinds asked for
        every = SearchResults(
            user=request.user, day=day, query=query, filters=replace(filters, kinds=frozenset())
        )
        results = every.narrowed(filters.kinds) if filters.kinds else every
        facets = dict.fromkeys(KINDS, 0)
        facets.update(every.facets())
        paginator = self.pagination_class()
        page: Sequence[SearchEntry] = paginator.paginate_queryset(results, request, view=self) or []
        data = {
            "count": paginator.page.paginator.count if paginator.page is not None else 0,
            "count_exact": results.exact,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "facets": facets,
            "results": self._results(page, query),
        }
        return Response(SearchPageSerializer(data).data)

    def _filters(self, params: dict[str, Any]) -> Filters:
        agency = None
        if "agency" in params:
            agency = unit_list_visible(paths=self.paths()).filter(pk=params["agency"]).first()
            if agency is None:
                raise serializers.ValidationError(
                    {"agency": [_("No unit with this id that you may read.")]}
                )
        kind = params.get("document_kind")
        return Filters(
            kinds=frozenset(params.get("kind", ())),
            document_kind=kind.code if kind is not None else "",
            agency=agency,
            signer_id=params.get("signer"),
            state=params.get("state", ""),
            year=params.get("year"),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )

    def _results(self, page: Sequence[SearchEntry], query: Query) -> list[dict[str, Any]]:
        entries = {(entry.kind, entry.object_id): entry for entry in page}
        hits = search_hits(page, query)
        plan_ids = [h.object_id for h in hits if h.kind == EntryKind.DOCUMENT]
        dossier_ids = [h.object_id for h in hits if h.kind == EntryKind.DOSSIER]
        leads = {h.object_id: h.latest_dossier_id for h in hits if h.kind == EntryKind.HOUSEHOLD}
        open_plans = set(
            plan_list_visible(paths=self.paths())
            .filter(pk__in=plan_ids)
            .values_list("pk", flat=True)
        )
        wanted = {*dossier_ids, *(pk for pk in leads.values() if pk is not None)}
        open_dossiers = set(
            dossier_list_visible(paths=self.paths(), day=timezone.localdate())
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        results = []
        for hit in hits:
            api_url = None
            if hit.kind == EntryKind.DOCUMENT and hit.object_id in open_plans:
                api_url = reverse("api:plan-detail", args=[hit.object_id])
            dossier = hit.object_id if hit.kind == EntryKind.DOSSIER else leads.get(hit.object_id)
            if hit.kind != EntryKind.DOCUMENT and dossier in open_dossiers:
                api_url = reverse("api:dossier-detail", args=[dossier])
            results.append(self._result(hit, entries[(hit.kind, hit.object_id)], api_url))
        return results

    @staticmethod
    def _result(hit: Hit, entry: SearchEntry, api_url: str | None) -> dict[str, Any]:
        return {
            "kind": hit.kind,
            "kind_label": hit.kind_label,
            "id": hit.object_id,
            "label": hit.label,
            "symbol": hit.symbol,
            "subject": entry.subject,
            "subject_html": str(hit.subject),
            "snippet_html": str(hit.snippet),
            "state": hit.state_code,
            "state_label": hit.state,
            "unit": hit.unit,
            "date": hit.dated,
            "details": hit.details,
            "exact": hit.exact,
            "url": hit.url,
            "api_url": api_url,
        }
