"""``GET /api/search/`` on the seeded demo province: accents, scope, pages, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests.demo.conftest import Demo, run_seed
from workflows.search.models import SearchEntry

URL = "/api/search/"
KINDS = {"document", "decision", "dossier", "household"}


@pytest.fixture(scope="module")
def province(django_db_setup: None, django_db_blocker: Any) -> Iterator[Demo]:
    """The demo province (its plans, dossier and households), seeded once for the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo = Demo(run_seed("--no-logins"))
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield demo
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def search(db: None, province: Demo) -> Any:
    """``search(username, **params)``: the response of the search as that demo user."""

    def run(username: str, language: str = "en", **params: Any) -> Any:
        client = APIClient()
        client.force_authenticate(user=province.user(username))
        return client.get(URL, params, HTTP_ACCEPT_LANGUAGE=language)

    return run


def _hits(response: Any) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.content
    return [(row["kind"], row["id"]) for row in response.json()["results"]]


def test_unaccented_and_accented_queries_give_the_same_hits(search: Any) -> None:
    accented = search("pgd.ldtbxh", q="văn hóa", page_size=200)
    hits = _hits(accented)
    assert {kind for kind, _ in hits} == {"document", "dossier", "household"}
    for typed in ("van hoa", "VAN HOA", "Văn Hoá", "vAn hÓa"):
        assert _hits(search("pgd.ldtbxh", q=typed, page_size=200)) == hits, typed
    assert _hits(search("pgd.ldtbxh", q="gia dinh van hoa")) == _hits(
        search("pgd.ldtbxh", q="Gia đình văn hóa")
    )
    body = accented.json()
    assert body["count"] == len(hits)
    assert set(body["facets"]) == KINDS
    assert sum(body["facets"][k] for k in ("document", "dossier", "household")) == len(hits)


def test_a_result_has_its_number_marked_words_and_links(search: Any) -> None:
    body = search("pgd.ldtbxh", q="1/KH-BCĐ").json()
    assert body["count"] == 1
    [plan] = body["results"]
    assert (plan["kind"], plan["symbol"], plan["exact"]) == ("document", "01/KH-BCĐ", True)
    assert plan["api_url"] == reverse("api:plan-detail", args=[plan["id"]])
    assert plan["url"].endswith(f"/plans/{plan['id']}/")
    assert plan["state"] == "in_force"
    assert plan["date"]
    dossier = next(r for r in search("pgd.ldtbxh", q="van hoa", kind="dossier").json()["results"])
    assert "<mark>văn</mark> <mark>hóa</mark>" in dossier["subject_html"]
    assert "<mark>" not in dossier["subject"]
    assert "văn hóa" in dossier["subject"]
    assert dossier["symbol"]
    assert dossier["state"] == "decided"
    assert dossier["api_url"] == reverse("api:dossier-detail", args=[dossier["id"]])
    household = search("pgd.ldtbxh", q="Đồng Sen", kind="household").json()["results"][0]
    assert household["details"]
    assert household["unit"].startswith("Thôn Đồng Sen")
    assert household["api_url"] == dossier["api_url"]  # the dossier it was proposed in


def test_a_user_of_another_unit_gets_nothing(search: Any) -> None:
    mine = search("chutich.tandinh", q="Đồng Sen").json()
    assert mine["count"] > 0
    assert mine["facets"]["household"] > 0
    other = search("chutich.damai", q="Đồng Sen").json()
    assert other["count"] == 0
    assert other["results"] == []
    assert other["facets"] == dict.fromkeys(KINDS, 0)
    # the plan's number, searched from a village that was never sent the plan
    assert search("truongthon.dongsen", q="01/KH-BCĐ").json()["count"] == 0
    assert search("pgd.ldtbxh", q="01/KH-BCĐ").json()["count"] == 1


def test_pages_cover_every_hit_once(search: Any) -> None:
    first = search("gd.vhttdl", q="Nguyen", page_size=40).json()
    count = first["count"]
    assert count > 80
    seen = [(r["kind"], r["id"]) for r in first["results"]]
    assert len(seen) == 40
    assert first["previous"] is None
    assert "page=2" in first["next"]
    page = 2
    while len(seen) < count:
        body = search("gd.vhttdl", q="Nguyen", page_size=40, page=page).json()
        assert body["count"] == count
        assert body["facets"] == first["facets"]
        seen += [(r["kind"], r["id"]) for r in body["results"]]
        page += 1
    assert body["next"] is None
    assert len(set(seen)) == count
    assert search("gd.vhttdl", q="Nguyen", page=page).status_code == 404  # past the last page


def test_kind_filter_repeated_or_comma_separated(search: Any) -> None:
    everything = search("pgd.ldtbxh", q="van hoa").json()
    repeated = search("pgd.ldtbxh", q="van hoa", kind=["household", "decision"]).json()
    commas = search("pgd.ldtbxh", q="van hoa", kind="household,decision").json()
    assert repeated["results"] == commas["results"]
    assert {r["kind"] for r in repeated["results"]} == {"household", "dossier"}
    assert repeated["count"] == everything["facets"]["household"] + everything["facets"]["decision"]
    assert repeated["facets"] == everything["facets"]  # the facets count every kind
    documents = search("pgd.ldtbxh", q="van hoa", kind="document").json()
    assert documents["count"] == everything["facets"]["document"]


