"""The date of every act of the nominations process (:mod:`approvals.acts`).

A meeting, the start of a posting, an objection, a council's appraisal, a decision and its
issue are refused when dated after today, or earlier than the grace the regulation
``act_dates`` sets; a refusal changes nothing. Through the services, the API and the pages,
with the clock moved to the day each act is recorded, around the holidays the project's
calendar knows (30/4 to 1/5 and 2/9 of 2025, Tết Bính Ngọ 2026).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.acts import ActDateRefused
from approvals.audit.models import AuditEvent
from approvals.calendar.workdays import is_working_day
from tests.nominations.conftest import Commune
from workflows.nominations.flow_actions import (
    flow_accept,
    flow_council,
    flow_decide,
    flow_issue_decision,
    flow_meeting,
    flow_meeting_from_sheet,
    flow_open_posting,
    flow_register,
    flow_start,
    flow_submit,
)
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    CouncilReview,
    Dossier,
    DossierState,
    Meeting,
    Title,
)
from workflows.nominations.services import (
    candidate_report_record,
    candidates_register,
    dossier_create,
    objection_record,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def registered(c: Commune, clock: Any, day: D) -> Dossier:
    clock.to(day)
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=day.year,
        proposing_unit=c.village,
        on=day,
    )
    flow_start(dossier, c.village_head)
    flow_register(dossier, c.village_head, households=c.households, on=day)
    return dossier


def meet(c: Commune, dossier: Dossier, held_on: D, *, present: int = 30) -> Meeting:
    return flow_meeting(
        dossier,
        c.front_head,
        held_on=held_on,
        invited=40,
        present=present,
        votes={cand.pk: present for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )


def footprint(dossier: Dossier) -> tuple[Any, ...]:
    """What a refused act could have touched."""
    return (
        Dossier.objects.values_list(
            "state", "meeting", "posting_deadline", "signature", "register_entry", "decided_on"
        ).get(pk=dossier.pk),
        sorted(Candidate.objects.filter(dossier=dossier).values_list("pk", "state", "votes_for")),
        Meeting.objects.count(),
        CouncilReview.objects.count(),
        AuditEvent.objects.count(),
    )


def local(moment: datetime.datetime) -> D:
    return timezone.localtime(moment).date()


# --- the holidays the tests rely on, as the project's calendar has them ---------------------


def test_the_calendar_has_the_holidays_these_tests_cross(db) -> None:
    off = [D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2), D(2025, 9, 1), D(2025, 9, 2)]
    off += [D(2026, 2, 14) + datetime.timedelta(days=n) for n in range(9)]  # Tết Bính Ngọ
    assert not any(is_working_day(day) for day in off)
    assert all(is_working_day(day) for day in (D(2025, 5, 5), D(2025, 9, 3), D(2026, 2, 23)))


# --- services --------------------------------------------------------------------------------


def test_a_meeting_after_today_is_refused_and_changes_nothing(commune, clock) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    clock.to(D(2026, 10, 5))
    before = footprint(dossier)
    with pytest.raises(ActDateRefused) as refused:
        meet(c, dossier, D(2026, 10, 6))
    assert "06/10/2026" in str(refused.value)
    assert "05/10/2026" in str(refused.value)
    assert footprint(dossier) == before


def test_a_meeting_is_entered_within_30_days_across_30_april(commune, clock) -> None:
    """A meeting of Monday 31/03/2025 may be entered for 30 days: the 30th is 30/04, a
    holiday (with 1/5, the bridging Friday 2/5 and the weekend), so until Monday 05/05. A
    meeting held on the holiday 30/04 itself may be entered until Friday 30/05."""
    c = commune
    dossier = registered(c, clock, D(2025, 3, 31))
    before = footprint(dossier)
    clock.to(D(2025, 5, 6))  # the first day refused
    with pytest.raises(ActDateRefused) as refused:
        meet(c, dossier, D(2025, 3, 31), present=10)
    assert "05/05/2025" in str(refused.value)
    assert footprint(dossier) == before
    clock.to(D(2025, 5, 5))  # the last day accepted
    first = meet(c, dossier, D(2025, 3, 31), present=10)  # inquorate: a further one follows
    assert (first.held_on, first.quorate, local(first.recorded_at)) == (
        D(2025, 3, 31),
        False,
        D(2025, 5, 5),
    )

    clock.to(D(2025, 5, 31))
    before = footprint(dossier)
    with pytest.raises(ActDateRefused) as refused:
        meet(c, dossier, D(2025, 4, 30))
    assert "30/05/2025" in str(refused.value)
    assert footprint(dossier) == before
    clock.to(D(2025, 5, 30))
    second = meet(c, dossier, D(2025, 4, 30))
    dossier.refresh_from_db()
    assert (dossier.state, dossier.meeting) == (DossierState.MEETING, second)
    assert (second.held_on, local(second.recorded_at)) == (D(2025, 4, 30), D(2025, 5, 30))


def test_a_meeting_from_a_sheet_is_refused_on_its_date_before_the_sheet_is_read(
    commune, clock
) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    clock.to(D(2026, 10, 5))
    before = footprint(dossier)
    with pytest.raises(ActDateRefused, match="01/01/2099"):
        flow_meeting_from_sheet(
            dossier,
            c.front_head,
            data=b"not a sheet",
            filename="phieu.xlsx",
            held_on=D(2099, 1, 1),
            invited=40,
            present=30,
            chaired_by="Ngô Văn Bình",
        )
    assert footprint(dossier) == before


def test_a_posting_starts_the_day_it_is_recorded(commune, clock) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    meet(c, dossier, D(2026, 10, 1))
    clock.to(D(2026, 10, 6))
    before = footprint(dossier)
    with pytest.raises(ActDateRefused, match="05/10/2026"):
        flow_open_posting(dossier, c.village_head, on=D(2026, 10, 5))
    with pytest.raises(ActDateRefused, match="07/10/2026"):
        flow_open_posting(dossier, c.village_head, on=D(2026, 10, 7))
    assert footprint(dossier) == before
    flow_open_posting(dossier, c.village_head)  # no date: today
    dossier.refresh_from_db()
    assert dossier.posting_deadline.started_on == D(2026, 10, 6)


def test_an_objection_received_before_2_september_has_5_working_days(commune, clock) -> None:
    """Received on Monday 01/09/2025, the eve of Quốc khánh (1 and 2/9 off): 5 working days are
    03/09 to 09/09, so it may be entered until Tuesday 09/09; on 10/09 it is refused."""
    c = commune
    dossier = registered(c, clock, D(2025, 8, 20))
    clock.to(D(2025, 8, 25))
    meet(c, dossier, D(2025, 8, 25))
    clock.to(D(2025, 8, 28))
    flow_open_posting(dossier, c.village_head, on=D(2025, 8, 28))
    candidate = dossier.candidates.order_by("pk").first()
    clock.to(D(2025, 9, 10))
    before = footprint(dossier)
    with pytest.raises(ActDateRefused) as refused:
        objection_record(
            candidate=candidate,
            user=c.village_head,
            text="Hộ vi phạm",
            upheld=True,
            on=D(2025, 9, 1),
        )
    assert "09/09/2025" in str(refused.value)
    assert footprint(dossier) == before
    clock.to(D(2025, 9, 9))
    struck = objection_record(
        candidate=candidate, user=c.village_head, text="Hộ vi phạm", upheld=True, on=D(2025, 9, 1)
    )
    assert struck.state == CandidateState.STRUCK
    event = AuditEvent.objects.filter(subject_type="nominations.candidate").latest("pk")
    assert event.payload["received_on"] == "2025-09-01"
    assert local(event.created_at) == D(2025, 9, 9)


def test_a_council_before_tet_has_10_working_days(org, commune, clock) -> None:
    """The commune's council sits on Friday 13/02/2026, the eve of Tết Bính Ngọ (14/02 to
    22/02 off): 10 working days run 23/02 to 06/03, so it may be entered until Friday
    06/03; on Saturday 07/03 it is refused."""
    c = commune
    clock.to(D(2026, 2, 2))
    dossier = dossier_create(
        user=c.officer,
        title=Title.CULTURAL_VILLAGE,
        year=2025,
        proposing_unit=c.commune,
        on=D(2026, 2, 2),
    )
    (candidate,) = candidates_register(
        dossier=dossier, user=c.officer, units=[c.village], on=D(2026, 2, 2)
    )
    candidate_report_record(candidate=candidate, user=c.village_head, report="Báo cáo thành tích")
    flow_start(dossier, c.officer)
    council = {
        "held_on": D(2026, 2, 13),
        "minutes": "Biên bản họp Hội đồng TĐKT xã",
        "members": 9,
        "present": 9,
        "votes": {candidate.pk: 9},
    }
    clock.to(D(2026, 3, 7))
    before = footprint(dossier)
    with pytest.raises(ActDateRefused) as refused:
        flow_council(dossier, c.council, **council)
    assert "06/03/2026" in str(refused.value)
    assert footprint(dossier) == before
    clock.to(D(2026, 3, 6))
    flow_council(dossier, c.council, **council)
    review = CouncilReview.objects.get(dossier=dossier)
    assert (review.held_on, local(review.recorded_at)) == (D(2026, 2, 13), D(2026, 3, 6))


def test_a_decision_and_its_issue_are_dated_today(commune, clock) -> None:
    """Grace 0: neither the decision nor its number takes another day than today."""
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    meet(c, dossier, D(2026, 10, 1))
    clock.to(D(2026, 10, 2))
    flow_open_posting(dossier, c.village_head)
    clock.to(D(2026, 10, 20))
    flow_submit(dossier, c.village_head)
    flow_accept(dossier, c.officer)
    clock.to(D(2026, 10, 21))
    before = footprint(dossier)
    for day in (D(2026, 10, 20), D(2027, 10, 21)):
        with pytest.raises(ActDateRefused):
            flow_decide(dossier, c.chairman, on=day)
    assert footprint(dossier) == before
    flow_decide(dossier, c.chairman)
    dossier.refresh_from_db()
    assert dossier.decided_on == D(2026, 10, 21)
    assert local(dossier.decision_recorded_at) == D(2026, 10, 21)
    before = footprint(dossier)
    with pytest.raises(ActDateRefused, match="21/10/2027"):
        flow_issue_decision(dossier, c.clerk, on=D(2027, 10, 21))
    assert footprint(dossier) == before
    flow_issue_decision(dossier, c.clerk, on=D(2026, 10, 21))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.issued_on == D(2026, 10, 21)


# --- the API ---------------------------------------------------------------------------------


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_api_refuses_a_meeting_in_2099_and_changes_nothing(commune, clock) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    clock.to(D(2026, 10, 5))
    body = {
        "held_on": "2099-01-01",
        "invited": 40,
        "present": 30,
        "chaired_by": "Ngô Văn Bình",
        "votes": [{"candidate": cand.pk, "votes_for": 30} for cand in dossier.candidates.all()],
    }
    before = footprint(dossier)
    response = api(c.front_head).post(f"/api/dossiers/{dossier.pk}/meeting/", body, format="json")
    assert response.status_code == 400, response.json()
    refusal = response.json()
    assert refusal["code"] == "act_date_refused"
    assert "01/01/2099" in refusal["message"]
    assert "05/10/2026" in refusal["message"]
    assert footprint(dossier) == before
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.REGISTRATION

    # the same meeting dated today is recorded, with the moment it was recorded
    response = api(c.front_head).post(
        f"/api/dossiers/{dossier.pk}/meeting/", {**body, "held_on": "2026-10-05"}, format="json"
    )
    assert response.status_code == 200, response.json()
    (meeting,) = response.json()["meetings"]
    assert meeting["held_on"] == "2026-10-05"
    assert meeting["recorded_at"].startswith("2026-10-05T09:")


def test_the_api_refuses_a_back_dated_posting_start_and_changes_nothing(commune, clock) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    meet(c, dossier, D(2026, 10, 1))
    clock.to(D(2026, 10, 8))
    url = f"/api/dossiers/{dossier.pk}/posting/"
    before = footprint(dossier)
    response = api(c.village_head).post(url, {"starts_on": "2026-10-02"}, format="json")
    assert response.status_code == 400, response.json()
    refusal = response.json()
    assert refusal["code"] == "act_date_refused"
    assert "02/10/2026" in refusal["message"]
    assert "08/10/2026" in refusal["message"]
    assert footprint(dossier) == before
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.MEETING

    response = api(c.village_head).post(url, {}, format="json")  # today
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == DossierState.POSTING


def test_the_api_shows_when_the_decision_was_taken_and_recorded(commune, clock) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    meet(c, dossier, D(2026, 10, 1))
    clock.to(D(2026, 10, 2))
    flow_open_posting(dossier, c.village_head)
    clock.to(D(2026, 10, 20))
    flow_submit(dossier, c.village_head)
    flow_accept(dossier, c.officer)
    flow_decide(dossier, c.chairman)
    flow_issue_decision(dossier, c.clerk)
    data = api(c.chairman).get(f"/api/dossiers/{dossier.pk}/").json()
    assert (data["decided_on"], data["issued_on"]) == ("2026-10-20", "2026-10-20")
    assert data["decision_recorded_at"].startswith("2026-10-20T")
    assert data["issue_recorded_at"].startswith("2026-10-20T")


# --- the pages -------------------------------------------------------------------------------


def test_the_meeting_form_shows_the_refusal_on_its_date(client, commune, clock) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    clock.to(D(2026, 11, 5))
    client.force_login(c.front_head)
    data = {
        "stage": "registration",
        "held_on": "01/10/2026",  # 35 days ago: past the 30 days' grace
        "invited": "40",
        "present": "30",
        "chaired_by": "Ngô Văn Bình",
    }
    data.update({f"vote_{cand.pk}": "30" for cand in dossier.candidates.all()})
    before = footprint(dossier)
    response = client.post(reverse("nominations:meeting", args=[dossier.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    # 30 days run to Saturday 31/10, a day off: the last day is Monday 02/11
    assert "02/11/2026" in " ".join(errors["held_on"])
    assert footprint(dossier) == before


def test_the_posting_form_shows_a_back_dated_start_on_its_date(client, commune, clock) -> None:
    c = commune
    dossier = registered(c, clock, D(2026, 10, 1))
    meet(c, dossier, D(2026, 10, 1))
    clock.to(D(2026, 10, 8))
    client.force_login(c.village_head)
    before = footprint(dossier)
    response = client.post(
        reverse("nominations:posting", args=[dossier.pk]),
        {"posted_on": "02/10/2026"},
    )
    assert response.status_code == 400
    errors = response.context["forms"]["posting"].errors
    assert "02/10/2026" in " ".join(errors["posted_on"])
    assert footprint(dossier) == before
