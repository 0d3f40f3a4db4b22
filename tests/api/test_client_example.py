"""docs/api_client_example.py walks a plan from draft to dispatched against a live server."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from project.demo.data import DEMO_PASSWORD
from workflows.plans.models import Plan, PlanState

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api_client_example.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_client_example", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_client_walks_a_plan_to_dispatched(province_tx, live_server, capsys):
    client = load_script()

    assert client.main(["--base-url", live_server.url, "--password", DEMO_PASSWORD]) == 0

    plan = Plan.objects.get()
    assert plan.state == PlanState.IN_FORCE
    assert plan.dispatches.get().acknowledged_at is not None
    out = capsys.readouterr().out
    assert "digitally signed, sealed" in out
    assert f"done: plan #{plan.pk} is in_force with 1 dispatch(es)" in out
