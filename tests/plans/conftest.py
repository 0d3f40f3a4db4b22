"""Fixtures: the demo province and the seed-004 plan content."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython
from django.db.migrations.state import ProjectState

from approvals.organisation.models import Action, OrgUnit
from approvals.registers.models import DocumentKind
from approvals.registers.services import register_configure
from project.demo.plans import department_plan_content


class Province:
    """Handles on the seeded demo province."""

    @staticmethod
    def unit(name: str) -> OrgUnit:
        return OrgUnit.objects.get(name=name)

    @staticmethod
    def user(username: str) -> Any:
        return get_user_model().objects.get(username=username)

    @property
    def dept(self) -> OrgUnit:
        return OrgUnit.objects.get(short_name="Sở LĐTBXH")

    def child(self, parent: OrgUnit, code: str) -> OrgUnit:
        return OrgUnit.objects.get(parent=parent, code=code)


@pytest.fixture
def province(db: None) -> Province:
    call_command("seed_demo", "--no-logins", "--no-plans", stdout=StringIO(), stderr=StringIO())
    p = Province()
    # the 2024 outgoing register of Sở LĐTBXH: plans, reports and letters
    register_configure(
        agency=p.dept,
        year=2024,
        name="Sổ văn bản đi 2024",
        kinds=list(DocumentKind.objects.filter(code__in=["plan", "report", "official_letter"])),
        user=p.user("gd.ldtbxh"),
    )
    return p


def seed_004_content(p: Province) -> dict[str, Any]:
    """The 2024 plan of Sở LĐTBXH Bắc Giang (seed 004), abridged."""
    return department_plan_content(
        p.dept,
        2024,
        basis="Thực hiện Kế hoạch số 30/KH-BCĐ ngày 05/02/2024 của Ban chỉ đạo Phong trào Toàn "
        "dân đoàn kết xây dựng đời sống văn hóa và công tác gia đình tỉnh Bắc Giang.",
    )


DAY = datetime.date


def new_plan(p: Province, **overrides: Any) -> Any:
    """A seed-004 plan of Sở LĐTBXH drafted in Văn phòng Sở, in draft."""
    from workflows.plans.services import plan_create

    dept = p.dept
    fields: dict[str, Any] = {
        "user": p.user("chuyenvien.vp.ldtbxh"),
        "issuing_agency": dept,
        "drafting_unit": p.child(dept, "VP"),
        "kind": DocumentKind.objects.get(code="plan"),
        "year": 2024,
        "content": seed_004_content(p),
        "recipient_units": [p.unit("Sở Văn hóa, Thể thao và Du lịch")],
    }
    fields.update(overrides)
    return plan_create(**fields)


def to_signature(p: Province, plan: Any) -> Any:
    """Drive a draft through both reviews to the signature step."""
    from workflows.plans.services import plan_approve, plan_submit

    plan_submit(plan=plan, user=plan.author)
    plan_approve(plan=plan, user=p.user("cvp.ldtbxh"))
    plan_approve(plan=plan, user=p.user("kiemtra.ldtbxh"))
    plan.refresh_from_db()
    return plan


def replay_data_migrations() -> None:
    """Write again the rows our data migrations wrote, after a flush removed them.

    A transactional test ends with a flush; ``serialized_rollback`` would restore the
    migrated data but clashes with the content types and permissions that
    ``post_migrate`` re-creates after every flush.
    """
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    state = ProjectState(real_apps=executor.loader.unmigrated_apps)
    with connection.schema_editor() as editor:
        for migration, _backwards in plan:
            ours = migration.__module__.startswith(("approvals.", "workflows."))
            for operation in migration.operations:
                before = state.clone() if ours and isinstance(operation, RunPython) else None
                operation.state_forwards(migration.app_label, state)
                if before is not None:
                    operation.database_forwards(migration.app_label, editor, before, state)


@pytest.fixture
def province_tx(transactional_db: None) -> Province:
    """The demo province for tests with real transactions (several connections)."""
    if not Action.objects.filter(code="plans.sign_plan").exists():
        replay_data_migrations()
    call_command("seed_demo", "--no-logins", "--no-plans", stdout=StringIO(), stderr=StringIO())
    p = Province()
    register_configure(
        agency=p.dept,
        year=2024,
        name="Sổ văn bản đi 2024",
        kinds=list(DocumentKind.objects.filter(code="plan")),
        user=p.user("gd.ldtbxh"),
    )
    return p
