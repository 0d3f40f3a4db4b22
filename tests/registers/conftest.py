"""Fixtures for registers: a records clerk, the seeded kinds, a configured register."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from approvals.organisation.models import Action, ActionRule, Reach, UnitKind
from approvals.registers.models import DocumentKind, Register
from approvals.registers.services import (
    CLOSE_REGISTER,
    CONFIGURE_REGISTER,
    ISSUE_NUMBER,
    VOID_NUMBER,
    register_configure,
)
from tests.factories import (
    OrgUnitFactory,
    PositionFactory,
    RoleFactory,
    UserFactory,
)

ISSUE_DAY = datetime.date(2024, 3, 15)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def kinds(db) -> dict[str, DocumentKind]:
    """The seeded document kinds by code."""
    return {kind.code: kind for kind in DocumentKind.objects.all()}


@pytest.fixture
def clerk_role(db):
    """The seeded records clerk role, given the register actions at its own unit."""
    role = RoleFactory(code="records_clerk")
    for code in (ISSUE_NUMBER, VOID_NUMBER, CLOSE_REGISTER, CONFIGURE_REGISTER):
        # some of these rules ship as defaults with the plans app
        ActionRule.objects.get_or_create(
            action=Action.objects.get(code=code),
            role=role,
            reach=Reach.SAME_UNIT,
            holder_unit_kind="",
        )
    return role


@pytest.fixture
def clerk(org, clerk_role):
    """The records clerk (văn thư) of department A."""
    user = UserFactory(username="vt_a", first_name="Mai", last_name="Đinh Thị")
    PositionFactory(user=user, unit=org.dept_a, role=clerk_role)
    return user


@pytest.fixture
def committee(org):
    """The provincial steering committee, which numbers its own documents (30/KH-BCĐ)."""
    return OrgUnitFactory(
        name="Ban Chỉ đạo Phong trào tỉnh",
        code="BCĐ",
        kind=UnitKind.STEERING_COMMITTEE,
        parent=org.province,
    )


@pytest.fixture
def committee_clerk(committee, clerk_role):
    """The committee's records clerk."""
    user = UserFactory(username="vt_bcd")
    PositionFactory(user=user, unit=committee, role=clerk_role)
    return user


@pytest.fixture
def register_2024(org, clerk, kinds) -> Register:
    """Department A's 2024 register for plans and reports (one shared sequence)."""
    return register_configure(
        agency=org.dept_a,
        year=2024,
        name="Sổ văn bản đi 2024",
        kinds=[kinds["plan"], kinds["report"]],
        user=clerk,
    )
