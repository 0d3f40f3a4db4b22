"""The start page's buttons agree with the resolver for every demo user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.organisation.memo import request_memo
from approvals.organisation.resolver import decide
from project.abilities import REGISTER_CANDIDATES, start_actions
from tests.demo.conftest import Demo, demo
from workflows.nominations.selectors import proposing_units_for

__all__ = ["demo"]


def test_open_a_dossier_is_offered_exactly_where_the_resolver_allows_it(demo: Demo) -> None:
    day = timezone.localdate()
    users = list(get_user_model().objects.filter(positions__isnull=False).distinct())
    offered = 0
    for user in users:
        expected = any(
            decide(user, REGISTER_CANDIDATES, unit=unit, at=day).allowed
            for unit in proposing_units_for(user=user, day=day)
        )
        with request_memo():  # as on a page
            actions = start_actions(user=user, day=day)
        assert actions.open_dossier is expected, user.username
        assert start_actions(user=user, day=day).open_dossier is expected, user.username
        offered += expected
    assert 0 < offered < len(users)  # some users register candidates, most do not
