"""Fixtures of other areas the budgets use."""

from __future__ import annotations

from tests.plans.conftest import province  # noqa: F401  (the seeded demo province)
