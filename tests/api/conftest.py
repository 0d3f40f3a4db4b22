"""Fixtures for the API: clients signed in as a given user, the demo province."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.nominations.conftest import commune  # noqa: F401 - re-exported fixture
from tests.plans.conftest import province, province_tx  # noqa: F401 - re-exported fixtures


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """Rate limits count in the cache; every test starts from zero."""
    cache.clear()


@pytest.fixture
def as_user() -> Any:
    """``as_user(user)``: an API client authenticated as ``user``."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
