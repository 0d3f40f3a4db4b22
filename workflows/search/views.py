"""The search pages: the results of the header's box with the filters beside it, and the
same search as an XLSX workbook.

A bad value (a query too long, an unknown kind, a date that is not one, an agency outside the
user's reach) shows the form with the reason and no results: a 400, never a server error.
Counts, facets and rows are all read through :class:`SearchResults`, the user's own scope;
beyond ``SEARCH_LIMITS["probe"]`` hits of a kind the count says "more than".
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.downloads import file_download
from workflows.search.choices import kind_choices
from workflows.search.exports import CHUNK, search_file_name, search_xlsx
from workflows.search.forms import SearchForm
from workflows.search.hits import Hit, search_hits
from workflows.search.models import SearchEntry
from workflows.search.query import Query
from workflows.search.ranking import SearchResults
from workflows.search.selectors import DECISION

PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _searched(
    request: HttpRequest, day: datetime.date
) -> tuple[SearchForm, Query | None, SearchResults | None]:
    """The form, and once it is valid and not empty the query and its ranked hits."""
    form = SearchForm(request.GET or None, user=request.user, day=day)
    if not request.GET or not form.is_valid() or form.query is None or form.query.empty:
        return form, None, None
    results = SearchResults(user=request.user, day=day, query=form.query, filters=form.filters())
    return form, form.query, results


def _facets(results: SearchResults) -> list[dict[str, Any]]:
    """The count of each kind, in the order of the kinds' filter ("more than" flagged)."""
    facets = results.facets()
    more = results.inexact_kinds()
    if "dossier" in more:  # the decisions are counted among the dossiers
        more.add(DECISION)
    return [
        {"kind": kind, "label": label, "count": facets.get(kind, 0), "more": kind in more}
        for kind, label in kind_choices()
    ]


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The results page: the form, the count per kind and the ranked hits, 20 a page."""
    day = timezone.localdate()
    form, query, results = _searched(request, day)
    context: dict[str, Any] = {"form": form, "query": query, "page": None}
    if results is not None and query is not None:
        paginator: Paginator[SearchEntry] = Paginator(results, PAGE_SIZE)  # type: ignore[arg-type]
        page = paginator.get_page(request.GET.get("page"))
        context |= {
            "searched": True,
            "page": page,
            "hits": search_hits(list(page.object_list), query),
            "total": results.count(),
            "exact": results.exact,
            "facets": _facets(results),
            "export_query": _without_page(request),
            "export_cap": settings.SEARCH_EXPORT_MAX_ROWS,
        }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "search/results.html", context, status=status)


def _all_hits(results: SearchResults, query: Query, cap: int) -> list[Hit]:
    rows = results[:cap]
    hits: list[Hit] = []
    for start in range(0, len(rows), CHUNK):
        hits += search_hits(rows[start : start + CHUNK], query)
    return hits


@login_required
def search_export(request: HttpRequest) -> HttpResponse:
    """The same search as an XLSX workbook, at most ``SEARCH_EXPORT_MAX_ROWS`` rows."""
    day = timezone.localdate()
    form, query, results = _searched(request, day)
    if results is None or query is None:
        message = (
            _("Type what to search for before exporting.")
            if form.is_bound and form.is_valid()
            else _("The search could not be exported: correct the search first.")
        )
        context = {"form": form, "query": None, "page": None, "export_error": message}
        return render(request, "search/results.html", context, status=400)
    cap: int = settings.SEARCH_EXPORT_MAX_ROWS
    data = search_xlsx(
        _all_hits(results, query, cap),
        query=query.text,
        total=results.count(),
        exact=results.exact,
        cap=cap,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    return file_download(data, search_file_name(day), XLSX)


__all__ = ["search", "search_export"]
