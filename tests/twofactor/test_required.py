"""Who must use two-step sign-in when the site requires it: read from the roles' action rules
(signing, deciding, numbering) and written delegations, never from user names."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from approvals.organisation.models import ActionKind, Delegation
from approvals.twofactor.selectors import twofactor_required
from tests.factories import ActionFactory, ActionRuleFactory, PositionFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def holder(kind: str = ActionKind.APPROVE, code: str | None = None, **position):
    action = ActionFactory(kind=kind, **({"code": code} if code else {}))
    rule = ActionRuleFactory(action=action)
    return PositionFactory(role=rule.role, **position).user


@override_settings(OTP_REQUIRED=True, OTP_REQUIRED_ACTIONS=["testapp.number_it"])
def test_signing_deciding_and_numbering_roles_are_required_and_others_are_not():
    assert twofactor_required(holder(ActionKind.SIGN), TODAY)
    assert twofactor_required(holder(ActionKind.DECIDE), TODAY)
    assert twofactor_required(holder(ActionKind.RECORD, "testapp.number_it"), TODAY)
    assert not twofactor_required(holder(ActionKind.RECORD), TODAY)
    assert not twofactor_required(holder(ActionKind.APPROVE), TODAY)
    assert not twofactor_required(UserFactory(), TODAY)
    # a position that has ended no longer counts
    ended = holder(ActionKind.SIGN, valid_to=TODAY - datetime.timedelta(days=1))
    assert not twofactor_required(ended, TODAY)


@override_settings(OTP_REQUIRED=True)
def test_a_delegate_of_a_signing_action_is_required_while_the_delegation_is_in_force():
    action = ActionFactory(kind=ActionKind.SIGN)
    rule = ActionRuleFactory(action=action)
    position = PositionFactory(role=rule.role)
    delegate = UserFactory()
    delegation = Delegation.objects.create(
        delegator=position.user,
        delegator_position=position,
        delegate=delegate,
        instrument="Giấy ủy quyền số 05/GUQ",
        valid_from=TODAY,
        valid_to=TODAY + datetime.timedelta(days=30),
    )
    delegation.actions.add(action)
    assert twofactor_required(delegate, TODAY)
    assert not twofactor_required(delegate, TODAY + datetime.timedelta(days=31))


def test_nobody_is_required_when_the_setting_is_off():
    user = holder(ActionKind.SIGN)
    user.is_staff = True
    assert not twofactor_required(user, timezone.localdate())
