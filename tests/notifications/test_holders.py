"""Who holds a step and who heads a unit, for many steps in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from approvals.organisation.holders import StepQuery, step_holders_many, unit_heads_many
from approvals.organisation.models import Delegation
from tests.factories import PositionFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 2, 3)


def test_holders_follow_the_action_rules_at_the_nearest_level(org, django_assert_num_queries):
    queries = [
        StepQuery(org.approve.code, org.division_a),
        StepQuery(org.sign.code, org.division_a),
        StepQuery(org.sign.code, org.division_a, exclude=frozenset({org.deputy_a.pk})),
        StepQuery(org.decide.code, org.village_x1),
        StepQuery(org.submit.code, org.division_b),
    ]
    with django_assert_num_queries(3):
        answers = step_holders_many(queries, on=TODAY)
    assert answers == [
        frozenset({org.office_head_a.pk}),
        # the department's director and deputy sign for its office
        frozenset({org.director_a.pk, org.deputy_a.pk}),
        # the author may not sign their own document
        frozenset({org.director_a.pk}),
        # the chairman of the village's commune, not the other commune's
        frozenset({org.chairman_x.pk}),
        frozenset(),
    ]


def test_a_position_that_ended_holds_nothing(org):
    org.p_office_head_a.valid_to = TODAY - datetime.timedelta(days=1)
    org.p_office_head_a.save()
    assert step_holders_many([StepQuery(org.approve.code, org.division_a)], on=TODAY) == [
        frozenset()
    ]


def test_the_head_above_answers_when_the_head_holds_the_step(org, django_assert_num_queries):
    acting = UserFactory(username="q_truongthon")
    PositionFactory(user=acting, unit=org.village_y1, role=org.r_village_head, acting=True)
    units = [org.division_a, org.division_a, org.village_y1, org.division_b]
    exclude = [frozenset(), frozenset({org.office_head_a.pk}), frozenset(), frozenset()]
    with django_assert_num_queries(1):
        answers = unit_heads_many(units, on=TODAY, exclude=exclude)
    assert answers == [
        (org.division_a.pk, frozenset({org.office_head_a.pk})),
        (org.dept_a.pk, frozenset({org.director_a.pk})),
        (org.village_y1.pk, frozenset({acting.pk})),  # an acting head counts
        # division B has no head; its department has none in this tree either: nobody
        (None, frozenset()),
    ]


def _delegate(org, delegate, action, **overrides):
    fields = {
        "delegator": org.director_a,
        "delegator_position": org.p_director_a,
        "delegate": delegate,
        "instrument": "Giấy ủy quyền số 05/GUQ-LĐTBXH",
        "valid_from": TODAY - datetime.timedelta(days=10),
        "valid_to": TODAY + datetime.timedelta(days=10),
    }
    fields.update(overrides)
    delegation = Delegation.objects.create(**fields)
    delegation.actions.set([action])
    return delegation


def test_a_delegate_in_force_holds_the_delegated_step(org, django_assert_num_queries):
    clerk = UserFactory(username="tuq_signer")
    _delegate(org, clerk, org.sign)
    # delegations that do not count: another action, ended, revoked
    _delegate(org, UserFactory(username="approves_only"), org.approve)
    _delegate(
        org,
        UserFactory(username="ended"),
        org.sign,
        valid_to=TODAY - datetime.timedelta(days=1),
    )
    _delegate(org, UserFactory(username="revoked"), org.sign, revoked_at=timezone.now())
    queries = [
        StepQuery(org.sign.code, org.division_a),
        # the delegate drafted this one: separation of duties leaves them out
        StepQuery(org.sign.code, org.division_a, exclude=frozenset({clerk.pk})),
        StepQuery(org.sign.code, org.division_b),  # another department's step
    ]
    with django_assert_num_queries(3):
        answers = step_holders_many(queries, on=TODAY)
    assert answers[0] == frozenset({org.director_a.pk, org.deputy_a.pk, clerk.pk})
    assert answers[1] == frozenset({org.director_a.pk, org.deputy_a.pk})
    assert clerk.pk not in answers[2]
