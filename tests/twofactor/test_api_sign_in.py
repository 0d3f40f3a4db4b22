"""The API's token and session sign-in ask for the code (``otp_token``) of a user with an
authenticator app, and refuse a user who must have one and has none."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from freezegun import freeze_time
from rest_framework.test import APIClient

from tests.twofactor.conftest import ENROLLED_AT, PASSWORD

pytestmark = pytest.mark.django_db

LATER = ENROLLED_AT + datetime.timedelta(minutes=1)


def token(client: APIClient, username: str = "canbo", **extra: str):
    return client.post(
        "/api/auth/token/", {"username": username, "password": PASSWORD, **extra}, format="json"
    )


@freeze_time(LATER)
def test_the_token_needs_the_code_when_the_user_has_an_app(enrolled):
    client = APIClient()
    missing = token(client)
    assert missing.status_code == 401
    assert missing.json()["code"] == "otp_required"
    assert "xác thực hai bước" in missing.json()["message"]
    assert "token" not in missing.json()

    wrong = token(client, otp_token="123456")
    assert wrong.status_code == 401
    assert wrong.json() == {
        "code": "otp_invalid",
        "message": "Mã xác thực không đúng hoặc đã hết hạn.",
        "fields": {},
    }

    with freeze_time(LATER + datetime.timedelta(seconds=5)):  # after django-otp's slow-down
        right = token(client, otp_token=enrolled.code())
    assert right.status_code == 200, right.content
    assert right.json()["token"]


@freeze_time(LATER)
def test_a_recovery_code_gives_a_token_once(enrolled):
    client = APIClient()
    assert token(client, otp_token=enrolled.codes[0]).status_code == 200
    again = token(client, otp_token=enrolled.codes[0])
    assert again.status_code == 401
    assert again.json()["code"] == "otp_invalid"


@freeze_time(LATER)
def test_a_user_without_an_app_needs_no_code(db):
    from tests.factories import UserFactory

    UserFactory(username="canbo")
    assert token(APIClient()).status_code == 200


@freeze_time(LATER)
def test_the_session_sign_in_verifies_the_session_with_the_code(enrolled):
    client = APIClient()
    missing = client.post(
        "/api/auth/login/", {"username": "canbo", "password": PASSWORD}, format="json"
    )
    assert missing.status_code == 401
    assert missing.json()["code"] == "otp_required"
    assert "_auth_user_id" not in client.session

    done = client.post(
        "/api/auth/login/",
        {"username": "canbo", "password": PASSWORD, "otp_token": enrolled.code()},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert "otp_device_id" in client.session
    assert client.get("/api/auth/me/").status_code == 200


@override_settings(OTP_REQUIRED=True)
@freeze_time(LATER)
def test_a_signer_without_an_app_gets_no_token_when_it_is_required(signer):
    refused = token(APIClient(), "lanhdao")
    assert refused.status_code == 403
    assert refused.json()["code"] == "otp_enrolment_required"


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_LOCKOUT=600)
def test_wrong_api_codes_count_as_failed_sign_ins(enrolled):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    with freeze_time(LATER) as clock:
        for wrong in ("111111", "222222", "333333"):
            assert token(client, otp_token=wrong).status_code == 401
            clock.tick(10)
        locked = token(client, otp_token=enrolled.code(minutes=2))
    assert locked.status_code == 400
    assert locked.json()["code"] == "invalid_credentials"  # the lock refuses like a wrong password
