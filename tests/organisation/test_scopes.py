"""Action scopes (the list filter) agree with the resolver (the one-object answer)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.organisation.models import Delegation, OrgUnit, Position
from approvals.organisation.resolver import decide
from approvals.organisation.selectors import ActionScope, action_scopes
from tests.demo.conftest import Demo, demo

__all__ = ["demo"]

ACTIONS = (
    "plans.review_plan",
    "plans.sign_plan",
    "plans.issue_plan",
    "nominations.decide_dossier",
    "nominations.record_meeting",
)


def test_every_demo_user_s_scope_matches_the_resolver_on_every_unit(demo: Demo) -> None:
    today = timezone.localdate()
    units = list(OrgUnit.objects.active_on(today))
    users = list(get_user_model().objects.filter(positions__isnull=False).distinct())
    assert len(users) > 30
    assert len(units) > 15
    compared = allowed = 0
    for user in users:
        scopes = action_scopes(user=user, action_codes=ACTIONS, day=today)
        for code in ACTIONS:
            for unit in units:
                expected = bool(decide(user, code, unit=unit, at=today))
                assert scopes[code].covers(unit) is expected, (user.username, code, unit.name)
                compared += 1
                allowed += expected
    # the comparison is not vacuous: some combinations are allowed, most are not
    assert 0 < allowed < compared / 2


def test_a_delegation_widens_the_scope_only_within_its_term_and_actions(demo: Demo) -> None:
    delegation = Delegation.objects.select_related("delegator_position__unit").first()
    assert delegation is not None
    code = delegation.actions.values_list("code", flat=True).first()
    assert code is not None
    unit = delegation.delegator_position.unit
    inside = delegation.valid_from
    after = delegation.valid_to + datetime.timedelta(days=1)
    own = {p.unit_id for p in Position.objects.active_on(inside).filter(user=delegation.delegate)}
    assert unit.pk not in own  # the delegate holds nothing at the delegator's unit
    assert action_scopes(user=delegation.delegate, action_codes=[code], day=inside)[code].covers(
        unit
    )
    scope_after = action_scopes(user=delegation.delegate, action_codes=[code], day=after)[code]
    assert scope_after.covers(unit) is bool(decide(delegation.delegate, code, unit=unit, at=after))
    assert not scope_after.covers(unit)


def test_scopes_cost_at_most_four_queries(demo: Demo, django_assert_max_num_queries: Any) -> None:
    user = demo.user("pgd.ldtbxh")
    with django_assert_max_num_queries(4):
        scopes = action_scopes(user=user, action_codes=ACTIONS, day=timezone.localdate())
    assert scopes["plans.sign_plan"]


def test_anonymous_and_unknown_actions_get_an_empty_scope(demo: Demo) -> None:
    from django.contrib.auth.models import AnonymousUser

    scopes = action_scopes(
        user=AnonymousUser(), action_codes=["plans.sign_plan"], day=timezone.localdate()
    )
    assert scopes == {"plans.sign_plan": ActionScope()}
    assert not action_scopes(
        user=demo.user("pgd.ldtbxh"), action_codes=["no.such_action"], day=timezone.localdate()
    )["no.such_action"]


def test_the_holders_of_a_step_are_exactly_the_users_the_resolver_allows(demo: Demo) -> None:
    from approvals.organisation.selectors import action_holders

    today = timezone.localdate()
    users = list(get_user_model().objects.filter(positions__isnull=False).distinct())
    units = list(OrgUnit.objects.active_on(today).order_by("path"))[::3]
    checked = 0
    for code in ACTIONS:
        for unit in units:
            holders = {p.user_id for p in action_holders(action_code=code, unit=unit, day=today)}
            # delegates act through the delegator's position, which is listed instead
            allowed = {
                u.pk
                for u in users
                if (d := decide(u, code, unit=unit, at=today)) and d.authority.delegation is None
            }
            assert holders == allowed, (code, unit.name)
            checked += len(allowed)
    assert checked > 0
