"""Fixtures of the two-step sign-in: users, codes computed as the authenticator app does."""

from __future__ import annotations

import datetime
from binascii import unhexlify
from typing import Any

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from freezegun import freeze_time

from approvals.organisation.models import ActionKind
from approvals.twofactor.services import new_secret, twofactor_enrol
from tests.factories import ActionFactory, ActionRuleFactory, PositionFactory, UserFactory

PASSWORD = "pw"
#: The moment the tests enrol at (an hour ago, on a whole minute, so sessions made under a
#: frozen clock are still valid after it); sign-ins happen later, as a code is accepted once.
ENROLLED_AT = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0) - (
    datetime.timedelta(hours=1)
)


def code_at(key: str, when: datetime.datetime, *, steps: int = 0) -> str:
    """The code the app shows at ``when`` (plus ``steps`` periods of 30 seconds)."""
    totp = TOTP(unhexlify(key))
    totp.time = when.timestamp() + 30 * steps
    return f"{totp.token():06d}"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Any:
    """The login throttle counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


class Enrolled:
    """A user with an authenticator app (secret ``key``) and their recovery codes."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.key = new_secret()
        with freeze_time(ENROLLED_AT):
            self.codes = twofactor_enrol(
                user=user, key=self.key, code=code_at(self.key, ENROLLED_AT)
            ).recovery_codes

    def code(self, minutes: int = 1) -> str:
        """The code shown ``minutes`` after the enrolment."""
        return code_at(self.key, ENROLLED_AT + datetime.timedelta(minutes=minutes))


@pytest.fixture
def enrolled(db: None) -> Enrolled:
    return Enrolled(UserFactory(username="canbo"))


@pytest.fixture
def signer(db: None) -> Any:
    """A user holding a position whose role may sign (an action of kind "sign")."""
    rule = ActionRuleFactory(action=ActionFactory(kind=ActionKind.SIGN))
    return PositionFactory(user=UserFactory(username="lanhdao"), role=rule.role).user
