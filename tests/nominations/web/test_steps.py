"""Each step of a dossier taken through its page, and each refusal shown in the page."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from viewflow.workflow.models import Task

from approvals.audit.models import AuditEvent
from approvals.jobs.models import Job, JobStatus
from tests.nominations.web.conftest import ago, page_text, refreshed
from workflows.nominations.flow_actions import flow_open_tasks
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Dossier,
    DossierState,
    Household,
    Meeting,
)

pytestmark = pytest.mark.django_db


def url(name: str, dossier: Dossier, *args: str) -> str:
    return reverse(f"nominations:{name}", args=[dossier.pk, *args])


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


# --- creating and registering ----------------------------------------------------------------


def test_village_head_opens_a_dossier_and_its_workflow_starts(client, web):
    client.force_login(web.c.village_head)
    response = client.get(reverse("nominations:new"))
    assert response.status_code == 200
    assert web.c.village.name in page_text(response)
    response = client.post(
        reverse("nominations:new"),
        {"title": "cultural_family", "year": "2026", "proposing_unit": web.c.village.pk},
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", dossier)
    assert dossier.proposing_unit == web.c.village
    assert [t.flow_task.name for t in flow_open_tasks(dossier)] == ["registration"]


def test_a_second_dossier_for_the_same_year_is_refused_and_the_form_keeps_the_input(client, web):
    web.opened(year=2026)
    client.force_login(web.c.village_head)
    response = client.post(
        reverse("nominations:new"),
        {"title": "cultural_family", "year": "2026", "proposing_unit": web.c.village.pk},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "đã có hồ sơ" in text or "already has a dossier" in text
    assert 'value="2026"' in text
    assert Dossier.objects.count() == 1


def test_a_unit_the_user_holds_no_position_at_is_not_offered_nor_accepted(client, web):
    client.force_login(web.c.village_head)
    response = client.post(
        reverse("nominations:new"),
        {"title": "cultural_family", "year": "2026", "proposing_unit": web.c.org.village_y1.pk},
    )
    assert response.status_code == 400
    assert Dossier.objects.count() == 0


def test_register_all_households_of_the_village(client, web):
    dossier = web.opened()
    client.force_login(web.c.village_head)
    detail = client.get(url("detail", dossier))
    assert "12" in page_text(detail)
    response = client.post(url("register", dossier), {"stage": "registration"})
    assert response.status_code == 302
    assert dossier.candidates.count() == len(web.c.households) == 12
    # nothing is left to register: a second click changes nothing
    response = client.post(url("register", dossier), {"stage": "registration"})
    assert response.status_code == 400
    assert dossier.candidates.count() == 12


def test_households_are_imported_from_a_csv_by_a_job_and_a_bad_file_is_refused(client, web):
    dossier = web.opened()
    client.force_login(web.c.village_head)
    good = io.BytesIO("Mã hộ,Chủ hộ\nN001,Trần Văn An\nN002,Lê Thị Bình\n".encode())
    good.name = "ho.csv"
    response = client.post(url("households", dossier), {"file": good, "stage": "registration"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.subject_id) == (
        "nominations.households_import",
        JobStatus.DONE,
        str(dossier.pk),
    )
    assert Household.objects.filter(village=web.c.village, code__startswith="N").count() == 2
    # a file with the wrong headers: the job fails, saying why, and nothing is written
    bad = io.BytesIO(b"Ma,Ten\n=1+1,x\n")
    bad.name = "ho.csv"
    response = client.post(
        url("households", dossier), {"file": bad, "stage": "registration"}, follow=True
    )
    failed = Job.objects.latest("pk")
    assert failed.status == JobStatus.FAILED
    assert "Mã hộ" in failed.error
    assert "Mã hộ" in page_text(response)
    assert Household.objects.filter(village=web.c.village).count() == 14
    # a file that is no sheet at all is refused in the dossier's page: no job
    text = io.BytesIO(b"%PDF-1.4")
    text.name = "ho.pdf"
    response = client.post(url("households", dossier), {"file": text, "stage": "registration"})
    assert response.status_code == 400
    assert 'data-testid="refusal"' in page_text(response)
    assert Job.objects.count() == 2


# --- the meeting ------------------------------------------------------------------------------


def meeting_data(dossier: Dossier, *, present: int = 15, vote: int = 15) -> dict[str, str]:
    data = {
        "stage": "registration",
        "held_on": dmy(ago(3)),
        "invited": "20",
        "present": str(present),
        "chaired_by": "Ngô Văn Bình",
        "minutes": "Biên bản họp",
    }
    for candidate in dossier.candidates.all():
        data[f"vote_{candidate.pk}"] = str(vote)
    return data


def test_the_meeting_form_records_attendance_and_a_vote_per_household(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    page = client.get(url("meeting", dossier))
    assert page.status_code == 200
    assert page_text(page).count('name="vote_') == 12
    data = meeting_data(dossier)
    first = dossier.candidates.order_by("pk").first()
    data[f"vote_{first.pk}"] = "2"  # too few votes: not passed
    response = client.post(url("meeting", dossier), data)
    assert response.status_code == 302
    dossier = refreshed(dossier)
    assert dossier.state == DossierState.MEETING
    assert Meeting.objects.get(dossier=dossier).present == 15
    first.refresh_from_db()
    assert (first.state, first.votes_for) == (CandidateState.NOT_VOTED, 2)
    assert dossier.candidates.filter(state=CandidateState.VOTED).count() == 11


def test_a_meeting_without_quorum_is_recorded_as_inquorate_and_counts_no_vote(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    data = meeting_data(dossier, present=3, vote=3)
    data["minutes"] = "Không đủ số hộ dự họp, hoãn sang tuần sau."
    response = client.post(url("meeting", dossier), data, follow=True)
    assert response.redirect_chain[-1][0] == url("detail", dossier)
    text = page_text(response)
    meeting = Meeting.objects.get()
    assert meeting.quorate is False
    assert f'data-meeting="{meeting.pk}" data-quorate="no"' in text
    assert "Không đủ số hộ dự họp" in text
    assert refreshed(dossier).state == DossierState.REGISTRATION
    assert not dossier.candidates.exclude(state=CandidateState.REGISTERED).exists()
    assert not dossier.candidates.filter(votes_for__isnull=False).exists()
    # the page offers the further meeting
    assert 'data-action="meeting"' in text


def test_a_meeting_form_with_a_missing_vote_is_invalid_and_changes_nothing(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    data = meeting_data(dossier)
    data.pop(next(k for k in data if k.startswith("vote_")))
    response = client.post(url("meeting", dossier), data)
    assert response.status_code == 400
    assert refreshed(dossier).state == DossierState.REGISTRATION


def votes_sheet(dossier: Dossier, votes: dict[str, int]) -> io.BytesIO:
    """An XLSX sheet of the dossier's households and the votes for each (15 unless given)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã hộ", "Số phiếu đồng ý"])
    for code in dossier.candidates.order_by("household__code").values_list(
        "household__code", flat=True
    ):
        sheet.append([code, votes.get(code, 15)])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "phieu-bau.xlsx"
    return data


