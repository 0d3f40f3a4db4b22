"""Scenarios dated in the past: each act is recorded on its own day.

An act is recorded on the day it happens, or within its grace (:mod:`approvals.acts`). A
test that walks a dossier through dated acts uses the ``timeline`` fixture (the project's
``clock``) and calls :func:`today_is` before each act to move the site's clock to that day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

_ACTIVE: list[Any] = []


@pytest.fixture
def timeline(clock: Any) -> Iterator[Any]:
    """The test's clock, moved by :func:`today_is` from the test and its helpers."""
    _ACTIVE.append(clock)
    try:
        yield clock
    finally:
        _ACTIVE.remove(clock)


def today_is(day: datetime.date | None, hour: int = 9) -> None:
    """Move the site's clock to ``hour`` o'clock of ``day``: the next act is recorded then
    (``None``: the clock stays where it is)."""
    if day is None:
        return
    if not _ACTIVE:
        raise RuntimeError("today_is() needs the timeline fixture")
    _ACTIVE[-1].to(day, hour)


__all__ = ["timeline", "today_is"]
