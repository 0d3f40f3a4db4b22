"""Idempotency keys, the shape and language of refusals, authentication and rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from approvals.audit.models import AuditEvent
from tests.plans.conftest import seed_004_content
from workflows.api.models import IdempotentRequest
from workflows.plans.models import Plan, PlanState

pytestmark = pytest.mark.django_db


def draft(p: Any, as_user: Any) -> int:
    body = {
        "issuing_agency": p.dept.pk,
        "drafting_unit": p.child(p.dept, "VP").pk,
        "kind": "plan",
        "year": 2024,
        "content": seed_004_content(p),
        "recipient_units": [p.unit("Sở Văn hóa, Thể thao và Du lịch").pk],
    }
    response = as_user(p.user("chuyenvien.vp.ldtbxh")).post("/api/plans/", body, format="json")
    assert response.status_code == 201
    return int(response.json()["id"])


def events(plan_id: int) -> int:
    return AuditEvent.objects.filter(subject_type="plans.plan", subject_id=str(plan_id)).count()


def test_a_repeated_post_with_the_same_key_is_answered_once(province, as_user):
    p = province
    plan_id = draft(p, as_user)
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    url = f"/api/plans/{plan_id}/submit/"
    first = drafter.post(url, {"comment": "Kính trình"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 200
    before = events(plan_id)
    second = drafter.post(url, {"comment": "Kính trình"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert events(plan_id) == before  # no second transition
    # without the key the same request is a second action, refused by the state
    again = drafter.post(url, {"comment": "Kính trình"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "wrong_state")


def test_the_same_key_with_another_body_is_refused(province, as_user):
    p = province
    plan_id = draft(p, as_user)
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    url = f"/api/plans/{plan_id}/submit/"
    drafter.post(url, {"comment": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = drafter.post(url, {"comment": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    # keys belong to their user: another user's same key is a new request
    reviewer = as_user(p.user("cvp.ldtbxh"))
    approve = reviewer.post(
        f"/api/plans/{plan_id}/approve/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert approve.status_code == 200
    assert Plan.objects.get(pk=plan_id).state == PlanState.FORMAT_CHECK


def test_a_refusal_is_replayed_too_and_a_key_in_progress_conflicts(province, as_user):
    p = province
    plan_id = draft(p, as_user)
    clerk = as_user(p.user("vanthu.ldtbxh"))
    url = f"/api/plans/{plan_id}/issue/"
    first = clerk.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert first.status_code == 409
    second = clerk.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert (second.status_code, second.json()) == (409, first.json())

    IdempotentRequest.objects.create(
        user=p.user("vanthu.ldtbxh"), key="k-4", method="POST", path=url, request_sha256="x"
    )
    busy = clerk.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert busy.status_code in (409, 422)
    too_long = clerk.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300)
    assert (too_long.status_code, too_long.json()["code"]) == (400, "invalid")


def test_messages_follow_accept_language(province, as_user):
    p = province
    plan_id = draft(p, as_user)
    clerk = as_user(p.user("vanthu.ldtbxh"))
    vi = clerk.post(f"/api/plans/{plan_id}/issue/", {}, format="json")
    en = clerk.post(f"/api/plans/{plan_id}/issue/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert vi.json()["code"] == en.json()["code"] == "wrong_state"
    assert en.json()["message"] == "This plan has not been submitted through its workflow yet."
    assert vi.json()["message"] != en.json()["message"]
    assert set(vi.json()) == {"code", "message", "fields"}


def test_without_credentials_every_endpoint_answers_401(db):
    client = APIClient()
    for url in ("/api/plans/", "/api/dossiers/", "/api/units/", "/api/dashboard/"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"
    bad = client.get("/api/plans/", HTTP_AUTHORIZATION="Token nope")
    assert (bad.status_code, bad.json()["code"]) == (401, "authentication_failed")


def test_a_token_for_systems_and_a_session_for_the_site(province):
    client = APIClient()
    wrong = client.post(
        "/api/auth/token/", {"username": "gd.ldtbxh", "password": "x"}, format="json"
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_credentials")
    from project.demo.data import DEMO_PASSWORD

    token = client.post(
        "/api/auth/token/", {"username": "gd.ldtbxh", "password": DEMO_PASSWORD}, format="json"
    ).json()["token"]
    me = APIClient().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["username"] == "gd.ldtbxh"
    assert me.json()["positions"][0]["role"] == "director"

    site = APIClient(enforce_csrf_checks=True)
    csrf = site.get("/api/auth/csrf/").json()["csrf_token"]
    login = site.post(
        "/api/auth/login/",
        {"username": "gd.ldtbxh", "password": DEMO_PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert login.status_code == 200
    assert site.get("/api/plans/").status_code == 200
    # a session write needs the CSRF token, as on the site
    assert site.post("/api/auth/logout/").status_code == 403


def test_login_and_token_endpoints_are_rate_limited(db, settings):
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "x", "password": "y"}, format="json")
        for _ in range(12)
    ]
    assert [r.status_code for r in codes[:10]] == [400] * 10
    limited = codes[10]
    assert (limited.status_code, limited.json()["code"]) == (429, "throttled")
    assert int(limited["Retry-After"]) > 0
    login = client.post("/api/auth/login/", {"username": "x", "password": "y"}, format="json")
    assert login.status_code == 429  # the same scope, the same client


def test_bad_json_is_a_400_with_the_shape(province, as_user):
    client = as_user(province.user("chuyenvien.vp.ldtbxh"))
    response = client.post("/api/plans/", "{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


@freeze_time("2024-03-04 09:00")
def test_an_unknown_object_and_a_foreign_one_look_the_same(province, as_user):
    p = province
    plan_id = draft(p, as_user)
    other = as_user(p.user("pgd.vhttdl"))
    assert other.get(f"/api/plans/{plan_id}/").json() == other.get("/api/plans/999999/").json()


def test_the_language_of_a_request_does_not_outlive_it(province, as_user):
    from django.utils import translation

    client = as_user(province.user("gd.ldtbxh"))
    with translation.override("vi"):
        response = client.get("/api/plans/", HTTP_ACCEPT_LANGUAGE="en")
        assert response["Content-Language"] == "en"
        assert translation.get_language() == "vi"