def test_the_meeting_takes_the_votes_from_a_sheet_as_its_flow_step(client, web):
    # given a registered dossier whose first household got too few votes in the sheet
    dossier = web.registered()
    first = dossier.candidates.order_by("household__code").first()
    client.force_login(web.c.village_head)
    data: dict[str, object] = dict(meeting_data(dossier))
    for key in [k for k in data if k.startswith("vote_")]:
        del data[key]  # nothing typed: the sheet has the votes
    data["votes_file"] = votes_sheet(dossier, {first.household.code: 2})
    # when the meeting is recorded with it
    response = client.post(url("meeting", dossier), data)
    # then a job read the sheet, and every household moved by its own votes, through the
    # flow's meeting step
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.progress_done) == (
        "nominations.votes_import",
        JobStatus.DONE,
        12,
    )
    dossier = refreshed(dossier)
    assert dossier.state == DossierState.MEETING
    first.refresh_from_db()
    assert (first.state, first.votes_for) == (CandidateState.NOT_VOTED, 2)
    assert dossier.candidates.filter(state=CandidateState.VOTED, votes_for=15).count() == 11
    assert [t.flow_task.name for t in flow_open_tasks(dossier)] == ["after_review"]
    event = AuditEvent.objects.get(action="nominations.import_votes")
    assert event.payload["count"] == 12


