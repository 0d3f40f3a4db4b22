"""Two leaders pressing "sign" at once through the API: one 200, one 409 (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from approvals.audit.models import Signature
from approvals.audit.services import chain_verify
from tests.plans.conftest import new_plan
from workflows.plans.flow_actions import flow_approve, flow_open_tasks, flow_submit
from workflows.plans.flows import PlanFlow
from workflows.plans.models import Plan, PlanState

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    responses: list[Any] = []

    def run(call: Any) -> None:
        try:
            barrier.wait()
            responses.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return responses


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_two_leaders_sign_at_once_one_200_one_409(province_tx):
    p = province_tx
    plan = new_plan(p)
    flow_submit(plan, plan.author)
    flow_approve(plan, p.user("cvp.ldtbxh"))
    flow_approve(plan, p.user("kiemtra.ldtbxh"))
    url = f"/api/plans/{plan.pk}/sign/"
    leaders = [client_for(p.user("pgd.ldtbxh")), client_for(p.user("pgd2.ldtbxh"))]

    responses = race([lambda c=c: c.post(url, {}, format="json") for c in leaders])

    assert sorted(r.status_code for r in responses) == [200, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["code"] in ("wrong_state", "conflict", "workflow_out_of_step")
    assert Signature.objects.filter(subject_id=str(plan.pk)).count() == 1
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.state == PlanState.SIGNED
    assert [t.flow_task for t in flow_open_tasks(plan)] == [PlanFlow.register]
    assert chain_verify().ok


def test_the_same_idempotency_key_twice_at_once_acts_once(province_tx):
    p = province_tx
    plan = new_plan(p)
    drafter = p.user("chuyenvien.vp.ldtbxh")
    url = f"/api/plans/{plan.pk}/submit/"
    clients = [client_for(drafter), client_for(drafter)]

    responses = race(
        [lambda c=c: c.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="same") for c in clients]
    )

    codes = sorted(r.status_code for r in responses)
    # the loser either replays the first answer or is told the first is still running
    assert codes in ([200, 200], [200, 409])
    assert Plan.objects.get(pk=plan.pk).state == PlanState.DIVISION_REVIEW
