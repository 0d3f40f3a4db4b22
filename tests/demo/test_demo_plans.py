"""The demo shows plans waiting at real steps, built through the flow."""

from __future__ import annotations

from tests.demo.conftest import run_seed
from workflows.plans.flow_actions import flow_open_tasks
from workflows.plans.models import Plan, PlanState


def test_demo_plans_wait_at_real_steps_with_their_tasks(demo):
    states = sorted(Plan.objects.values_list("state", flat=True))
    assert states == sorted([PlanState.IN_FORCE, PlanState.SIGNATURE, PlanState.DIVISION_REVIEW])
    committee = Plan.objects.get(state=PlanState.IN_FORCE)
    assert committee.register_entry.symbol.endswith("/KH-BCĐ")
    assert committee.signature.signature_block.splitlines()[0] == "TM. BAN CHỈ ĐẠO"
    waiting = Plan.objects.get(state=PlanState.SIGNATURE)
    assert list(waiting.basis_plans.all()) == [committee]
    assert [t.flow_task.name for t in flow_open_tasks(waiting)] == ["sign"]
    # seeding again adds no plan
    run_seed()
    assert Plan.objects.count() == 3
