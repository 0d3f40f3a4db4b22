"""Two-step sign-in on the site: enrolment, the code step after the password, recovery codes,
the throttle, and OTP_REQUIRED for the accounts that sign or number documents."""

from __future__ import annotations

import base64
import datetime
import re

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from approvals.audit.models import AuditEvent
from tests.factories import UserFactory
from tests.twofactor.conftest import ENROLLED_AT, PASSWORD, code_at

pytestmark = pytest.mark.django_db

LATER = ENROLLED_AT + datetime.timedelta(minutes=1)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def verified(client: Client) -> bool:
    return "otp_device_id" in client.session


def password_step(client: Client, username: str = "canbo", password: str = PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


# --- enrolment -------------------------------------------------------------------------------


def test_enrolment_shows_the_secret_and_confirms_the_app_with_a_first_code():
    user = UserFactory(username="canbo")
    client = Client()
    client.force_login(user)
    with freeze_time(ENROLLED_AT):
        page = client.get("/account/two-step/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "<svg" in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # the QR code is no script
        assert "data:" not in html
        secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', html).group(1)
        key = client.session["twofactor_enrol_key"]
        typed = secret.replace(" ", "")
        assert base64.b32decode(typed + "=" * (-len(typed) % 8)).hex() == key

        wrong = client.post("/account/two-step/", {"otp_token": "000000"})
        assert wrong.status_code == 200
        assert "Mã xác thực không đúng hoặc đã hết hạn" in wrong.content.decode()
        assert not TOTPDevice.objects.filter(user=user).exists()

        done = client.post("/account/two-step/", {"otp_token": code_at(key, ENROLLED_AT)})

        assert done.status_code == 200
        assert "no-store" in done["Cache-Control"]
        codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", done.content.decode())
        assert len(codes) == 10
        assert len(set(codes)) == 10
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.key == key
        stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
        assert len(stored) == 10
        assert not stored & {c.replace("-", "") for c in codes}  # only digests are kept
        assert verified(client)  # the session that enrolled counts as verified
        assert AuditEvent.objects.filter(action="twofactor.enrol", subject_id=str(user.pk)).exists()
        assert "Đang bật" in client.get("/account/two-step/").content.decode()


# --- the code step ---------------------------------------------------------------------------


def test_the_password_alone_does_not_sign_in_a_user_with_an_app(enrolled):
    client = Client()
    with freeze_time(LATER):
        response = password_step(client)
        assert response.status_code == 302
        assert response["Location"] == "/login/code/"
        assert not signed_in(client)
        assert client.get("/").status_code == 302  # still anonymous
        assert "Xác thực hai bước" in client.get("/login/code/").content.decode()


def test_a_wrong_code_is_refused(enrolled):
    client = Client()
    with freeze_time(LATER):
        password_step(client)
        response = client.post("/login/code/", {"otp_token": "123456"})
    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn" in response.content.decode()
    assert not signed_in(client)


def test_the_right_code_signs_in_and_verifies_the_session(enrolled):
    client = Client()
    with freeze_time(LATER):
        password_step(client)
        response = client.post("/login/code/", {"otp_token": enrolled.code()})
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert signed_in(client)
        assert verified(client)
        assert client.get("/").status_code == 200
        # the same code is not accepted a second time
        other = Client()
        password_step(other)
        again = other.post("/login/code/", {"otp_token": enrolled.code()})
    assert again.status_code == 200
    assert not signed_in(other)


def test_the_code_step_keeps_the_page_asked_for(enrolled):
    client = Client()
    with freeze_time(LATER):
        client.post("/login/?next=/registers/", {"username": "canbo", "password": PASSWORD})
        response = client.post("/login/code/", {"otp_token": enrolled.code()})
    assert response["Location"] == "/registers/"


def test_a_recovery_code_works_once(enrolled):
    code = enrolled.codes[3]
    first = Client()
    with freeze_time(LATER):
        password_step(first)
        response = first.post("/login/code/", {"otp_token": code.upper().replace("-", " ")})
        assert response.status_code == 302
        assert signed_in(first)
        assert verified(first)
        assert "còn 9 mã" in first.get("/").content.decode()
        second = Client()
        password_step(second)
        refused = second.post("/login/code/", {"otp_token": code})
    assert refused.status_code == 200
    assert not signed_in(second)
    assert StaticToken.objects.filter(device__user=enrolled.user).count() == 9
    assert AuditEvent.objects.filter(action="twofactor.recovery_code_use").count() == 1


def test_the_code_step_expires(enrolled, settings):
    client = Client()
    with freeze_time(LATER) as clock:
        password_step(client)
        clock.tick(settings.OTP_LOGIN_TIMEOUT + 1)
        response = client.post("/login/code/", {"otp_token": enrolled.code()})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert not signed_in(client)


def test_the_code_step_needs_the_password_first(enrolled):
    client = Client()
    response = client.post("/login/code/", {"otp_token": enrolled.code()})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert not signed_in(client)


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_LOCKOUT=600)
def test_wrong_codes_count_as_failed_sign_ins(enrolled):
    client = Client(REMOTE_ADDR="10.0.0.1")
    with freeze_time(LATER):
        password_step(client)
        client.post("/login/code/", {"otp_token": "111111"})
        client.post("/login/code/", {"otp_token": "222222"})
        locked = client.post("/login/code/", {"otp_token": "333333"})
        assert locked.status_code == 429
        assert "10 phút" in locked.content.decode()
        # the lock holds for the code step and the password step alike
        assert client.post("/login/code/", {"otp_token": enrolled.code()}).status_code == 302
        assert not signed_in(client)
        assert password_step(client).status_code == 429
        assert not signed_in(client)


def test_the_admin_sign_in_asks_for_the_code_too(enrolled):
    enrolled.user.is_staff = True
    enrolled.user.save()
    client = Client()
    with freeze_time(LATER):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "canbo", "password": PASSWORD}
        )
        assert response["Location"] == "/login/code/"
        assert not signed_in(client)
        done = client.post("/login/code/", {"otp_token": enrolled.code()})
        assert done["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_session_from_before_the_app_is_sent_to_the_code_step(enrolled):
    client = Client()
    client.force_login(enrolled.user)  # signed in without a code (before enrolling)
    response = client.get("/registers/")
    assert response.status_code == 302
    assert response["Location"] == "/login/code/?next=%2Fregisters%2F"
    assert client.get("/api/auth/me/").json()["code"] == "otp_required"
    with freeze_time(LATER):
        done = client.post("/login/code/", {"otp_token": enrolled.code(), "next": "/registers/"})
        assert done["Location"] == "/registers/"
        assert client.get("/registers/").status_code == 200


# --- managing the app ------------------------------------------------------------------------


def _verified_client(enrolled) -> Client:
    client = Client()
    password_step(client)
    client.post("/login/code/", {"otp_token": enrolled.code()})
    assert verified(client)
    return client


@freeze_time(LATER)
def test_removing_the_app_asks_for_the_password_or_a_code(enrolled):
    client = _verified_client(enrolled)
    refused = client.post("/account/two-step/remove/", {"confirmation": "not-it"}, follow=True)
    assert "không phải mật khẩu" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=enrolled.user).exists()

    client.post("/account/two-step/remove/", {"confirmation": PASSWORD})

    assert not TOTPDevice.objects.filter(user=enrolled.user).exists()
    assert not StaticToken.objects.filter(device__user=enrolled.user).exists()
    assert AuditEvent.objects.filter(action="twofactor.remove").count() == 1
    again = Client()
    password_step(again)
    assert signed_in(again)  # the password alone is enough again


