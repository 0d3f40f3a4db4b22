"""The review deadline (``cultural_family.review_deadline``, 25/11) as a secretary needs it.

The cycle's calendar on the dashboard, a warning (page, API, audit) when a dossier is
submitted after it, and reminders before it on the days the ``reminders`` rules set.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from freezegun import freeze_time
from rest_framework.test import APIClient

from approvals.audit.models import AuditEvent
from approvals.calendar.models import Deadline
from approvals.calendar.window import WorkingCalendar
from approvals.notifications.models import Notification
from approvals.notifications.services import reminder_schedule
from approvals.regulations.models import Rule
from tests.notifications.conftest import at
from tests.notifications.test_reminders import sent_by_day
from workflows.nominations.cycle import dossier_warnings
from workflows.nominations.models import Dossier, DossierState, Title
from workflows.nominations.services import (
    candidates_register,
    dossier_create,
    dossier_submit,
    meeting_record,
    posting_open,
)

pytestmark = pytest.mark.django_db
D = datetime.date
REVIEW_2026 = D(2026, 11, 25)


def posted_dossier(c, opened_on: datetime.date) -> Dossier:
    """A household dossier of 2026, met and posted from ``opened_on`` on (clock frozen)."""
    with freeze_time(at(opened_on)):
        dossier = dossier_create(
            user=c.village_head,
            title=Title.CULTURAL_FAMILY,
            year=2026,
            proposing_unit=c.village,
            on=opened_on,
        )
        candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    held = opened_on + datetime.timedelta(days=1)
    with freeze_time(at(held)):
        meeting_record(
            dossier=dossier,
            user=c.village_head,
            held_on=held,
            invited=40,
            present=32,
            votes={cand.pk: 30 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
        )
    posted = opened_on + datetime.timedelta(days=2)
    with freeze_time(at(posted)):
        posting_open(dossier=dossier, user=c.village_head, on=posted)
    dossier.refresh_from_db()
    return dossier


def submit_on(c, dossier: Dossier, day: datetime.date) -> Dossier:
    with freeze_time(at(day)):
        dossier_submit(dossier=dossier, user=c.village_head, on=day)
    dossier.refresh_from_db()
    return dossier


def submit_event(dossier: Dossier) -> AuditEvent:
    return (
        AuditEvent.objects.for_subject("nominations.dossier", str(dossier.pk))
        .filter(action="nominations.submit_dossier")
        .get()
    )


@pytest.fixture
def as_user():
    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


def review_clock(dossier: Dossier) -> Deadline:
    return Deadline.objects.for_subject(
        subject_type="nominations.dossier", subject_id=str(dossier.pk)
    ).get(purpose="review_deadline")


def test_the_rule_is_read_not_marked_informational():
    rules = Rule.objects.filter(key="cultural_family.review_deadline")
    assert rules.exists()
    assert not rules.filter(informational=True).exists()
    assert set(rules.values_list("value", flat=True)) == {"11-25"}


def test_a_dossier_opened_before_the_deadline_starts_its_clock_to_25_11(commune):
    dossier = posted_dossier(commune, D(2026, 10, 1))
    clock = review_clock(dossier)
    assert (clock.started_on, clock.due_on, clock.completed_on) == (
        D(2026, 10, 1),
        REVIEW_2026,
        None,
    )


def test_a_submission_before_the_deadline_has_no_warning_and_closes_the_clock(commune):
    dossier = submit_on(commune, posted_dossier(commune, D(2026, 10, 1)), D(2026, 10, 20))
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.review_deadline_missed is None
    assert dossier_warnings(dossier) == []
    assert review_clock(dossier).completed_on == D(2026, 10, 20)
    event = submit_event(dossier)
    assert "submitted_after_review_deadline" not in (event.payload or {})


def test_a_submission_after_the_deadline_goes_on_with_a_warning_kept_and_audited(commune):
    # given: posted from 12/11; the posting ends after the review deadline
    dossier = posted_dossier(commune, D(2026, 11, 10))
    # when: submitted on Monday 30/11/2026, after 25/11
    dossier = submit_on(commune, dossier, D(2026, 11, 30))
    # then: not refused; the deadline missed is kept, audited and worded in both languages
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.review_deadline_missed == REVIEW_2026
    assert review_clock(dossier).completed_on == D(2026, 11, 30)
    event = submit_event(dossier)
    assert event.payload["review_deadline"] == "2026-11-25"
    assert event.payload["submitted_after_review_deadline"] is True
    with translation.override("vi"):
        (vi,) = dossier_warnings(dossier)
    with translation.override("en"):
        (en,) = dossier_warnings(dossier)
    assert "sau hạn bình xét ngày 25/11/2026" in vi
    assert "after the review deadline of 25/11/2026" in en


def test_a_dossier_opened_after_the_deadline_has_no_clock_but_is_warned(commune):
    # The posting opened 01/12 runs to Monday 14/12 (its last day, 13/12, is a Sunday).
    dossier = posted_dossier(commune, D(2026, 12, 1))
    assert not Deadline.objects.filter(purpose="review_deadline").exists()
    dossier = submit_on(commune, dossier, D(2026, 12, 15))
    assert dossier.review_deadline_missed == REVIEW_2026


def posted_through_the_api(c, as_user) -> int:
    """A household dossier of 2026 opened, met and posted through the API from 10/11/2026."""
    head = as_user(c.village_head)

    def post(url: str, body: dict | None = None) -> dict:
        response = head.post(url, body or {}, format="json")
        assert response.status_code in (200, 201), response.json()
        return response.json()

    with freeze_time(at(D(2026, 11, 10))):
        body = {"title": "cultural_family", "year": 2026, "proposing_unit": c.village.pk}
        pk = post("/api/dossiers/", body)["id"]
        added = post(
            f"/api/dossiers/{pk}/candidates/", {"households": [h.pk for h in c.households]}
        )
    with freeze_time(at(D(2026, 11, 11))):
        meeting = {
            "held_on": "2026-11-11",
            "invited": 40,
            "present": 32,
            "chaired_by": "Ngô Văn Bình",
            "votes": [{"candidate": row["id"], "votes_for": 30} for row in added],
        }
        post(f"/api/dossiers/{pk}/meeting/", meeting)
    with freeze_time(at(D(2026, 11, 12))):
        post(f"/api/dossiers/{pk}/posting/")
    return int(pk)


def test_the_api_returns_the_warning_with_the_dossier(commune, as_user):
    pk = posted_through_the_api(commune, as_user)
    client = as_user(commune.village_head)
    with freeze_time(at(D(2026, 11, 30))):
        response = client.post(
            f"/api/dossiers/{pk}/submit/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == DossierState.SUBMITTED
    assert body["review_deadline_missed"] == "2026-11-25"
    assert len(body["warnings"]) == 1
    assert "25/11/2026" in body["warnings"][0]
    # and it stays on the dossier's data
    with freeze_time(at(D(2026, 12, 1))):
        again = client.get(f"/api/dossiers/{pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert again["warnings"] == body["warnings"]


def test_the_page_shows_the_warning_after_submit(commune, as_user, client):
    pk = posted_through_the_api(commune, as_user)
    client.force_login(commune.village_head)
    with freeze_time(at(D(2026, 11, 30))):
        page = client.post(f"/nominations/{pk}/submit/", follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "sau hạn bình xét ngày 25/11/2026" in text
    assert 'data-testid="review-deadline-missed"' in text
    assert Dossier.objects.get(pk=pk).state == DossierState.SUBMITTED


def test_reminders_go_out_before_the_deadline_on_the_days_the_reminder_rules_set(commune):
    # given: a dossier met and posted in October, not submitted
    dossier = posted_dossier(commune, D(2026, 10, 1))
    # its posting clock ends on 13/10; completed here so that only the review clock reminds
    Deadline.objects.filter(pk=dossier.posting_deadline_id).update(completed_on=D(2026, 10, 14))
    cal = WorkingCalendar()
    expected = {
        cal.add_working_days(REVIEW_2026, -n).isoformat()
        for n in reminder_schedule(REVIEW_2026).before
    }
    # when: a pass runs every day of November up to the deadline
    sent = sent_by_day(D(2026, 11, 2), REVIEW_2026)
    # then: one reminder to the holder of the next step (the submission) on each day the
    # rules name: 3 and 1 working days before Wednesday 25/11/2026, the Vietnam Culture Day
    # (24/11, a day off from 2026) and the weekend skipped: Thursday 19/11, Monday 23/11
    assert set(sent) == expected == {"2026-11-19", "2026-11-23"}
    assert all(count == (1, 0) for count in sent.values())
    note = Notification.objects.filter(subject_id=str(dossier.pk)).first()
    assert note is not None
    assert note.recipient == commune.village_head
    assert "25/11/2026" in note.body


def test_a_submitted_dossier_is_no_longer_reminded_of_the_deadline(commune):
    dossier = submit_on(commune, posted_dossier(commune, D(2026, 10, 1)), D(2026, 10, 20))
    # the decision clock (10 days from 20/10) is closed too, to leave only the review one
    Deadline.objects.filter(pk=dossier.decision_deadline_id).update(completed_on=D(2026, 10, 21))
    assert sent_by_day(D(2026, 11, 18), REVIEW_2026) == {}


def test_the_dashboard_shows_the_cycle_calendar_from_the_rules(commune, client):
    client.force_login(commune.chairman)
    with freeze_time(at(D(2026, 10, 1))), translation.override("vi"):
        page = client.get("/nominations/dashboard/", {"year": 2026})
    assert page.status_code == 200
    board = page.context["board"]
    (family,) = [c for c in board.cycles if c.title == Title.CULTURAL_FAMILY]
    entries = {e.suffix: e for e in family.entries}
    assert entries["review_deadline"].day == REVIEW_2026
    assert not entries["review_deadline"].passed
    assert entries["posting_period"].period.startswith("10 ")
    text = page.content.decode()
    assert 'data-testid="cycle-cultural_family"' in text
    assert "25/11/2026" in text
    # in December the deadline shows as passed
    with freeze_time(at(D(2026, 12, 1))):
        later = client.get("/nominations/dashboard/", {"year": 2026})
    (family,) = [c for c in later.context["board"].cycles if c.title == Title.CULTURAL_FAMILY]
    assert next(e for e in family.entries if e.suffix == "review_deadline").passed
