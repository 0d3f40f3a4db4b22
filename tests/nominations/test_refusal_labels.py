"""Labels, not codes: a refusal that lists choices names them in the user's language.

Each refusal below lists choices (the legal grounds of revocation; the action and the state
a transition was refused in). It is rendered in Vietnamese and in English, through the
service and through the API, and fails on a snake_case code inside the text.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation
from freezegun import freeze_time
from rest_framework.test import APIClient

from approvals.exceptions import ApprovalError, InvalidTransition, ValidationFailed
from tests.notifications.conftest import at
from workflows.nominations.choices import RevocationGround
from workflows.nominations.models import Candidate, CandidateState, Dossier, Title
from workflows.nominations.services import (
    candidate_revoke,
    candidates_register,
    dossier_accept,
    dossier_create,
)

pytestmark = pytest.mark.django_db
D = datetime.date

#: A code as the data spells it: lower-case words joined by underscores.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def codes_in(text: str) -> list[str]:
    """The snake_case codes inside a message a user reads."""
    return CODE.findall(text)


def test_the_check_finds_a_code():
    assert codes_in("(fraudulent_declaration, false_documents)") == [
        "fraudulent_declaration",
        "false_documents",
    ]
    assert codes_in("“Thẩm định hồ sơ” khi đối tượng đang ở trạng thái “Đăng ký”.") == []


def registered(c) -> Dossier:
    with freeze_time(at(D(2026, 10, 1))):
        dossier = dossier_create(
            user=c.village_head,
            title=Title.CULTURAL_FAMILY,
            year=2026,
            proposing_unit=c.village,
            on=D(2026, 10, 1),
        )
        candidates_register(dossier=dossier, user=c.village_head, households=c.households[:2])
    return dossier


def recognised(c) -> Candidate:
    candidate = registered(c).candidates.order_by("pk")[0]
    # only the state matters to the refusal: set it directly
    Candidate.objects.filter(pk=candidate.pk).update(state=CandidateState.RECOGNISED)
    candidate.refresh_from_db()
    return candidate


def refusal(call) -> str:
    with pytest.raises(ApprovalError) as caught:
        call()
    return str(caught.value.message)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_wrong_revocation_ground_names_the_grounds(commune, language):
    candidate = recognised(commune)
    with translation.override(language):
        text = refusal(
            lambda: candidate_revoke(
                candidate=candidate, user=commune.chairman, ground="rumour", note="x"
            )
        )
        labels = [str(g.label) for g in RevocationGround]
    assert codes_in(text) == [], text
    assert all(label in text for label in labels), text
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.RECOGNISED


@pytest.mark.parametrize(
    ("language", "action", "state"),
    [("vi", "Thẩm định hồ sơ", "Đăng ký"), ("en", "Appraise the dossier", "Registration")],
)
def test_a_wrong_state_names_the_action_and_the_state(commune, language, action, state):
    dossier = registered(commune)
    with translation.override(language):
        with pytest.raises(InvalidTransition) as caught:
            dossier_accept(dossier=dossier, user=commune.officer)
        text = str(caught.value.message)
    assert codes_in(text) == [], text
    assert f"“{action}”" in text
    assert f"“{state}”" in text
    assert "appraise" not in text
    assert "registration" not in text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_api_refusal_of_a_ground_names_the_grounds(commune, language):
    candidate = recognised(commune)
    client = APIClient()
    client.force_authenticate(user=commune.chairman)
    response = client.post(
        f"/api/candidates/{candidate.pk}/revoke/",
        {"ground": "rumour", "note": "Kết luận thanh tra"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    message = response.json()["message"]
    assert codes_in(message) == [], message
    with translation.override(language):
        assert str(RevocationGround.FALSE_DOCUMENTS.label) in message


def test_the_revoke_form_offers_the_grounds_by_name(commune):
    from workflows.nominations.forms import RevokeForm

    with translation.override("vi"):
        form = RevokeForm(grounds=[g.value for g in RevocationGround])
        choices = dict(form.fields["ground"].choices)
    assert choices["false_documents"] == "Cung cấp thông tin, giấy tờ sai sự thật"
    assert not any(codes_in(str(label)) for label in choices.values())


def test_an_unknown_ground_code_in_the_rules_is_shown_as_it_is():
    from workflows.nominations.choices import ground_label

    assert ground_label("some_new_ground") == "some_new_ground"
    with translation.override("en"):
        assert ground_label("unlawful_review") == "Unlawful appraisal, review or proposal"


def test_validation_failed_is_what_a_bad_ground_raises(commune):
    candidate = recognised(commune)
    with pytest.raises(ValidationFailed):
        candidate_revoke(candidate=candidate, user=commune.chairman, ground="rumour", note="x")
