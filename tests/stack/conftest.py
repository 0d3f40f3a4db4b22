"""Fixtures of the production stack's tests."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.fixture
def user(db: None):
    """A plain signed-up user (no role, no two-step sign-in)."""
    return UserFactory()
