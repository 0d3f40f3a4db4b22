"""Helpers of the reliability suite: racing workers with their own connections."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection

from approvals.organisation.models import Action
from tests.plans.conftest import replay_data_migrations


@dataclass
class Outcomes:
    """What every attempt of a race gave: a result or the exception raised."""

    results: list[tuple[Any, Any]] = field(default_factory=list)  # (key, result)
    errors: list[tuple[Any, BaseException]] = field(default_factory=list)  # (key, exception)

    def winners(self, key: Any) -> int:
        return sum(1 for k, _ in self.results if k == key)


def race(workers: Sequence[Sequence[tuple[Any, Callable[[], Any]]]]) -> Outcomes:
    """Run each worker's attempts ``(key, action)`` in its own thread and connection.

    The workers start together at a barrier; each closes its connection at the end.
    """
    barrier = threading.Barrier(len(workers))
    outcomes = Outcomes()
    lock = threading.Lock()

    def run(attempts: Sequence[tuple[Any, Callable[[], Any]]]) -> None:
        try:
            barrier.wait()
            for key, action in attempts:
                try:
                    result = action()
                except BaseException as exc:  # reported to the test thread
                    with lock:
                        outcomes.errors.append((key, exc))
                else:
                    with lock:
                        outcomes.results.append((key, result))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempts,)) for attempts in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a worker hung (deadlock?)"
    return outcomes


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The rows of our data migrations, written again if an earlier flush removed them."""
    if not Action.objects.filter(code="plans.sign_plan").exists():
        replay_data_migrations()