def test_new_recovery_codes_replace_the_old_ones(enrolled):
    with freeze_time(LATER) as clock:
        client = _verified_client(enrolled)
        clock.tick(60)
        response = client.post(
            "/account/two-step/recovery-codes/", {"confirmation": enrolled.code(minutes=2)}
        )
        new = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", response.content.decode())
        assert len(new) == 10
        assert not set(new) & set(enrolled.codes)
        old = Client()
        password_step(old)
        assert old.post("/login/code/", {"otp_token": enrolled.codes[0]}).status_code == 200
        assert not signed_in(old)
        clock.tick(2)  # django-otp slows down a device after a failure
        fresh = Client()
        password_step(fresh)
        assert fresh.post("/login/code/", {"otp_token": new[0]}).status_code == 302
        assert signed_in(fresh)


# --- required for the accounts that can do most harm -----------------------------------------


@override_settings(OTP_REQUIRED=True)
def test_a_signer_without_an_app_is_sent_to_enrolment_before_any_page(signer):
    client = Client()
    response = password_step(client, "lanhdao")
    assert response.status_code == 302
    assert signed_in(client)
    for path in ("/", "/plans/", "/registers/", "/admin/"):
        page = client.get(path)
        assert page.status_code == 302, path
        assert page["Location"].startswith("/account/two-step/"), path
    assert client.get("/api/auth/me/").json()["code"] == "otp_enrolment_required"
    assert client.get("/account/two-step/").status_code == 200


@override_settings(OTP_REQUIRED=True)
def test_staff_are_required_too_and_others_are_not(db):
    staff = UserFactory(username="quantri", is_staff=True)
    plain = UserFactory(username="dan")
    staff_client, plain_client = Client(), Client()
    staff_client.force_login(staff)
    plain_client.force_login(plain)
    assert staff_client.get("/")["Location"] == "/account/two-step/?next=%2F"
    assert plain_client.get("/").status_code == 200


def test_nobody_is_required_while_the_setting_is_off(signer, settings):
    assert settings.OTP_REQUIRED is False
    client = Client()
    client.force_login(signer)
    assert client.get("/").status_code == 200
