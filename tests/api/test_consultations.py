"""Consultations through the API: the consulted agencies see and answer them, others do not."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from approvals.audit.models import AuditEvent
from tests.api.test_plans import draft_body, post
from workflows.plans.flow_actions import flow_open_tasks
from workflows.plans.flows import PlanFlow
from workflows.plans.models import Consultation, ConsultationStatus, Plan, PlanState

pytestmark = pytest.mark.django_db


@pytest.fixture
def consulted(province: Any, as_user: Any) -> tuple[Any, dict[str, Any], Any, Any]:
    p = province
    vhttdl = p.unit("Sở Văn hóa, Thể thao và Du lịch")
    bcd = p.child(p.dept.parent, "BCĐ")
    with freeze_time("2024-03-04 09:00"):  # a Monday
        body = {
            **draft_body(p),
            "needs_consultation": True,
            "consulted_agencies": [vhttdl.pk, bcd.pk],
            "consultation_working_days": 5,
        }
        drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
        plan = drafter.post("/api/plans/", body, format="json").json()
        url = f"/api/plans/{plan['id']}"
        post(drafter, f"{url}/submit/")
        post(as_user(p.user("cvp.ldtbxh")), f"{url}/approve/")
        post(as_user(p.user("kiemtra.ldtbxh")), f"{url}/approve/")
    return p, plan, vhttdl, bcd


def test_each_agency_lists_and_answers_its_own_consultation(consulted, as_user):
    p, plan, vhttdl, bcd = consulted
    assert Plan.objects.get(pk=plan["id"]).state == PlanState.CONSULTATION
    culture = as_user(p.user("pgd.vhttdl"))  # not on the committee
    with freeze_time("2024-03-05 09:00"):
        listed = culture.get("/api/consultations/?status=pending").json()
    assert [(c["agency"], c["due_on"], c["revision"]) for c in listed["results"]] == [
        (vhttdl.pk, "2024-03-11", 1)
    ]
    own = listed["results"][0]["id"]
    other = Consultation.objects.get(plan_id=plan["id"], agency=bcd).pk
    # another agency's consultation is not there: 404, like a missing id
    assert culture.get(f"/api/consultations/{other}/").status_code == 404
    refused = culture.post(f"/api/consultations/{other}/answer/", {"answer": "x"}, format="json")
    assert refused.status_code == 404

    empty = culture.post(f"/api/consultations/{own}/answer/", {"answer": ""}, format="json")
    assert (empty.status_code, empty.json()["code"]) == (400, "invalid")
    assert "answer" in empty.json()["fields"]

    before = AuditEvent.objects.count()
    with freeze_time("2024-03-06 09:00"):
        answered = post(culture, f"/api/consultations/{own}/answer/", {"answer": "Nhất trí"})
    assert (answered["status"], answered["answer"], answered["answered_on"]) == (
        ConsultationStatus.ANSWERED,
        "Nhất trí",
        "2024-03-06",
    )
    assert AuditEvent.objects.count() > before
    # the flow moved with it: only the committee's answer task is still open
    open_tasks = flow_open_tasks(Plan.objects.get(pk=plan["id"]))
    answers = [t for t in open_tasks if t.flow_task == PlanFlow.answer]
    assert [t.data["consultation"] for t in answers] == [other]

    with freeze_time("2024-03-07 09:00"):
        twice = culture.post(f"/api/consultations/{own}/answer/", {"answer": "Lại"}, format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "wrong_state")
    assert Consultation.objects.get(pk=own).answer == "Nhất trí"


def test_a_drafter_cannot_answer_for_the_consulted_agency(consulted, as_user):
    p, plan, vhttdl, _bcd = consulted
    own = Consultation.objects.get(plan_id=plan["id"], agency=vhttdl).pk
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    # the drafter's units do not include the consulted agency: not visible
    assert drafter.post(f"/api/consultations/{own}/answer/", {"answer": "x"}).status_code == 404
    assert Consultation.objects.get(pk=own).status == ConsultationStatus.PENDING