def test_agency_state_and_date_filters(search: Any, province: Demo) -> None:
    commune = province.unit("Xã Tân Dĩnh")
    under = search("pgd.ldtbxh", q="van hoa", agency=commune.pk).json()
    assert under["count"] > 0
    assert {r["kind"] for r in under["results"]} == {"dossier", "household"}
    decided = search("pgd.ldtbxh", q="van hoa", state="decided").json()
    assert [r["kind"] for r in decided["results"]] == ["dossier"]
    in_force = search("pgd.ldtbxh", q="van hoa", state="in_force").json()
    assert {(r["kind"], r["state"]) for r in in_force["results"]} == {("document", "in_force")}
    dated = [
        r["date"] for r in search("pgd.ldtbxh", q="van hoa", kind="document").json()["results"]
    ]
    day = max(dated)
    since = search("pgd.ldtbxh", q="van hoa", kind="document", date_from=day).json()
    assert since["count"] == dated.count(day)
    until = search("pgd.ldtbxh", q="van hoa", kind="document", date_to="2000-01-01").json()
    assert until["count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "x" * 10_000},
        {"q": " ".join(f"word{n}" for n in range(40))},
        {"q": "hoa", "kind": "letter"},
        {"q": "hoa", "kind": "document,nonsense"},
        {"q": "hoa", "state": "nonsense"},
        {"q": "hoa", "document_kind": "no-such-kind"},
        {"q": "hoa", "year": "-1"},
        {"q": "hoa", "year": "twenty"},
        {"q": "hoa", "signer": "0"},
        {"q": "hoa", "signer": str(2**70)},
        {"q": "hoa", "agency": "abc"},
        {"q": "hoa", "date_from": "2026-13-40"},
        {"q": "hoa", "date_from": "2026-02-01", "date_to": "2026-01-31"},
    ],
)
def test_bad_input_is_a_400_naming_the_field(search: Any, params: dict[str, str]) -> None:
    response = search("pgd.ldtbxh", **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert set(body["fields"]) <= {"q", *params}
    assert body["fields"]


def test_a_unit_the_user_may_not_read_is_refused_like_one_that_does_not_exist(
    search: Any, province: Demo
) -> None:
    elsewhere = province.unit("Xã Tân Dĩnh")
    refused = search("chutich.damai", q="van hoa", agency=elsewhere.pk)
    missing = search("chutich.damai", q="van hoa", agency=10**9)
    assert refused.status_code == missing.status_code == 400
    assert refused.json() == missing.json()
    assert list(refused.json()["fields"]) == ["agency"]


@pytest.mark.parametrize(
    "q",
    ["", "   ", "a & | !", "!!! ??? ...", "'; DROP TABLE search_searchentry; --", ":* <-> !(x)"],
)
def test_empty_or_syntax_queries_find_nothing_and_break_nothing(search: Any, q: str) -> None:
    before = SearchEntry.objects.count()
    response = search("pgd.ldtbxh", q=q)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["results"]) == (0, [])
    assert body["facets"] == dict.fromkeys(KINDS, 0)
    assert SearchEntry.objects.count() == before > 0


def test_the_reason_is_in_the_request_language(search: Any) -> None:
    english = search("pgd.ldtbxh", q="x" * 500, language="en").json()
    assert "too long" in english["fields"]["q"][0]
    required = search("pgd.ldtbxh", language="vi").json()
    assert required["fields"]["q"] == ["Trường này là bắt buộc."]


def test_without_credentials_it_is_refused_like_every_endpoint(db: None) -> None:
    response = APIClient().get(URL, {"q": "van hoa"})
    plans = APIClient().get("/api/plans/")
    assert response.status_code == plans.status_code == 401
    assert response.json()["code"] == plans.json()["code"] == "not_authenticated"


def test_a_page_costs_a_fixed_number_of_queries(search: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (5, 100):
        with CaptureQueriesContext(connection) as queries:
            body = search("gd.vhttdl", q="Nguyen", page_size=size).json()
        assert len(body["results"]) == size
        counts.append(len(queries))
    with CaptureQueriesContext(connection) as queries:
        mixed = search("pgd.ldtbxh", q="van hoa", kind="document,dossier,household").json()
    assert {r["kind"] for r in mixed["results"]} == {"document", "dossier", "household"}
    # 95 more rows cost at most the queries of a kind more on the page, never one per row
    assert counts[1] - counts[0] <= 2
    # the scope and the count, the page, the facets (over every kind, the kind filter being
    # set), the hits' objects and candidacies (a query per kind), their states and API scope;
    # on PostgreSQL the planner's setting set and put back around the index reads
    assert len(queries) <= 22
