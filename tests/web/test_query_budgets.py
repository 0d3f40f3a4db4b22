"""Each list page of the site makes the same number of SQL queries for 10 rows and 1,000."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.registers.models import DocumentKind, EntryStatus, Register, RegisterEntry
from tests.nominations.conftest import commune
from workflows.nominations.models import Dossier, DossierState, Title
from workflows.plans.models import Dispatch, Plan, PlanState

__all__ = ["commune"]

pytestmark = pytest.mark.django_db


#: The start page's statements at most (issue 22: 29 before the request's memo of holdings).
HOME_BUDGET = 19


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def same_cost(client: Client, url: str, grow: Callable[[int], None]) -> list[int]:
    counts = []
    done = 0
    for total in (10, 1000):
        grow(total - done)
        done = total
        counts.append(queries_for(client, url))
    return counts


def test_the_signing_inbox(commune: Any) -> None:
    client = Client()
    client.force_login(commune.chairman)
    units = [commune.village]
    made = [0]

    def grow(n: int) -> None:
        Dossier.objects.bulk_create(
            Dossier(
                title=Title.CULTURAL_FAMILY,
                year=1000 + made[0] + i,
                proposing_unit=units[0],
                deciding_unit=commune.commune,
                started_on=datetime.date(2026, 10, 1),
                created_by=commune.village_head,
                state=DossierState.DECISION,
            )
            for i in range(n)
        )
        made[0] += n

    counts = same_cost(client, "/sign/", grow)
    assert counts[0] == counts[1], counts
    assert Dossier.objects.filter(state=DossierState.DECISION).count() == 1000


def test_the_registers_page(commune: Any) -> None:
    client = Client()
    client.force_login(commune.clerk)
    register = Register.objects.filter(agency=commune.commune, year=2026).get()
    kind = DocumentKind.objects.get(code="decision")
    made = [0]

    def grow(n: int) -> None:
        RegisterEntry.objects.bulk_create(
            RegisterEntry(
                register=register,
                number=made[0] + i + 1,
                symbol=f"{made[0] + i + 1:02d}/QĐ-UBND",
                kind=kind,
                subject_summary="Công nhận danh hiệu",
                issued_on=datetime.date(2026, 11, 2),
                issued_by=commune.clerk,
                status=EntryStatus.VOID if i % 7 == 0 else EntryStatus.ISSUED,
                void_reason="Sai sót" if i % 7 == 0 else "",
                voided_by=commune.clerk if i % 7 == 0 else None,
                voided_at=timezone.now() if i % 7 == 0 else None,
            )
            for i in range(n)
        )
        made[0] += n

    counts = same_cost(client, f"/registers/?register={register.pk}", grow)
    assert counts[0] == counts[1], counts


def test_the_received_plans_and_the_start_page(commune: Any) -> None:
    client = Client()
    client.force_login(commune.chairman)
    kind = DocumentKind.objects.get(code="plan")

    def grow(n: int) -> None:
        plans = Plan.objects.bulk_create(
            Plan(
                issuing_agency=commune.commune,
                drafting_unit=commune.commune,
                kind=kind,
                author=commune.clerk,
                year=2026,
                subject_summary=f"Kế hoạch {i}",
                state=PlanState.IN_FORCE,
            )
            for i in range(n)
        )
        Dispatch.objects.bulk_create(
            Dispatch(plan=p, unit=commune.commune, sent_on=timezone.localdate()) for p in plans
        )

    received = same_cost(client, "/plans/received/", grow)
    assert received[0] == received[1], received
    home = [queries_for(client, "/")]
    grow(1000)
    home.append(queries_for(client, "/"))
    assert home[0] == home[1], home
    assert home[1] <= HOME_BUDGET, home
