"""A plan that went through the steering-committee consultation still opens for everyone:
the consultation's closing decision has no reviewer, and the approval sheet says what it
stands for instead (regression: the page was a 500 for every role from then on)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from approvals.organisation.models import OrgUnit
from approvals.registers.models import DocumentKind
from project.demo.plans import department_plan_content
from tests.demo.conftest import Demo, demo
from workflows.plans.flow_actions import (
    flow_answer,
    flow_approve,
    flow_issue,
    flow_sign,
    flow_submit,
)
from workflows.plans.models import Plan, PlanApproval, PlanState
from workflows.plans.services import plan_create

__all__ = ["demo"]

pytestmark = pytest.mark.django_db

#: Who opens the plan's page at each step: drafter, reviewers, the committee, signer, clerk.
READERS = (
    "chuyenvien.vp.ldtbxh",
    "cvp.ldtbxh",
    "kiemtra.ldtbxh",
    "thuky.bcd",
    "gd.ldtbxh",
    "vanthu.ldtbxh",
)


def consulted_plan(demo: Demo) -> Plan:
    """A plan of Sở LĐTBXH that consults the steering committee, at the consultation."""
    dept = demo.unit("Sở Lao động - Thương binh và Xã hội")
    bcd = OrgUnit.objects.get(short_name="BCĐ Phong trào tỉnh")
    drafter = demo.user("chuyenvien.vp.ldtbxh")
    plan = plan_create(
        user=drafter,
        issuing_agency=dept,
        drafting_unit=demo.unit("Văn phòng Sở", "Sở Lao động - Thương binh và Xã hội"),
        kind=DocumentKind.objects.get(code="plan"),
        year=timezone.localdate().year,
        content=department_plan_content(dept, timezone.localdate().year),
        recipient_units=[demo.unit("Sở Văn hóa, Thể thao và Du lịch")],
        needs_consultation=True,
        consulted_agencies=[bcd],
        consultation_working_days=5,
    )
    flow_submit(plan, drafter)
    flow_approve(plan, demo.user("cvp.ldtbxh"))
    flow_approve(plan, demo.user("kiemtra.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTATION
    return plan


def opened_by_everyone(demo: Demo, plan: Plan) -> list[Any]:
    pages = []
    for username in READERS:
        client = Client()
        client.force_login(demo.user(username))
        response = client.get(f"/plans/{plan.pk}/")
        assert response.status_code == 200, (username, plan.state, response.status_code)
        pages.append(response)
    return pages


def test_a_consulted_plan_opens_for_every_role_after_the_answer_and_after_issue(
    demo: Demo,
) -> None:
    plan = consulted_plan(demo)
    opened_by_everyone(demo, plan)
    flow_answer(plan.consultations.get(), demo.user("thuky.bcd"), answer="Nhất trí")
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE
    closing = PlanApproval.objects.get(plan=plan, step=PlanState.CONSULTATION)
    assert closing.user is None
    for page in opened_by_everyone(demo, plan):
        sheet = page.content.decode()
        # the row without a reviewer names the consulted committee, in Vietnamese
        assert "Ban Chỉ đạo (ý kiến tham gia)" in sheet
    flow_sign(plan, demo.user("gd.ldtbxh"))
    flow_issue(plan, demo.user("vanthu.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    opened_by_everyone(demo, plan)
