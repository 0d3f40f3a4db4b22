"""Fixtures: a commune with a village, its households and the people of the cycle."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from approvals.organisation.models import Action, Reach, Role
from approvals.registers.models import DocumentKind
from approvals.registers.services import register_configure
from tests.factories import ActionRuleFactory, PositionFactory, UserFactory
from workflows.nominations.models import Household


class Commune:
    """Commune X of the ``org`` fixture, staffed for the nomination cycle."""

    def __init__(self, org: Any, households: int) -> None:
        self.org = org
        self.commune, self.village = org.commune_x, org.village_x1
        self.chairman, self.village_head = org.chairman_x, org.village_head_x1
        role = {r.code: r for r in Role.objects.all()}

        def person(username: str, role_code: str, unit: Any) -> Any:
            user = UserFactory(username=username)
            PositionFactory(user=user, unit=unit, role=role[role_code])
            return user

        self.front_head = person("mttq_x1", "front_committee_head", self.village)
        self.officer = person("vhxh_x", "culture_officer", self.commune)
        self.clerk = person("vanthu_x", "records_clerk", self.commune)
        self.council = person("hd_x", "council_member", self.commune)
        ActionRuleFactory(
            action=Action.objects.get(code="approvals_registers.configure_register"),
            role=role["commune_chairman"],
            reach=Reach.SAME_UNIT,
        )
        for year in (2024, 2025, 2026):
            register_configure(
                agency=self.commune,
                year=year,
                name=f"Sổ quyết định {year}",
                kinds=[DocumentKind.objects.get(code="decision")],
                user=self.chairman,
            )
        self.households = Household.objects.bulk_create(
            Household(village=self.village, code=f"H{i:04d}", head_name=f"Nguyễn Văn {i}")
            for i in range(1, households + 1)
        )


@pytest.fixture
def commune(org) -> Commune:
    return Commune(org, households=12)


DAY = datetime.date


# A dossier walked through dated acts moves the clock to each act's day (``today_is``).
from tests.nominations.timeline import timeline  # noqa: E402, F401
