"""Two leaders pressing "sign" together, two clerks numbering together (PostgreSQL)."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.db import connection
from pyhanko.pdf_utils.reader import PdfFileReader

from approvals.audit.models import Signature
from approvals.audit.services import chain_verify
from approvals.exceptions import ApprovalError
from approvals.registers.models import RegisterEntry
from approvals.signing.models import SignedFile, SignedStage
from tests.plans.conftest import new_plan, to_signature
from workflows.plans import esign
from workflows.plans.models import Plan, PlanState
from workflows.plans.services import plan_issue, plan_sign

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def race(actions: list[Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(actions))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Any) -> None:
        try:
            barrier.wait()
            results.append(action())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_two_leaders_sign_at_once_one_signature(province_tx):
    p = province_tx
    plan = to_signature(p, new_plan(p))
    leaders = [p.user("pgd.ldtbxh"), p.user("pgd2.ldtbxh"), p.user("gd.ldtbxh")]

    results, errors = race(
        [lambda u=u: plan_sign(plan=Plan.objects.get(pk=plan.pk), user=u) for u in leaders]
    )

    assert len(results) == 1
    assert len(errors) == 2
    assert all(isinstance(e, ApprovalError) for e in errors), errors
    assert Signature.objects.filter(subject_id=str(plan.pk)).count() == 1
    signed = SignedFile.objects.get(subject_id=str(plan.pk), stage=SignedStage.SIGNED)
    assert Signature.objects.get(subject_id=str(plan.pk)).content_sha256 == signed.sha256
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNED
    assert chain_verify().ok


def test_two_clerks_number_at_once_one_number(province_tx):
    p = province_tx
    plan = to_signature(p, new_plan(p))
    plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    clerk = p.user("vanthu.ldtbxh")

    results, errors = race(
        [lambda: plan_issue(plan=Plan.objects.get(pk=plan.pk), user=clerk) for _ in range(4)]
    )

    assert len(results) == 1
    assert len(errors) == 3
    assert all(isinstance(e, ApprovalError) for e in errors), errors
    assert list(RegisterEntry.objects.values_list("number", flat=True)) == [1]
    # one organisation signature: one issued file, signed by the signer and the agency once
    issued = SignedFile.objects.get(subject_id=str(plan.pk), stage=SignedStage.ISSUED)
    reader = PdfFileReader(io.BytesIO(issued.read()))
    assert [s.field_name for s in reader.embedded_regular_signatures] == [
        esign.SIGNER_FIELD,
        esign.SEAL_FIELD,
    ]
    assert chain_verify().ok
