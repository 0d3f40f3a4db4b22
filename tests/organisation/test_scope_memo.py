"""A request reads who holds what once; a change within it is seen at once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.utils import timezone

from approvals.organisation.memo import RequestMemoMiddleware, current_memo, request_memo
from approvals.organisation.models import ActionRule, Delegation, Position
from approvals.organisation.selectors import action_scopes, scope_rules_clear
from tests.demo.conftest import Demo, demo
from tests.organisation.test_scopes import ACTIONS

__all__ = ["demo"]


def test_remembered_scopes_equal_fresh_ones_for_every_demo_user(demo: Demo) -> None:
    today = timezone.localdate()
    users = list(get_user_model().objects.filter(positions__isnull=False).distinct())
    delegates = list(get_user_model().objects.filter(delegations_received__isnull=False))
    assert len(users) > 30
    assert delegates
    for user in [*users, *delegates]:
        fresh = action_scopes(user=user, action_codes=ACTIONS, day=today)
        with request_memo():
            # asked one code at a time, as a page's parts do, then all at once
            one_by_one = {
                code: action_scopes(user=user, action_codes=[code], day=today)[code]
                for code in ACTIONS
            }
            together = action_scopes(user=user, action_codes=ACTIONS, day=today)
        assert one_by_one == fresh == together, user.username


def test_within_a_request_the_holdings_are_read_once(
    demo: Demo, django_assert_num_queries: Any
) -> None:
    user, today = demo.user("pgd.ldtbxh"), timezone.localdate()
    with request_memo():
        action_scopes(user=user, action_codes=["plans.sign_plan"], day=today)
        with django_assert_num_queries(1):  # the rules of the new codes; no holdings again
            scopes = action_scopes(user=user, action_codes=ACTIONS, day=today)
    assert scopes["plans.sign_plan"]


def test_a_position_ended_within_the_request_is_seen_at_once(demo: Demo) -> None:
    user, today = demo.user("pgd.ldtbxh"), timezone.localdate()
    with request_memo():
        assert action_scopes(user=user, action_codes=["plans.sign_plan"], day=today)[
            "plans.sign_plan"
        ]
        for position in Position.objects.active_on(today).filter(user=user):
            position.valid_to = today - timezone.timedelta(days=1)
            position.save()
        assert not action_scopes(user=user, action_codes=["plans.sign_plan"], day=today)[
            "plans.sign_plan"
        ]


def test_a_delegated_action_taken_back_within_the_request_is_seen_at_once(demo: Demo) -> None:
    delegation = Delegation.objects.select_related("delegator_position__unit").first()
    assert delegation is not None
    code = delegation.actions.values_list("code", flat=True).first()
    assert code is not None
    unit, day = delegation.delegator_position.unit, delegation.valid_from
    with request_memo():
        assert action_scopes(user=delegation.delegate, action_codes=[code], day=day)[code].covers(
            unit
        )
        delegation.actions.remove(*delegation.actions.filter(code=code))
        after = action_scopes(user=delegation.delegate, action_codes=[code], day=day)[code]
    assert not after.covers(unit)


@override_settings(APPROVALS_RULES_CACHE_SECONDS=300)
def test_the_process_keeps_the_rules_until_one_changes(
    demo: Demo, django_assert_num_queries: Any
) -> None:
    scope_rules_clear()
    user, today = demo.user("pgd.ldtbxh"), timezone.localdate()
    try:
        assert action_scopes(user=user, action_codes=["plans.sign_plan"], day=today)[
            "plans.sign_plan"
        ]
        with django_assert_num_queries(2):  # the positions and the delegations only
            action_scopes(user=user, action_codes=["plans.sign_plan"], day=today)
        ActionRule.objects.filter(action__code="plans.sign_plan").delete()  # signals sent
        assert not action_scopes(user=user, action_codes=["plans.sign_plan"], day=today)[
            "plans.sign_plan"
        ]
    finally:
        scope_rules_clear()


def test_the_middleware_opens_a_memo_around_the_view_and_closes_it() -> None:
    seen: list[object] = []

    def view(_request: HttpRequest) -> HttpResponse:
        seen.append(current_memo())
        return HttpResponse("ok")

    assert current_memo() is None
    RequestMemoMiddleware(view)(HttpRequest())
    assert seen == [{}]
    assert current_memo() is None
