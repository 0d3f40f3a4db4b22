"""Lists: paginated, filtered, scoped, and a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.registers.models import DocumentKind
from workflows.nominations.models import Dossier, Title
from workflows.plans.models import Plan, PlanState

pytestmark = pytest.mark.django_db


def make_plans(p: Any, n: int, *, start: int = 0) -> None:
    vp = p.child(p.dept, "VP")
    kind = DocumentKind.objects.get(code="plan")
    author = p.user("chuyenvien.vp.ldtbxh")
    Plan.objects.bulk_create(
        Plan(
            issuing_agency=p.dept,
            drafting_unit=vp,
            kind=kind,
            author=author,
            year=2020 + i % 5,
            subject_summary=f"Kế hoạch số {start + i}",
            state=PlanState.DRAFT if i % 2 else PlanState.IN_FORCE,
        )
        for i in range(n)
    )


def queries(client: Any, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(captured), response.json()


def test_plan_list_queries_do_not_grow_with_the_rows(province, as_user):
    p = province
    client = as_user(p.user("gd.ldtbxh"))
    make_plans(p, 10)
    few, body = queries(client, "/api/plans/")
    assert body["count"] == 10
    make_plans(p, 990, start=10)
    many, body = queries(client, "/api/plans/")
    assert body["count"] == 1000
    assert len(body["results"]) == 50
    assert many == few
    last, body = queries(client, "/api/plans/?page=10&state=draft")
    assert last == few
    assert (body["count"], len(body["results"]), body["next"]) == (500, 50, None)
    assert few <= 4  # the scope, the count, the page (and the session's user)


def test_plan_filters(province, as_user):
    p = province
    make_plans(p, 20)
    client = as_user(p.user("gd.ldtbxh"))
    assert client.get("/api/plans/?state=draft").json()["count"] == 10
    assert client.get("/api/plans/?year=2021").json()["count"] == 4
    assert client.get("/api/plans/?title=số 1").json()["count"] == 11  # 1, 10..19
    vp = p.child(p.dept, "VP").pk
    assert client.get(f"/api/plans/?unit={vp}").json()["count"] == 20
    other = p.unit("Sở Văn hóa, Thể thao và Du lịch").pk
    assert client.get(f"/api/plans/?unit={other}").json()["count"] == 0
    assert client.get("/api/plans/?overdue=true").json()["count"] == 0
    assert client.get("/api/plans/?overdue=false").json()["count"] == 20
    bad = client.get("/api/plans/?state=nonsense")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    # another department sees none of them
    assert as_user(p.user("gd.vhttdl")).get("/api/plans/").json()["count"] == 0


def test_dossier_list_queries_do_not_grow_with_the_rows(commune, org, as_user):
    c = commune
    titles = list(Title.values)

    def make(n: int, start: int) -> None:
        Dossier.objects.bulk_create(
            Dossier(
                title=titles[i % len(titles)],
                year=1000 + i // len(titles),
                proposing_unit=c.village,
                deciding_unit=c.commune,
                started_on=datetime.date(2026, 10, 1),
                created_by=c.village_head,
            )
            for i in range(start, start + n)
        )

    client = as_user(c.chairman)
    make(10, 0)
    few, body = queries(client, "/api/dossiers/")
    assert body["count"] == 10
    make(990, 10)
    many, body = queries(client, "/api/dossiers/?page=3")
    assert body["count"] == 1000
    assert many == few
    first = titles[0]
    expected = sum(1 for i in range(1000) if i % len(titles) == 0)
    assert client.get(f"/api/dossiers/?title={first}").json()["count"] == expected
    assert client.get("/api/dossiers/?year=1000").json()["count"] == len(titles)
    assert client.get("/api/dossiers/?overdue=true").json()["count"] == 0
    assert client.get(f"/api/dossiers/?unit={c.village.pk}").json()["count"] == 1000
    assert as_user(org.chairman_y).get("/api/dossiers/").json()["count"] == 0


def test_units_and_positions_are_scoped(province, as_user):
    p = province
    head = as_user(p.user("tp.btxh"))
    units = head.get("/api/units/").json()
    assert [u["name"] for u in units["results"]] == [p.child(p.dept, "BTXH").name]
    positions = head.get("/api/positions/").json()["results"]
    assert {row["unit"] for row in positions} == {p.child(p.dept, "BTXH").pk}
    assert head.get(f"/api/units/{p.dept.pk}/").status_code == 404
    director = as_user(p.user("gd.ldtbxh")).get("/api/units/").json()
    assert director["count"] == 1 + p.dept.children.count()
