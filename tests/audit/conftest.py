"""Fixtures for the audit tests."""

from __future__ import annotations

import pytest

from approvals.audit.models import AuditEvent
from tests.audit.helpers import record_events


@pytest.fixture
def five_events(db) -> list[AuditEvent]:
    """A chain of five events written by the service."""
    return record_events(5)
