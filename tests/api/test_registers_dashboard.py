"""Registers, dashboard figures and the recognition share through the API."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from approvals.registers.models import Register
from tests.api.test_nominations import to_posting
from tests.api.test_plans import to_signature

pytestmark = pytest.mark.django_db


def test_register_entries_of_the_users_agencies(province, as_user):
    p = province
    with freeze_time("2024-03-04 09:00"):
        plan = to_signature(p, as_user)
        as_user(p.user("pgd.ldtbxh")).post(f"/api/plans/{plan['id']}/sign/")
        as_user(p.user("vanthu.ldtbxh")).post(f"/api/plans/{plan['id']}/issue/")
    clerk = as_user(p.user("vanthu.ldtbxh"))
    registers = clerk.get("/api/registers/?year=2024").json()["results"]
    assert registers
    assert {r["agency"] for r in registers} == {p.dept.pk}
    register = Register.objects.get(agency=p.dept, year=2024, kinds__code="plan")
    entries = clerk.get(f"/api/registers/{register.pk}/entries/").json()
    assert [(e["number"], e["symbol"], e["subject_id"]) for e in entries["results"]] == [
        (1, "01/KH-LĐTĐ&XH", str(plan["id"]))
    ]
    # another department's clerk sees neither the register nor its entries
    other = as_user(p.user("vanthu.vhttdl"))
    assert other.get(f"/api/registers/{register.pk}/entries/").status_code == 404
    assert register.pk not in [r["id"] for r in other.get("/api/registers/").json()["results"]]


def test_dashboard_counts_the_users_scope(commune, org, as_user):
    c = commune
    to_posting(c, as_user)
    with freeze_time("2026-10-30 09:00"):  # the posting ended on its tenth day
        figures = as_user(c.chairman).get("/api/dashboard/").json()
        assert figures["day"] == "2026-10-30"
        rows = figures["dossiers_by_step"]
        assert [(r["title"], r["state"], r["count"], r["overdue"]) for r in rows] == [
            ("cultural_family", "posting", 1, 1)
        ]
        assert figures["plans_by_state"] == []
        assert as_user(org.chairman_y).get("/api/dashboard/").json()["dossiers_by_step"] == []


def test_recognition_share_for_a_visible_unit_only(commune, org, as_user):
    c = commune
    client = as_user(c.chairman)
    url = f"/api/dashboard/recognition/?unit={c.commune.pk}&year=2026&title=cultural_family"
    share = client.get(url).json()
    assert share["overall"]["total"] == 12
    assert share["overall"]["recognised"] == 0
    assert [row["unit"] for row in share["rows"]] == [c.village.pk]
    foreign = as_user(org.chairman_y).get(url)
    assert foreign.status_code == 404
    bad = client.get(f"/api/dashboard/recognition/?unit={c.commune.pk}&year=x&title=y")
    assert (bad.status_code, sorted(bad.json()["fields"])) == (400, ["title", "year"])


def test_schema_and_docs_are_served(db: Any, client: Any):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/plans/{id}/sign/" in schema.content
    assert client.get("/api/docs/").status_code == 200
