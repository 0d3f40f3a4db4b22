"""The results page makes the same number of SQL queries for a few hits and for thousands."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from approvals.registers.models import DocumentKind
from tests.nominations.conftest import commune
from workflows.nominations.models import Dossier, DossierState, Household, Title
from workflows.plans.models import Plan, PlanState
from workflows.search.indexing import index_dossiers, index_households, index_plans

__all__ = ["commune"]

pytestmark = pytest.mark.django_db

URL = "/search/?q=van+hoa"
#: The page's statements at most (session, user, reaches of plans and dossiers, the filters'
#: choices; for each kind its reach's ids (the plans': the ways a plan is visible, then the
#: list's own test of those) and its matching rows; the page's rows and their objects; on
#: PostgreSQL the planner's setting set and put back around them).
BUDGET = 28


def queries_for(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def test_the_results_page_costs_the_same_for_ten_hits_and_three_thousand(commune: Any) -> None:
    client = Client()
    client.force_login(commune.chairman)
    kind = DocumentKind.objects.get(code="plan")
    made = [0]

    def grow(n: int) -> None:
        start = made[0]
        plans = Plan.objects.bulk_create(
            Plan(
                issuing_agency=commune.commune,
                drafting_unit=commune.commune,
                kind=kind,
                author=commune.clerk,
                year=2026,
                subject_summary=f"Kế hoạch xây dựng đời sống văn hóa số {start + i}",
                state=PlanState.IN_FORCE,
            )
            for i in range(n)
        )
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                title=Title.CULTURAL_FAMILY,
                year=1000 + start + i,
                proposing_unit=commune.village,
                deciding_unit=commune.commune,
                started_on=datetime.date(2026, 10, 1),
                created_by=commune.village_head,
                state=DossierState.DECISION,
            )
            for i in range(n)
        )
        households = Household.objects.bulk_create(
            Household(village=commune.village, code=f"VH-{start + i}", head_name="Lê Văn Hòa")
            for i in range(n)
        )
        index_plans(p.pk for p in plans)
        index_dossiers(d.pk for d in dossiers)
        index_households(h.pk for h in households)
        made[0] += n

    # A page's objects are read one query per kind on it: each kind alone, then all mixed.
    urls = [f"{URL}&kind={kind}" for kind in ("document", "dossier", "household")] + [URL]
    counts: dict[str, list[int]] = {url: [] for url in urls}
    for total in (4, 1000):
        grow(total - made[0])
        for url in urls:
            count, response = queries_for(client, url)
            counts[url].append(count)
    assert response.context["total"] == 3000
    assert len(response.context["hits"]) == 20
    for url in urls[:3]:
        few, many = counts[url]
        assert few == many, (url, counts[url])
    # with four of each, the first page holds the three kinds; with 3,000 perhaps fewer
    assert counts[URL][1] <= counts[URL][0] <= BUDGET, counts
    page_two, response = queries_for(client, URL + "&kind=household&page=2")
    assert len(response.context["hits"]) == 20
    assert {hit.kind for hit in response.context["hits"]} == {"household"}
    assert page_two == counts[urls[2]][1]
