"""Out-of-range ids and numbers are refused with 400, never a server error (found by fuzzing)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BIG = 99999999999999999999  # beyond a 64-bit integer column


@pytest.mark.parametrize(
    "url",
    [
        f"/api/plans/?year={BIG}",
        f"/api/plans/?unit={BIG}",
        "/api/plans/?year=1.5",
        f"/api/dossiers/?unit={BIG}",
        f"/api/candidates/?dossier={BIG}",
        f"/api/candidates/?year={BIG}",
        f"/api/registers/?agency={BIG}",
    ],
)
def test_filters_refuse_numbers_out_of_range(province, as_user, url):
    response = as_user(province.user("gd.ldtbxh")).get(url)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_an_id_out_of_range_is_not_found(province, as_user):
    response = as_user(province.user("gd.ldtbxh")).get(f"/api/plans/{BIG}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "field", ["issuing_agency", "drafting_unit", "recipient_units", "basis_plans"]
)
def test_bodies_refuse_ids_out_of_range(province, as_user, field):
    p = province
    body = {
        "issuing_agency": p.dept.pk,
        "drafting_unit": p.child(p.dept, "VP").pk,
        "kind": "plan",
        "year": 2024,
        "content": {"subject_summary": "x", "sections": [{"heading": "I"}], "recipients": ["a"]},
    }
    body[field] = [BIG] if field in ("recipient_units", "basis_plans") else BIG
    response = as_user(p.user("chuyenvien.vp.ldtbxh")).post("/api/plans/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_bulk_ids_out_of_range(commune, as_user):
    from tests.api.test_nominations import open_dossier

    c = commune
    dossier = open_dossier(c, as_user)
    response = as_user(c.village_head).post(
        f"/api/dossiers/{dossier['id']}/candidates/", {"households": [BIG]}, format="json"
    )
    assert (response.status_code, list(response.json()["fields"])) == (400, ["households"])
