"""Fixtures: the demo province (tests/plans) and helpers to search as a user."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.plans.conftest import Province, new_plan, province, seed_004_content, to_signature
from workflows.search.hits import search_hits
from workflows.search.query import parse
from workflows.search.selectors import Filters, search_entries

__all__ = [
    "Province",
    "found",
    "hits",
    "new_plan",
    "province",
    "seed_004_content",
    "to_signature",
]

#: The day the plan tests of the demo province act on (its 2024 register).
DAY = datetime.date(2024, 2, 5)


def found(
    user: Any, text: str, *, day: datetime.date = DAY, filters: Filters | None = None
) -> list[tuple[str, int]]:
    """The hits of ``text`` for ``user``, as (kind, object id), best first."""
    entries = search_entries(user=user, day=day, query=parse(text), filters=filters)
    return list(entries.values_list("kind", "object_id"))


def hits(user: Any, text: str, *, day: datetime.date = DAY) -> list[Any]:
    query = parse(text)
    return search_hits(list(search_entries(user=user, day=day, query=query)[:20]), query)


@pytest.fixture
def drafter(province: Province) -> Any:
    return province.user("chuyenvien.vp.ldtbxh")
