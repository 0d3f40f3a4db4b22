"""Fixtures: the demo province seeded into the test database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from approvals.organisation.models import OrgUnit

# The demo is the site layer, above workflows; the banned-import rule guards approvals/.
from workflows.nominations.models import Household

__all__ = ["Demo", "Household", "demo", "run_seed"]


class Demo:
    """Handles on the seeded demo: units by name and users by username."""

    def __init__(self, output: str) -> None:
        self.output = output

    @staticmethod
    def unit(name: str, parent: str | None = None) -> OrgUnit:
        units = OrgUnit.objects.filter(name=name)
        if parent is not None:
            units = units.filter(parent__name=parent)
        return units.get()

    @staticmethod
    def user(username: str):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username=username)


def run_seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def demo(db: None) -> Demo:
    """The demo province, seeded once for the test."""
    return Demo(run_seed())
