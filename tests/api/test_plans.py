"""Plans through the API: every step, and every refusal with its status and code."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from freezegun import freeze_time

from approvals.audit.models import AuditEvent
from approvals.signing.models import SignedFile, SignedStage
from tests.plans.conftest import seed_004_content
from workflows.plans.flow_actions import flow_open_tasks
from workflows.plans.flows import PlanFlow
from workflows.plans.models import Plan, PlanState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen(province: Any) -> Any:
    """After the demo is seeded (today), the clock stands on a Monday of 2024."""
    with freeze_time("2024-03-04 09:00"):  # a Monday; the 2024 register is open
        yield


def draft_body(p: Any) -> dict[str, Any]:
    dept = p.dept
    return {
        "issuing_agency": dept.pk,
        "drafting_unit": p.child(dept, "VP").pk,
        "kind": "plan",
        "year": 2024,
        "content": seed_004_content(p),
        "recipient_units": [p.unit("Sở Văn hóa, Thể thao và Du lịch").pk],
    }


def create(p: Any, as_user: Any) -> dict[str, Any]:
    response = as_user(p.user("chuyenvien.vp.ldtbxh")).post("/api/plans/", draft_body(p))
    assert response.status_code == 201, response.json()
    return response.json()


def post(client: Any, url: str, body: dict[str, Any] | None = None, code: int = 200) -> Any:
    response = client.post(url, body or {})
    assert response.status_code == code, response.json()
    return response.json()


def to_signature(p: Any, as_user: Any) -> dict[str, Any]:
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}"
    post(as_user(p.user("chuyenvien.vp.ldtbxh")), f"{url}/submit/")
    post(as_user(p.user("cvp.ldtbxh")), f"{url}/approve/")
    return post(as_user(p.user("kiemtra.ldtbxh")), f"{url}/approve/")


def test_a_plan_walks_from_draft_to_dispatched_and_reported(province, as_user):
    p = province
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}"
    assert (plan["state"], plan["revision_number"], plan["symbol"]) == ("draft", 1, None)

    # the drafter edits the draft: a new revision
    content = seed_004_content(p) | {"closing": "Yêu cầu các phòng triển khai nghiêm túc."}
    edited = drafter.put(f"{url}/content/", {"content": content})
    assert edited.status_code == 200, edited.json()
    assert edited.json()["revision_number"] == 2
    assert edited.json()["content"]["closing"].startswith("Yêu cầu")

    assert post(drafter, f"{url}/submit/")["state"] == PlanState.DIVISION_REVIEW
    reviewed = post(as_user(p.user("cvp.ldtbxh")), f"{url}/approve/", {"seen_revision": 2})
    assert reviewed["state"] == PlanState.FORMAT_CHECK
    assert post(as_user(p.user("kiemtra.ldtbxh")), f"{url}/approve/")["state"] == "signature"
    signed = post(as_user(p.user("pgd.ldtbxh")), f"{url}/sign/", {"comment": "Đồng ý"})
    assert (signed["state"], signed["signed"]) == (PlanState.SIGNED, True)
    issued = post(as_user(p.user("vanthu.ldtbxh")), f"{url}/issue/")
    assert issued["state"] == PlanState.IN_FORCE
    assert issued["symbol"] == "01/KH-LĐTĐ&XH"
    assert issued["issued_on"] == "2024-03-04"
    assert [d["unit"] for d in issued["dispatches"]] == [
        p.unit("Sở Văn hóa, Thể thao và Du lịch").pk
    ]
    # the flow moved with the plan: the final review is the open task
    assert [t.flow_task for t in flow_open_tasks(Plan.objects.get(pk=plan["id"]))] == [
        PlanFlow.final_review
    ]

    # the recipient sees the plan now, and acknowledges it
    recipient = as_user(p.user("gd.vhttdl"))
    assert recipient.get(url + "/").status_code == 200
    dispatch = issued["dispatches"][0]["id"]
    acknowledged = post(recipient, f"/api/dispatches/{dispatch}/acknowledge/")
    assert acknowledged["acknowledged_by"] == p.user("gd.vhttdl").pk
    again = recipient.post(f"/api/dispatches/{dispatch}/acknowledge/")
    assert (again.status_code, again.json()["code"]) == (409, "wrong_state")

    # a division owes its report; its head sends it
    report = next(r for r in issued["reports"] if r["unit"] == p.child(p.dept, "BTXH").pk)
    sent = post(
        as_user(p.user("tp.btxh")), f"/api/reports/{report['id']}/submit/", {"text": "Đã làm."}
    )
    assert sent["submitted_on"] == "2024-03-04"

    # the signed PDF and its SHA-256
    signature = as_user(p.user("pgd.ldtbxh")).get(f"{url}/signature/").json()
    assert signature["valid"] is True
    assert signature["signature_block"] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    pdf = as_user(p.user("pgd.ldtbxh")).get(f"{url}/document/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert body.startswith(b"%PDF")
    # once issued, the document is the issued file (both digital signatures), not the
    # signed one the signature record covers
    issued_file = SignedFile.objects.get(subject_id=str(plan["id"]), stage=SignedStage.ISSUED)
    assert hashlib.sha256(body).hexdigest() == pdf["X-Content-SHA256"] == issued_file.sha256
    assert pdf["X-Signature-SHA256"] == signature["sha256"]

    # the audit trail, in order
    trail = as_user(p.user("pgd.ldtbxh")).get(f"{url}/audit/").json()
    actions = [e["action"] for e in trail["results"]]
    assert actions[:6] == [
        "plans.draft_plan",
        "plans.edit_plan",
        "plans.draft_plan",
        "plans.review_plan",
        "plans.check_plan_format",
        "plans.sign_plan",
    ]
    # each event named in words as the plan's page names it (issue 25): submitting is not
    # "drafting", no code shows
    labels = [e["action_label"] for e in trail["results"]]
    assert labels[:3] == ["Tạo dự thảo", "Sửa dự thảo (bản mới)", "Trình kế hoạch"]
    assert not [label for label in labels if "." in label and " " not in label]
    assert (
        trail["count"]
        == AuditEvent.objects.filter(subject_type="plans.plan", subject_id=str(plan["id"])).count()
    )


def test_return_needs_a_comment_and_brings_the_plan_back(province, as_user):
    p = province
    plan = to_signature(p, as_user)
    url = f"/api/plans/{plan['id']}"
    leader = as_user(p.user("pgd.ldtbxh"))
    missing = leader.post(f"{url}/return/", {})
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid"
    assert "comment" in missing.json()["fields"]
    blank = leader.post(f"{url}/return/", {"comment": "   "})
    assert blank.status_code == 400
    returned = post(leader, f"{url}/return/", {"comment": "Sửa mục II"})
    assert (returned["state"], returned["returned_from"]) == ("draft", "signature")


def test_refusals_by_unit_level_and_role(province, as_user):
    p = province
    plan = to_signature(p, as_user)
    url = f"/api/plans/{plan['id']}"

    # another department's deputy director does not see it at all: 404, not 403
    other = as_user(p.user("pgd.vhttdl"))
    for response in (other.get(url + "/"), other.post(f"{url}/sign/"), other.get(f"{url}/audit/")):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert plan["id"] not in [row["id"] for row in other.get("/api/plans/").json()["results"]]

    # the drafter may never sign their own plan (separation of duties)
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh")).post(f"{url}/sign/")
    assert (drafter.status_code, drafter.json()["code"]) == (403, "separation_of_duties")

    # a division of the same department does not see the office's plan either
    assert as_user(p.user("tp.btxh")).post(f"{url}/sign/").status_code == 404

    # the office's format reviewer sees it but acts below the signing level
    below = as_user(p.user("kiemtra.ldtbxh")).post(f"{url}/sign/")
    assert (below.status_code, below.json()["code"]) == (403, "not_permitted")
    assert below.json()["message"]

    # the records clerk has no signing role
    clerk = as_user(p.user("vanthu.ldtbxh")).post(f"{url}/sign/")
    assert clerk.status_code == 403

    # wrong state: the clerk cannot number an unsigned plan; nobody can approve at signature
    early = as_user(p.user("vanthu.ldtbxh")).post(f"{url}/issue/")
    assert (early.status_code, early.json()["code"]) == (409, "wrong_state")
    # nothing moved
    assert Plan.objects.get(pk=plan["id"]).state == PlanState.SIGNATURE


def test_a_stale_revision_is_a_conflict(province, as_user):
    p = province
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}"
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    drafter.put(f"{url}/content/", {"content": seed_004_content(p) | {"closing": "Mới."}})
    post(drafter, f"{url}/submit/")
    stale = as_user(p.user("cvp.ldtbxh")).post(f"{url}/approve/", {"seen_revision": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "wrong_state")
    assert "revision" in stale.json()["message"].lower() or "phiên bản" in stale.json()["message"]


def test_a_step_taken_on_a_state_that_has_moved_on_is_a_conflict(province, as_user):
    p = province
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}"
    post(as_user(p.user("chuyenvien.vp.ldtbxh")), f"{url}/submit/")
    chief = as_user(p.user("cvp.ldtbxh"))
    post(chief, f"{url}/approve/", {"seen_state": "division_review"})
    # the same reviewer's second client still shows the division review
    stale = chief.post(
        f"{url}/return/",
        {"comment": "Sửa mục II", "seen_state": "division_review"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "wrong_state")
    assert "moved on" in stale.json()["message"]
    after = chief.get(f"{url}/").json()
    assert (after["state"], after["revision_number"]) == ("format_check", plan["revision_number"])
    # an unknown state is bad input, not a conflict
    bad = chief.post(f"{url}/approve/", {"seen_state": "nowhere"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    assert "seen_state" in bad.json()["fields"]


def test_only_the_drafter_edits_and_only_a_draft(province, as_user):
    p = province
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}/content/"
    body = {"content": seed_004_content(p) | {"closing": "Khác."}}
    other = as_user(p.user("cvp.ldtbxh")).put(url, body)
    assert (other.status_code, other.json()["code"]) == (403, "not_permitted")
    post(as_user(p.user("chuyenvien.vp.ldtbxh")), f"/api/plans/{plan['id']}/submit/")
    late = as_user(p.user("chuyenvien.vp.ldtbxh")).put(url, body)
    assert (late.status_code, late.json()["code"]) == (409, "wrong_state")


def test_create_refuses_bad_content_and_a_foreign_unit(province, as_user):
    p = province
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    body = draft_body(p)
    body["content"] = {"subject_summary": "", "sections": [], "recipients": []}
    bad = drafter.post("/api/plans/", body, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]["content"]) >= {"subject_summary", "sections", "recipients"}

    # drafting for another department's division: the resolver refuses
    foreign = draft_body(p)
    foreign["drafting_unit"] = p.unit("Sở Văn hóa, Thể thao và Du lịch").pk
    refused = drafter.post("/api/plans/", foreign, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_permitted")
    assert not Plan.objects.exists()


def test_withdraw_and_close_go_through_the_flow(province, as_user):
    p = province
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}"
    drafter = as_user(p.user("chuyenvien.vp.ldtbxh"))
    post(drafter, f"{url}/submit/")
    refused = as_user(p.user("cvp.ldtbxh")).post(f"{url}/withdraw/")
    assert refused.status_code == 403
    assert post(drafter, f"{url}/withdraw/")["state"] == PlanState.WITHDRAWN
    assert flow_open_tasks(Plan.objects.get(pk=plan["id"])) == []
    close = as_user(p.user("gd.ldtbxh")).post(f"{url}/close/", {"comment": "Kết thúc"})
    assert (close.status_code, close.json()["code"]) == (409, "wrong_state")


def test_a_signature_refused_by_the_signing_layer_is_a_400_with_its_code(
    province, as_user, settings
):
    settings.SIGNING_TEST_AUTO_ENROL = False
    p = province
    plan = create(p, as_user)
    url = f"/api/plans/{plan['id']}"
    post(as_user(p.user("chuyenvien.vp.ldtbxh")), f"{url}/submit/")
    post(as_user(p.user("cvp.ldtbxh")), f"{url}/approve/")
    post(as_user(p.user("kiemtra.ldtbxh")), f"{url}/approve/")
    refused = as_user(p.user("pgd.ldtbxh")).post(f"{url}/sign/", {"pin": "1234"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "credential_missing"
    assert "chứng thư số" in refused.json()["message"]
    assert Plan.objects.get(pk=plan["id"]).state == PlanState.SIGNATURE
    trail = as_user(p.user("pgd.ldtbxh")).get(f"{url}/audit/").json()
    assert trail["results"][-1]["action"] == "plans.sign_plan_refused"


def test_an_unsigned_plan_has_no_document(province, as_user):
    p = province
    plan = create(p, as_user)
    response = as_user(p.user("pgd.ldtbxh")).get(
        f"/api/plans/{plan['id']}/document/", HTTP_ACCEPT="application/pdf"
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert response["Content-Type"] == "application/json"