def test_a_sheet_missing_a_household_is_refused_with_its_name_and_changes_nothing(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    data: dict[str, object] = dict(meeting_data(dossier))
    sheet = votes_sheet(dossier, {})
    book = openpyxl.load_workbook(sheet)
    book.active.delete_rows(2)  # the first household's row
    short = io.BytesIO()
    book.save(short)
    short.seek(0)
    short.name = "phieu-bau.xlsx"
    data["votes_file"] = short
    response = client.post(url("meeting", dossier), data, follow=True)
    job = Job.objects.get()
    assert (job.kind, job.status) == ("nominations.votes_import", JobStatus.FAILED)
    missing = dossier.candidates.order_by("household__code").first().household
    assert missing.head_name in job.error
    assert missing.head_name in page_text(response)
    assert refreshed(dossier).state == DossierState.REGISTRATION
    assert not Meeting.objects.exists()
    assert [t.flow_task.name for t in flow_open_tasks(dossier)] == ["registration"]


def test_someone_else_cannot_record_the_meeting(client, web):
    dossier = web.registered()
    client.force_login(web.c.officer)  # the commune's culture officer may not record it
    response = client.post(url("meeting", dossier), meeting_data(dossier))
    assert response.status_code == 403
    assert 'data-testid="refusal"' in page_text(response)
    assert refreshed(dossier).state == DossierState.REGISTRATION
    task = Task.objects.get(pk=flow_open_tasks(dossier)[0].pk)
    assert task.owner_id is None


# --- posting, objections, submission -----------------------------------------------------------


def test_posting_objection_and_an_early_submission_refused(client, web):
    dossier = web.met()
    client.force_login(web.c.village_head)
    # a posting starts the day it is recorded (approvals.acts: its grace is 0)
    response = client.post(url("posting", dossier), {"stage": "meeting", "posted_on": dmy(ago(0))})
    assert response.status_code == 302
    dossier = refreshed(dossier)
    assert dossier.state == DossierState.POSTING
    assert dossier.posting_deadline.started_on == ago(0)
    posted = dossier.candidates.filter(state=CandidateState.POSTED).first()
    response = client.post(
        url("objection", dossier),
        {"stage": "posting", "candidate": posted.pk, "text": "Vi phạm hương ước", "upheld": "on"},
    )
    assert response.status_code == 302
    posted.refresh_from_db()
    assert posted.state == CandidateState.STRUCK
    # the posting period is not over: the submission is refused and shown
    response = client.post(url("submit", dossier), {"stage": "posting"})
    assert response.status_code == 400
    assert "niêm yết" in page_text(response) or "posting" in page_text(response)
    assert refreshed(dossier).state == DossierState.POSTING


def test_a_posting_date_in_the_future_is_refused_by_the_form(client, web):
    dossier = web.met()
    client.force_login(web.c.village_head)
    tomorrow = ago(-1)
    response = client.post(
        url("posting", dossier), {"stage": "meeting", "posted_on": dmy(tomorrow)}
    )
    assert response.status_code == 400
    assert dmy(tomorrow) in page_text(response)
    assert refreshed(dossier).state == DossierState.MEETING


def test_an_objection_to_a_candidate_of_another_dossier_answers_404(client, web):
    dossier = web.posted(days_ago=2)
    client.force_login(web.c.village_head)
    response = client.post(
        url("objection", dossier),
        {"stage": "posting", "candidate": 999_999, "text": "x", "upheld": "on"},
    )
    assert response.status_code == 404


def test_submission_after_the_posting(client, web):
    dossier = web.posted()
    client.force_login(web.c.village_head)
    response = client.post(url("submit", dossier), {"stage": "posting"})
    assert response.status_code == 302
    dossier = refreshed(dossier)
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.decision_deadline is not None


def test_an_action_from_a_stale_page_is_refused(client, web):
    dossier = web.submitted()
    client.force_login(web.c.village_head)
    response = client.post(url("submit", dossier), {"stage": "posting"})
    assert response.status_code == 409
    assert 'data-testid="refusal"' in page_text(response)
    assert refreshed(dossier).state == DossierState.SUBMITTED


# --- appraisal, decision, numbering -----------------------------------------------------------


def test_a_return_without_comment_is_refused_then_a_return_and_an_acceptance(client, web):
    dossier = web.submitted()
    client.force_login(web.c.officer)
    response = client.post(url("appraise", dossier), {"stage": "submitted", "decision": "return"})
    assert response.status_code == 400
    assert refreshed(dossier).state == DossierState.SUBMITTED
    response = client.post(
        url("appraise", dossier),
        {"stage": "submitted", "decision": "return", "comment": "Thiếu biên bản"},
    )
    assert response.status_code == 302
    assert refreshed(dossier).state == DossierState.RETURNED
    client.force_login(web.c.village_head)
    assert client.post(url("submit", dossier), {"stage": "returned"}).status_code == 302
    client.force_login(web.c.officer)
    response = client.post(url("appraise", dossier), {"stage": "submitted", "decision": "accept"})
    assert response.status_code == 302
    assert refreshed(dossier).state == DossierState.DECISION


def test_the_village_head_cannot_appraise(client, web):
    dossier = web.submitted()
    client.force_login(web.c.village_head)
    response = client.post(url("appraise", dossier), {"stage": "submitted", "decision": "accept"})
    assert response.status_code == 403
    assert refreshed(dossier).state == DossierState.SUBMITTED


def test_the_chairman_sees_the_capacity_and_signs_and_the_clerk_numbers(client, web):
    dossier = web.accepted()
    client.force_login(web.c.chairman)
    page = page_text(client.get(url("detail", dossier)))
    assert "TM. ỦY BAN NHÂN DÂN" in page
    assert "KT." not in page
    assert "TUQ." not in page
    response = client.post(url("decide", dossier), {"stage": "decision", "late_reason": ""})
    assert response.status_code == 302
    dossier = refreshed(dossier)
    assert dossier.signature is not None
    assert dossier.signature.signer == web.c.chairman
    # the chairman cannot number it; the clerk does
    response = client.post(url("issue", dossier), {"stage": "decision:signed"})
    assert response.status_code == 403
    client.force_login(web.c.clerk)
    response = client.post(url("issue", dossier), {"stage": "decision:signed"})
    assert response.status_code == 302
    dossier = refreshed(dossier)
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.symbol in page_text(client.get(url("detail", dossier)))
    assert dossier.candidates.filter(state=CandidateState.RECOGNISED).count() == 12
    assert not flow_open_tasks(dossier)


def test_the_village_head_cannot_sign(client, web):
    dossier = web.accepted()
    client.force_login(web.c.village_head)
    response = client.post(url("decide", dossier), {"stage": "decision"})
    assert response.status_code == 403
    assert refreshed(dossier).signature_id is None


def test_documents_of_a_decided_dossier(client, web):
    dossier = web.decided()
    client.force_login(web.c.chairman)
    pdf = client.get(url("decision_file", dossier, "pdf"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    docx = client.get(url("decision_file", dossier, "docx"))
    assert docx.content.startswith(b"PK")
    xlsx = client.get(url("list_file", dossier, "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    codes = {row[1] for row in sheet.iter_rows(values_only=True)}
    assert {h.code for h in web.c.households} <= codes
    csv = client.get(url("list_file", dossier, "csv")).content.decode("utf-8-sig")
    assert web.c.households[0].code in csv
    assert client.get(url("list_file", dossier, "exe")).status_code == 404


def test_the_recognised_list_is_not_offered_before_the_decision(client, web):
    dossier = web.submitted()
    client.force_login(web.c.village_head)
    assert client.get(url("list_file", dossier, "xlsx")).status_code == 404
    assert client.get(url("decision_file", dossier, "pdf")).status_code == 404


def test_revoking_one_title_needs_a_legal_ground(client, web):
    dossier = web.decided()
    candidate = dossier.candidates.order_by("pk").first()
    client.force_login(web.c.chairman)
    response = client.post(
        url("revoke", dossier),
        {"stage": "decided", "candidate": candidate.pk, "ground": "bịa", "note": "x"},
    )
    assert response.status_code == 400
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.RECOGNISED
    page = page_text(client.get(url("detail", dossier)))
    ground = page.split('name="ground"')[1].split('value="')[1].split('"')[0]
    response = client.post(
        url("revoke", dossier),
        {"stage": "decided", "candidate": candidate.pk, "ground": ground, "note": "Gian dối"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.state, candidate.revocation_ground) == (CandidateState.REVOKED, ground)


# --- what the page shows, and who sees it -------------------------------------------------------


def test_detail_shows_candidates_deadlines_and_history(client, web):
    dossier = web.submitted()
    client.force_login(web.c.chairman)
    response = client.get(url("detail", dossier))
    text = page_text(response)
    assert response.status_code == 200
    assert web.c.households[0].code in text
    assert dmy(refreshed(dossier).decision_deadline.due_on) in text
    history = AuditEvent.objects.for_subject("nominations.dossier", str(dossier.pk)).count()
    assert history >= 4
    assert text.split('data-testid="history"')[1].count("<tr>") == history + 1


@pytest.mark.parametrize(
    "name", ["detail", "meeting", "decision_file", "list_file", "submit", "register"]
)
def test_a_dossier_of_another_commune_or_a_guessed_id_answers_404(client, web, name):
    dossier = web.registered()
    client.force_login(web.c.org.chairman_y)
    args = {"decision_file": ("pdf",), "list_file": ("xlsx",)}.get(name, ())
    method = client.post if name in ("submit", "register") else client.get
    assert method(url(name, dossier, *args)).status_code == 404
    guessed = Dossier(pk=dossier.pk + 1000)
    client.force_login(web.c.village_head)
    assert method(url(name, guessed, *args)).status_code == 404
    assert dossier.candidates.count() == 12


def test_state_changes_are_post_only_and_need_the_csrf_token(web):
    from django.test import Client

    dossier = web.posted()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(web.c.village_head)
    assert browser.get(url("submit", dossier)).status_code == 405
    assert browser.post(url("submit", dossier), {"stage": "posting"}).status_code == 403
    assert refreshed(dossier).state == DossierState.POSTING


def test_anonymous_visitors_are_sent_to_sign_in(client, web):
    dossier = web.opened()
    response = client.get(url("detail", dossier))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert Candidate.objects.count() == 0


# --- a village title: reports and the commune council ------------------------------------------


def test_a_village_title_with_reports_and_the_commune_council(client, web):
    client.force_login(web.c.officer)
    response = client.post(
        reverse("nominations:new"),
        {"title": "cultural_village", "year": str(ago(0).year), "proposing_unit": web.c.commune.pk},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(title="cultural_village")
    assert client.post(url("register", dossier), {"stage": "registration"}).status_code == 302
    candidate = dossier.candidates.get()
    assert candidate.unit == web.c.village
    council = {
        "stage": "registration",
        "held_on": dmy(ago(1)),
        "members": "5",
        "present": "5",
        "minutes": "Hội đồng xét duyệt",
    }
    # the council cannot sit before the village's achievement report is filed
    response = client.post(url("council", dossier), council)
    assert response.status_code == 400
    text = page_text(response)
    assert 'data-testid="refusal"' in text
    assert "Hội đồng xét duyệt</textarea>" in text  # the form keeps what was typed
    assert refreshed(dossier).state == DossierState.REGISTRATION
    response = client.post(
        url("report", dossier),
        {"stage": "registration", "candidate": candidate.pk, "report": "Báo cáo thành tích"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.achievement_report == "Báo cáo thành tích"
    council[f"vote_{candidate.pk}"] = "5"
    response = client.post(url("council", dossier), council)
    assert response.status_code == 302
    assert refreshed(dossier).state == DossierState.MEETING


def test_a_vice_chairman_signs_kt_for_the_chairman(client, web):
    from approvals.organisation.models import Role
    from tests.factories import PositionFactory, UserFactory

    vice = UserFactory(username="pct_x")
    PositionFactory(
        user=vice, unit=web.c.commune, role=Role.objects.get(code="commune_vice_chairman")
    )
    dossier = web.accepted()
    client.force_login(vice)
    page = page_text(client.get(url("detail", dossier)))
    capacity = page.split('data-testid="capacity">')[1].split("</pre>")[0].splitlines()
    assert capacity[0] == "TM. ỦY BAN NHÂN DÂN"
    assert capacity[1].startswith("KT. ")
    assert client.post(url("decide", dossier), {"stage": "decision"}).status_code == 302
    assert refreshed(dossier).signature.capacity == "KT"
