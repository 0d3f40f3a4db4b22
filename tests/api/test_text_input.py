"""Text the API takes in: NFC, and never a NUL or a lone surrogate (refused with 400, not 500)."""

from __future__ import annotations

import json
import unicodedata
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from tests.api.test_plans import create, draft_body, post
from workflows.api.errors import exception_handler
from workflows.nominations.models import Dossier
from workflows.plans.models import Plan, PlanState

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"
NFD = unicodedata.normalize("NFD", "Hòa")


def raw_json(client: Any, url: str, text: str, **extra: Any) -> Any:
    """POST ``text`` as the body, as a client would send it (json escapes a lone surrogate)."""
    return client.post(url, text, content_type="application/json", **extra)


def test_a_lone_surrogate_in_a_choice_is_a_400_in_vietnamese(province, as_user):
    p = province
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}"
    post(as_user(p.user("chuyenvien.vp.ldtbxh")), f"{url}/submit/")
    chief = as_user(p.user("cvp.ldtbxh"))
    response = raw_json(chief, f"{url}/approve/", json.dumps({"seen_state": SURROGATE}))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_text"
    assert "seen_state" in body["fields"]
    assert "không thể chấp nhận" in body["message"]
    assert Plan.objects.get(pk=plan["id"]).state == PlanState.DIVISION_REVIEW


@pytest.mark.parametrize(
    "body",
    [
        {"title": SURROGATE, "year": 2026},
        {"title": "cultural\x00family", "year": 2026},
        {"title": "cultural_family", SURROGATE: 1},
        {"title": ["a", {"b": "c\x00"}]},
    ],
    ids=["surrogate", "nul", "surrogate-key", "nested-nul"],
)
def test_a_dossier_title_with_a_bad_character_is_refused(commune, as_user, body):
    c = commune
    body = body | {"proposing_unit": c.village.pk} if "proposing_unit" not in body else body
    response = raw_json(as_user(c.village_head), "/api/dossiers/", json.dumps(body))
    assert (response.status_code, response.json()["code"]) == (400, "invalid_text")
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("query", ["search=a%00b", "state=%00", "a%00=1"])
def test_query_parameters_with_a_nul_are_refused(province, as_user, query):
    response = as_user(province.user("gd.ldtbxh")).get(f"/api/plans/?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_text")


def test_decomposed_text_is_stored_composed(province, as_user):
    p = province
    body = draft_body(p)
    body["content"] = body["content"] | {"subject_summary": f"Khu dân cư {NFD}"}
    client = as_user(p.user("chuyenvien.vp.ldtbxh"))
    response = client.post("/api/plans/", body, format="json")
    assert response.status_code == 201, response.json()
    stored = Plan.objects.get(pk=response.json()["id"]).subject_summary
    assert stored == "Khu dân cư Hòa"
    assert stored == unicodedata.normalize("NFC", stored)
    assert NFD not in stored


def test_a_refusal_that_quotes_a_lone_surrogate_still_renders():
    error = ValidationError({"seen_state": [f'"{SURROGATE}" is not a valid choice.']})
    response = exception_handler(error, {})
    assert response is not None
    rendered = JSONRenderer().render(response.data).decode("utf-8")
    assert "\\\\ud800" in rendered  # spelled out, not the raw character
    assert response.data["fields"]["seen_state"] == ['"\\ud800" is not a valid choice.']


#: Text the property-based check draws from: letters, Vietnamese combining marks, NUL and
#: both halves of a surrogate pair on their own.
ALPHABET = st.sampled_from(["a", "ò", "o", "\u0300", "\u0323", " ", "\x00", "\ud800", "\udfff"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=ALPHABET, max_size=8))
def test_any_text_in_a_body_or_a_query_is_never_a_server_error(commune, as_user, text):
    client = as_user(commune.village_head)
    created = raw_json(
        client,
        "/api/dossiers/",
        json.dumps({"title": text, "year": 2026, "proposing_unit": commune.village.pk}),
    )
    # on the wire a surrogate is percent-encoded as its (invalid) UTF-8 bytes
    listed = client.get(f"/api/dossiers/?title={quote(text, errors='surrogatepass')}")
    for response in (created, listed):
        assert response.status_code == 400 or response.status_code < 300
        response.content.decode("utf-8")  # the answer can always be encoded
    received = json.loads(json.dumps(text))  # a high and a low surrogate in a row make a pair
    if "\x00" in received or any("\ud800" <= ch <= "\udfff" for ch in received):
        assert created.json()["code"] == "invalid_text"
    if "\x00" in text:  # Django decodes the invalid bytes of a surrogate as U+FFFD
        assert listed.json()["code"] == "invalid_text"


def test_a_multipart_body_with_an_idempotency_key_is_answered_not_a_server_error(
    commune, as_user
):
    """The site's input guard leaves API bodies to the API's parsers: it read multipart
    bodies itself, and the idempotency key's digest of the raw body then failed (500,
    found by schemathesis)."""
    client = as_user(commune.village_head)
    response = client.post(
        "/api/dossiers/",
        {"title": "Hồ sơ", "year": "2026"},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="multipart-key-1",
    )
    assert response.status_code < 500, response.content
    nul = client.post(
        "/api/dossiers/",
        {"title": "Hồ\x00sơ", "year": "2026"},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="multipart-key-2",
    )
    assert nul.status_code == 400, nul.content
