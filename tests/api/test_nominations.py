"""Nomination dossiers through the API: the household cycle, and its refusals."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from freezegun import freeze_time

from workflows.nominations.flow_actions import flow_open_tasks
from workflows.nominations.flows import DossierFlow
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: dict[str, Any] | None = None, code: int = 200) -> Any:
    response = client.post(url, body or {}, format="json")
    assert response.status_code == code, response.json()
    return response.json()


def open_dossier(c: Any, as_user: Any) -> dict[str, Any]:
    with freeze_time("2026-10-01 09:00"):
        body = {"title": "cultural_family", "year": 2026, "proposing_unit": c.village.pk}
        return post(as_user(c.village_head), "/api/dossiers/", body, code=201)


def to_posting(c: Any, as_user: Any) -> dict[str, Any]:
    dossier = open_dossier(c, as_user)
    url = f"/api/dossiers/{dossier['id']}"
    head = as_user(c.village_head)
    with freeze_time("2026-10-01 10:00"):
        added = post(
            head, f"{url}/candidates/", {"households": [h.pk for h in c.households]}, code=201
        )
    with freeze_time("2026-10-05 09:00"):
        post(
            as_user(c.front_head),
            f"{url}/meeting/",
            {
                "held_on": "2026-10-05",
                "invited": 40,
                "present": 32,
                "chaired_by": "Ngô Văn Bình",
                "votes": [{"candidate": row["id"], "votes_for": 30} for row in added],
            },
        )
    with freeze_time("2026-10-06 09:00"):
        post(head, f"{url}/posting/")
    return dossier


def test_the_household_cycle_from_registration_to_recognition(commune, as_user):
    c = commune
    dossier = open_dossier(c, as_user)
    url = f"/api/dossiers/{dossier['id']}"
    assert (dossier["state"], dossier["deciding_unit"]) == ("registration", c.commune.pk)
    # the workflow started with the dossier
    assert [t.flow_task for t in flow_open_tasks(Dossier.objects.get(pk=dossier["id"]))] == [
        DossierFlow.registration
    ]
    head = as_user(c.village_head)
    with freeze_time("2026-10-01 10:00"):
        added = post(
            head, f"{url}/candidates/", {"households": [h.pk for h in c.households]}, code=201
        )
    assert len(added) == 12
    listed = head.get(f"{url}/candidates/?page_size=5").json()
    assert (listed["count"], len(listed["results"])) == (12, 5)

    with freeze_time("2026-10-05 09:00"):
        post(
            as_user(c.front_head),
            f"{url}/meeting/",
            {
                "held_on": "2026-10-05",
                "invited": 40,
                "present": 32,
                "chaired_by": "Ngô Văn Bình",
                "votes": [
                    {"candidate": row["id"], "votes_for": 30 if i else 10}
                    for i, row in enumerate(added)
                ],
            },
        )
    with freeze_time("2026-10-06 09:00"):
        assert post(head, f"{url}/posting/")["state"] == DossierState.POSTING
    struck = added[3]["id"]
    with freeze_time("2026-10-08 09:00"):
        objection = post(
            head,
            f"/api/candidates/{struck}/objection/",
            {"text": "Vi phạm quy định về tiếng ồn", "upheld": True},
        )
    assert objection["state"] == CandidateState.STRUCK

    with freeze_time("2026-10-12 09:00"):  # the posting runs on
        early = head.post(f"{url}/submit/")
    assert (early.status_code, early.json()["code"]) == (400, "posting_not_over")
    with freeze_time("2026-10-17 09:00"):
        submitted = post(head, f"{url}/submit/")
    assert (submitted["state"], submitted["decision_due_on"]) == ("submitted", "2026-10-27")

    officer = as_user(c.officer)
    with freeze_time("2026-10-19 09:00"):
        assert post(officer, f"{url}/return/", {"comment": "Thiếu biên bản"})["state"] == (
            DossierState.RETURNED
        )
    with freeze_time("2026-10-23 09:00"):
        post(head, f"{url}/submit/")
        assert post(officer, f"{url}/accept/")["state"] == DossierState.DECISION
    early_list = head.get(f"{url}/recognised/csv/")
    assert (early_list.status_code, early_list.json()["code"]) == (404, "not_found")
    with freeze_time("2026-10-28 09:00"):
        decided = post(as_user(c.chairman), f"{url}/decide/")
        assert decided["signed"] is True
        draft_pdf = head.get(f"{url}/decision/pdf/")
        issued = post(as_user(c.clerk), f"{url}/issue/")
    assert issued["state"] == DossierState.DECIDED
    assert issued["symbol"].startswith("01/QĐ-")
    recognised = Candidate.objects.filter(dossier_id=dossier["id"], state="recognised")
    assert recognised.count() == 10  # one not voted, one struck

    # the decision and the recognised list as files, with the SHA-256 of their bytes
    assert draft_pdf.status_code == 200
    assert draft_pdf.content.startswith(b"%PDF")
    with freeze_time("2026-10-28 09:00"):
        numbered = head.get(f"{url}/decision/pdf/")
    assert numbered["X-Content-SHA256"] == hashlib.sha256(numbered.content).hexdigest()
    assert numbered.content != draft_pdf.content  # the number is in it now
    docx = head.get(f"{url}/decision/docx/")
    assert (docx.status_code, docx.content[:2]) == (200, b"PK")
    listed_csv = head.get(f"{url}/recognised/csv/")
    assert listed_csv["Content-Type"].startswith("text/csv")
    assert len(listed_csv.content.decode("utf-8-sig").strip().splitlines()) == 1 + 10
    xlsx = head.get(f"{url}/recognised/xlsx/")
    assert (xlsx.status_code, xlsx.content[:2]) == (200, b"PK")
    assert head.get(f"{url}/decision/exe/").status_code == 404

    one = recognised.first()
    revoked = post(
        as_user(c.chairman),
        f"/api/candidates/{one.pk}/revoke/",
        {"ground": "false_documents", "note": "Kết luận thanh tra số 5"},
    )
    assert revoked["state"] == CandidateState.REVOKED
    bad_ground = as_user(c.chairman).post(
        f"/api/candidates/{recognised.first().pk}/revoke/",
        {"ground": "dislike", "note": "x"},
        format="json",
    )
    assert (bad_ground.status_code, bad_ground.json()["code"]) == (400, "invalid")

    trail = head.get(f"{url}/audit/").json()
    assert trail["count"] >= 8
    candidate_trail = head.get(f"/api/candidates/{one.pk}/audit/").json()
    assert [e["to_state"] for e in candidate_trail["results"]][-1] == "revoked"


def test_refusals_by_unit_level_and_role(commune, org, as_user):
    c = commune
    dossier = to_posting(c, as_user)
    url = f"/api/dossiers/{dossier['id']}"

    # another commune's chairman does not see the dossier: 404 everywhere
    other = as_user(org.chairman_y)
    assert other.get(url + "/").status_code == 404
    assert other.post(f"{url}/submit/").status_code == 404
    assert other.get("/api/dossiers/").json()["count"] == 0

    with freeze_time("2026-10-17 09:00"):
        # the village's front committee head records meetings but may not submit (role)
        role = as_user(c.front_head).post(f"{url}/submit/")
        assert (role.status_code, role.json()["code"]) == (403, "not_permitted")
        post(as_user(c.village_head), f"{url}/submit/")
        # the village head opened the dossier and may never appraise it himself
        own = as_user(c.village_head).post(f"{url}/accept/")
        assert (own.status_code, own.json()["code"]) == (403, "separation_of_duties")
        # the village's front committee head acts at the village, below the commune (level)
        level = as_user(c.front_head).post(f"{url}/accept/")
        assert (level.status_code, level.json()["code"]) == (403, "not_permitted")
        post(as_user(c.officer), f"{url}/accept/")
        # the culture officer may not sign the decision (role); nothing is signed twice
        refused = as_user(c.officer).post(f"{url}/decide/")
        assert refused.status_code == 403
        post(as_user(c.chairman), f"{url}/decide/")
        twice = as_user(c.chairman).post(f"{url}/decide/")
        assert twice.status_code == 409
        assert twice.json()["code"] in ("wrong_state", "workflow_out_of_step")


def test_bulk_registration_names_every_refused_candidate(commune, org, as_user):
    from workflows.nominations.models import Household

    c = commune
    dossier = open_dossier(c, as_user)
    stranger = Household.objects.create(village=org.village_y1, code="Y0001", head_name="Lạ")
    with freeze_time("2026-10-01 10:00"):
        response = as_user(c.village_head).post(
            f"/api/dossiers/{dossier['id']}/candidates/",
            {"households": [c.households[0].pk, stranger.pk, c.households[0].pk]},
            format="json",
        )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "candidates_refused"
    codes = {p["code"] for p in body["fields"]["candidates"]}
    assert codes == {"outside_unit", "duplicate"}
    assert not Candidate.objects.exists()
    unknown = as_user(c.village_head).post(
        f"/api/dossiers/{dossier['id']}/candidates/", {"households": [999999]}, format="json"
    )
    assert (unknown.status_code, list(unknown.json()["fields"])) == (400, ["households"])


def test_a_dossier_cannot_be_opened_twice_or_by_another_unit(commune, org, as_user):
    c = commune
    open_dossier(c, as_user)
    with freeze_time("2026-10-02 09:00"):
        body = {"title": "cultural_family", "year": 2026, "proposing_unit": c.village.pk}
        again = as_user(c.village_head).post("/api/dossiers/", body, format="json")
        assert (again.status_code, again.json()["code"]) == (400, "invalid")
        foreign = as_user(org.chairman_y).post("/api/dossiers/", body, format="json")
        assert (foreign.status_code, foreign.json()["code"]) == (403, "not_permitted")
    assert Dossier.objects.count() == 1


def test_a_village_title_goes_through_its_report_and_the_commune_council(commune, org, as_user):
    c = commune
    officer, council = as_user(c.officer), as_user(c.council)
    with freeze_time("2026-11-02 09:00"):
        # given the commune's dossier for the village title, with its village registered
        body = {"title": "cultural_village", "year": 2026, "proposing_unit": c.commune.pk}
        dossier = post(officer, "/api/dossiers/", body, code=201)
        url = f"/api/dossiers/{dossier['id']}"
        (village,) = post(officer, f"{url}/candidates/", {"units": [c.village.pk]}, code=201)
        review = {
            "held_on": "2026-11-02",
            "members": 9,
            "present": 9,
            "minutes": "Biên bản họp Hội đồng thi đua - khen thưởng xã",
            "votes": [{"candidate": village["id"], "votes_for": 9}],
        }
        # the council cannot sit before the village's achievement report is filed
        early = council.post(f"{url}/council/", review, format="json")
        assert (early.status_code, early.json()["code"]) == (400, "candidates_refused")
        report_url = f"/api/candidates/{village['id']}/report/"
        # another commune's chairman does not see the candidate
        alien = as_user(org.chairman_y).post(report_url, {"report": "x"}, format="json")
        assert alien.status_code == 404
        blank = officer.post(report_url, {"report": "   "}, format="json")
        assert blank.status_code == 400
        filed = post(officer, report_url, {"report": "Báo cáo thành tích Thôn Hạ năm 2026"})
        assert filed["id"] == village["id"]
        assert Candidate.objects.get(pk=village["id"]).achievement_report.startswith("Báo cáo")
        # a rejection naming a candidate of no such dossier is bad input, and changes nothing
        stray = council.post(f"{url}/council/", review | {"refused": [999999]}, format="json")
        assert (stray.status_code, stray.json()["code"]) == (400, "invalid")
        assert "refused" in stray.json()["fields"]
        # the records clerk may not record the council's review
        role = as_user(c.clerk).post(f"{url}/council/", review, format="json")
        assert (role.status_code, role.json()["code"]) == (403, "not_permitted")
        assert Dossier.objects.get(pk=dossier["id"]).state == DossierState.REGISTRATION
        # when the council member records the review
        reviewed = post(council, f"{url}/council/", review)
    # then the dossier moved on through its flow with the village on its list
    record = Dossier.objects.get(pk=dossier["id"])
    assert reviewed["state"] == record.state == DossierState.MEETING
    assert record.council_review.present == 9
    assert Candidate.objects.get(pk=village["id"]).state == CandidateState.VOTED
    assert flow_open_tasks(record)[0].flow_task.name != "registration"
    # and the council does not sit twice
    again = council.post(f"{url}/council/", review, format="json")
    assert again.status_code == 409
