"""Wall time and SQL statements per named step, for the nominations year benchmark."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Meter:
    """Wall time and SQL statements per step, counted by a light execute wrapper."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.queries: dict[str, int] = defaultdict(int)
        self.rows: dict[str, int] = defaultdict(int)
        self.order: list[str] = []
        self._count = 0

    def _wrapper(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self._count += 1
        return execute(sql, params, many, context)

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Count every statement of the connection while inside."""
        from django.db import connection

        with connection.execute_wrapper(self._wrapper):
            yield

    @contextmanager
    def step(self, name: str, rows: int = 0) -> Iterator[None]:
        """Measure one call of step ``name`` that moves ``rows`` rows."""
        if name not in self.calls:
            self.order.append(name)
        before = self._count
        started = time.perf_counter()
        yield
        self.seconds[name] += time.perf_counter() - started
        self.calls[name] += 1
        self.queries[name] += self._count - before
        self.rows[name] += rows

    @property
    def total(self) -> float:
        """Seconds in all measured steps."""
        return sum(self.seconds.values())
