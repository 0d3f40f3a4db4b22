"""The pages' reading of the hits (:class:`SearchResults`: kind by kind, small reaches by
their ids, common words along the date index) gives the reference ranking's rows in its
order (:func:`search_entries`, one query), whichever of its ways the limits make it take."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from tests.demo.conftest import Demo, demo
from workflows.search.query import parse
from workflows.search.ranking import SearchResults
from workflows.search.selectors import Filters, search_entries, search_facets

__all__ = ["demo"]

pytestmark = pytest.mark.django_db

USERS = ("pct.tinh", "thuky.bcd", "chutich.tandinh", "truongthon.ha", "chuyenvien.vp.ldtbxh")
QUERIES = (
    "gia dinh van hoa",
    "ke hoach",
    "van hoa 2024",
    "nguyen van",
    "KH-BCĐ",
    "01",
    "thon",
)
#: The limits that send each kind down each of the ways: as configured; every reach read by
#: its ids; every reach wide with a probe of 2 (common words read along the date index).
LIMITS: tuple[dict[str, int], ...] = (
    {},
    {"probe": 2, "reach_ids": 10**6},
    {"probe": 2, "reach_ids": 0},
    {"probe": 10**6, "reach_ids": 0},
)


def _keys(entries: Any) -> list[tuple[str, int]]:
    return [(entry.kind, entry.object_id) for entry in entries]


@pytest.mark.parametrize("limits", LIMITS, ids=("default", "ids", "walk", "probe"))
def test_the_pages_rows_are_the_reference_rows_in_its_order(
    demo: Demo, settings: Any, limits: dict[str, int]
) -> None:
    settings.SEARCH_LIMITS = limits
    day = timezone.localdate()
    ways: set[bool] = set()
    for username in USERS:
        user = demo.user(username)
        for text in QUERIES:
            query = parse(text)
            reference = search_entries(user=user, day=day, query=query)
            expected = _keys(reference)
            results = SearchResults(user=user, day=day, query=query)
            count = results.count()
            ways.add(results.exact)
            where = f"{username} / {text}"
            if results.exact:
                assert count == len(expected), where
                assert results.facets() == {
                    **dict.fromkeys(results.facets(), 0),
                    **search_facets(reference),
                }, where
            else:
                assert 0 < count < len(expected), where
            # the whole list, and pages of 3 read one by one through a paginator
            assert _keys(results[:count]) == expected[:count], where
            paginator: Paginator[Any] = Paginator(results, 3)
            paged = [key for n in paginator.page_range for key in _keys(paginator.page(n))]
            assert paged == expected[:count], where
    if limits == {"probe": 2, "reach_ids": 0}:
        assert ways == {True, False}  # both ways were taken (some hits beyond the probe)


def test_a_user_of_another_commune_counts_nothing_whatever_the_limits(
    demo: Demo, settings: Any
) -> None:
    day = timezone.localdate()
    owner, stranger = demo.user("chutich.tandinh"), demo.user("chutich.damai")
    query = parse("gia dinh van hoa")
    for limits in LIMITS:
        settings.SEARCH_LIMITS = limits
        assert SearchResults(user=owner, day=day, query=query).count() > 0, limits
        theirs = SearchResults(user=stranger, day=day, query=query)
        assert theirs.count() == 0, limits
        assert theirs[:20] == [], limits
        assert not any(theirs.facets().values()), limits


def test_filters_apply_on_every_way(demo: Demo, settings: Any) -> None:
    day = timezone.localdate()
    user = demo.user("pct.tinh")
    query = parse("nguyen")
    only = Filters(kinds=frozenset({"household"}))
    expected = _keys(search_entries(user=user, day=day, query=query, filters=only))
    assert expected
    assert {kind for kind, _pk in expected} == {"household"}
    for limits in LIMITS[1:]:
        settings.SEARCH_LIMITS = limits
        results = SearchResults(user=user, day=day, query=query, filters=only)
        assert _keys(results[: results.count()]) == expected[: results.count()], limits


def test_a_reachs_plans_read_way_by_way_are_the_lists_plans(demo: Demo) -> None:
    # the union of the ways a plan is visible, each read through its index, then tested
    # against the list itself: exactly the plan list's plans, for every kind of user
    from approvals.organisation.models import Position
    from workflows.plans.selectors import plan_list_visible, plan_reach
    from workflows.search.ranking import _reach_ids

    day = timezone.localdate()
    users = {position.user for position in Position.objects.select_related("user")}
    assert len(users) > 10
    for user in users:
        reach = plan_reach(user=user, day=day)
        plans = plan_list_visible(reach=reach)
        expected = set(plans.values_list("pk", flat=True))
        assert set(_reach_ids(plans, reach.visible_arms(), 10**6)) == expected, user
        in_force = plan_list_visible(reach=reach, state="in_force")
        assert set(_reach_ids(in_force, reach.visible_arms(), 10**6)) == set(
            in_force.values_list("pk", flat=True)
        ), user
