"""Meetings as they happen: an inquorate meeting is kept, a further one counts the votes.

Services, the dossier's page and the API; each act is taken on its own day (frozen).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from approvals.audit.models import AuditEvent
from approvals.exceptions import InvalidTransition, ValidationFailed
from tests.nominations.conftest import Commune
from workflows.nominations.exports import decision_layout
from workflows.nominations.flow_actions import (
    flow_accept,
    flow_decide,
    flow_issue_decision,
    flow_meeting,
    flow_open_posting,
    flow_register,
    flow_start,
    flow_submit,
)
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState, Meeting
from workflows.nominations.selectors import action_names
from workflows.nominations.services import (
    INQUORATE_MEETING,
    MEETING,
    dossier_create,
    dossier_rules,
    meeting_record,
)
from workflows.nominations.titles import SPECS

pytestmark = pytest.mark.django_db
D = datetime.date

FIRST = D(2026, 10, 5)
SECOND = D(2026, 10, 12)


@contextmanager
def on(day: D) -> Iterator[None]:
    """Take the act on its own day."""
    with freeze_time(f"{day.isoformat()} 09:00"):
        yield


def registered(c: Commune) -> Dossier:
    with on(D(2026, 10, 1)):
        dossier = dossier_create(
            user=c.village_head,
            title="cultural_family",
            year=2026,
            proposing_unit=c.village,
            on=D(2026, 10, 1),
        )
        flow_start(dossier, c.village_head)
        flow_register(dossier, c.village_head, households=c.households, on=D(2026, 10, 1))
    return dossier


def inquorate(c: Commune, dossier: Dossier) -> Meeting:
    """23 of 40 came (57.5 %, under the rules' 60 %); the votes typed are not counted."""
    with on(FIRST):
        return flow_meeting(
            dossier,
            c.front_head,
            held_on=FIRST,
            invited=40,
            present=23,
            votes={cand.pk: 23 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
            minutes="Không đủ số hộ dự họp; hoãn sang tuần sau.",
        )


def quorate(c: Commune, dossier: Dossier) -> Meeting:
    votes = {cand.pk: 30 for cand in dossier.candidates.all()}
    votes[dossier.candidates.get(household__code="H0002").pk] = 10
    with on(SECOND):
        return flow_meeting(
            dossier,
            c.front_head,
            held_on=SECOND,
            invited=40,
            present=32,
            votes=votes,
            chaired_by="Ngô Văn Bình",
            minutes="Họp lại, đủ số hộ dự.",
        )


def two_meetings(c: Commune) -> tuple[Dossier, Meeting, Meeting]:
    dossier = registered(c)
    first = inquorate(c, dossier)
    second = quorate(c, dossier)
    dossier.refresh_from_db()
    return dossier, first, second


def decided(c: Commune, dossier: Dossier) -> Dossier:
    with on(D(2026, 10, 13)):
        flow_open_posting(dossier, c.village_head, on=D(2026, 10, 13))
    with on(D(2026, 10, 24)):
        flow_submit(dossier, c.village_head, on=D(2026, 10, 24))
        flow_accept(dossier, c.officer)
    with on(D(2026, 10, 28)):
        flow_decide(dossier, c.chairman, on=D(2026, 10, 28))
        flow_issue_decision(dossier, c.clerk, on=D(2026, 10, 28))
    dossier.refresh_from_db()
    return dossier


def votes_and_states(dossier: Dossier) -> list[tuple[Any, ...]]:
    return sorted(
        Candidate.objects.filter(dossier=dossier).values_list(
            "pk", "state", "votes_for", "votes_cast"
        )
    )


def footprint(dossier: Dossier) -> tuple[Any, ...]:
    """What a refused meeting could have touched."""
    row = Dossier.objects.values("state", "meeting").get(pk=dossier.pk)
    return (
        row,
        votes_and_states(dossier),
        list(Meeting.objects.values_list("pk", "held_on", "quorate")),
        AuditEvent.objects.count(),
    )


# --- services ------------------------------------------------------------------------------


def test_an_inquorate_meeting_is_kept_and_the_dossier_waits_for_a_further_one(commune):
    c = commune
    dossier = registered(c)
    before = votes_and_states(dossier)
    meeting = inquorate(c, dossier)
    # the meeting is kept as held: its date, attendance, minutes and the quorum it missed
    meeting.refresh_from_db()
    quorum = dossier_rules(dossier).percent(SPECS[dossier.title].key("meeting_quorum_percent"))
    assert (meeting.held_on, meeting.invited, meeting.present, meeting.quorate) == (
        FIRST,
        40,
        23,
        False,
    )
    assert meeting.quorum_percent == quorum
    assert meeting.minutes.startswith("Không đủ số hộ dự họp")
    assert meeting.recorded_by == c.front_head
    # no vote is counted and no candidate moves; the dossier still takes a meeting
    assert votes_and_states(dossier) == before
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REGISTRATION
    assert dossier.meeting is None
    # one audit event, under its own action and name
    event = AuditEvent.objects.get(subject_type="nominations.dossier", action=INQUORATE_MEETING)
    assert (event.subject_id, event.actor, event.from_state, event.to_state) == (
        str(dossier.pk),
        c.front_head,
        DossierState.REGISTRATION,
        DossierState.REGISTRATION,
    )
    assert (event.payload["meeting"], event.payload["present"]) == (meeting.pk, 23)
    assert not AuditEvent.objects.filter(action=MEETING).exists()
    names = action_names({INQUORATE_MEETING, MEETING})
    assert names[INQUORATE_MEETING] == "Ghi biên bản họp bình xét không đủ số người dự"
    assert names[INQUORATE_MEETING] != names[MEETING]
    assert action_names({INQUORATE_MEETING}, english=True) == {
        INQUORATE_MEETING: "Record an inquorate review meeting"
    }


def test_a_quorate_second_meeting_counts_the_votes_and_the_decision_cites_it(commune):
    c = commune
    dossier, first, second = two_meetings(c)
    # the second meeting counted the votes and moved the dossier on
    assert (second.quorate, first.quorate) == (True, False)
    assert dossier.state == DossierState.MEETING
    assert dossier.meeting == second
    assert list(dossier.meetings.values_list("pk", flat=True)) == [first.pk, second.pk]
    low = dossier.candidates.get(household__code="H0002")
    high = dossier.candidates.get(household__code="H0001")
    assert (low.state, low.votes_for, low.votes_cast) == (CandidateState.NOT_VOTED, 10, 32)
    assert (high.state, high.votes_for, high.votes_cast) == (CandidateState.VOTED, 30, 32)
    # the decision rests on the second meeting and says so
    dossier = decided(c, dossier)
    assert dossier.state == DossierState.DECIDED
    assert dossier.meeting == second
    basis = decision_layout(dossier).sections[0].paragraphs
    assert basis[-1].endswith("và kết quả bình xét ngày 12/10/2026.")
    assert not any("05/10/2026" in line for line in basis)


def test_a_meeting_out_of_step_is_refused_and_changes_nothing(commune):
    c = commune
    dossier, _first, second = two_meetings(c)
    before = footprint(dossier)
    # when: a third meeting after the quorate one (the dossier waits for its posting)
    with on(D(2026, 10, 13)), pytest.raises(InvalidTransition) as exc:
        meeting_record(
            dossier=dossier,
            user=c.front_head,
            held_on=D(2026, 10, 13),
            invited=40,
            present=40,
            votes={cand.pk: 40 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
        )
    # the reason names the step the dossier waits for (vi by default)
    assert "niêm yết công khai, không phải họp bình xét" in str(exc.value)
    assert footprint(dossier) == before
    assert Dossier.objects.get(pk=dossier.pk).meeting_id == second.pk


def test_a_further_meeting_dated_before_the_previous_one_is_refused(commune):
    c = commune
    dossier = registered(c)
    inquorate(c, dossier)
    before = footprint(dossier)
    with on(SECOND), pytest.raises(ValidationFailed) as exc:
        meeting_record(
            dossier=dossier,
            user=c.front_head,
            held_on=D(2026, 10, 4),
            invited=40,
            present=32,
            votes={cand.pk: 30 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
        )
    assert "04/10/2026" in str(exc.value)
    assert "05/10/2026" in str(exc.value)
    assert footprint(dossier) == before


def test_a_quorate_meeting_still_needs_every_vote(commune):
    c = commune
    dossier = registered(c)
    before = footprint(dossier)
    with on(FIRST), pytest.raises(ValidationFailed):
        meeting_record(
            dossier=dossier,
            user=c.front_head,
            held_on=FIRST,
            invited=40,
            present=32,
            votes={},
            chaired_by="Ngô Văn Bình",
        )
    assert footprint(dossier) == before


# --- the page and the API -------------------------------------------------------------------


def test_the_dossier_page_lists_every_meeting(client, commune):
    c = commune
    dossier, first, second = two_meetings(c)
    client.force_login(c.village_head)
    with on(D(2026, 10, 12)):
        response = client.get(reverse("nominations:detail", args=[dossier.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert f'data-meeting="{first.pk}" data-quorate="no"' in text
    assert f'data-meeting="{second.pk}" data-quorate="yes"' in text
    assert text.index(f'data-meeting="{first.pk}"') < text.index(f'data-meeting="{second.pk}"')
    assert "Không đủ số hộ dự họp" in text
    assert "Họp lại, đủ số hộ dự." in text
    assert "23/40 người được mời" in text
    assert "32/40 người được mời" in text
    assert "Không đủ số người dự: không tính phiếu" in text
    assert text.count("quyết định căn cứ vào cuộc họp này") == 1
    # the audit trail names the inquorate meeting
    assert "Ghi biên bản họp bình xét không đủ số người dự" in text


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_api_records_an_inquorate_meeting_without_votes_and_lists_every_meeting(commune):
    c = commune
    dossier = registered(c)
    url = f"/api/dossiers/{dossier.pk}"
    body = {"held_on": "2026-10-05", "invited": 40, "present": 10, "chaired_by": "Ngô Văn Bình"}
    with on(FIRST):
        response = api(c.front_head).post(f"{url}/meeting/", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["state"], data["meeting"]) == ("registration", None)
    assert [(m["held_on"], m["present"], m["quorate"]) for m in data["meetings"]] == [
        ("2026-10-05", 10, False)
    ]
    second = quorate(c, dossier)
    with on(SECOND):
        data = api(c.village_head).get(f"{url}/").json()
    assert data["state"] == "meeting"
    assert data["meeting"] == second.pk
    assert [(m["held_on"], m["quorate"], m["minutes"]) for m in data["meetings"]] == [
        ("2026-10-05", False, ""),
        ("2026-10-12", True, "Họp lại, đủ số hộ dự."),
    ]
    # a further meeting once the votes are counted is refused with the reason
    before = footprint(dossier)
    with on(D(2026, 10, 13)):
        response = api(c.front_head).post(
            f"{url}/meeting/", {**body, "held_on": "2026-10-13"}, format="json"
        )
    assert response.status_code == 409
    refusal = response.json()
    assert refusal["code"] == "wrong_state"
    assert "bình xét" in refusal["message"] or "meeting" in refusal["message"]
    assert footprint(dossier) == before


# --- the data migration ------------------------------------------------------------------------


def test_the_migration_makes_each_existing_meeting_the_one_its_dossier_cites(commune):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("workflows.nominations.migrations.0009_meetings_per_dossier")
    c = commune
    dossier = registered(c)
    other = registered_elsewhere(c)
    # a meeting as the one-meeting schema left it: quorate, cited by nothing yet
    held = Meeting.objects.create(
        dossier=dossier,
        held_on=FIRST,
        invited=40,
        present=32,
        quorate=True,
        chaired_by="Ngô Văn Bình",
        recorded_by=c.village_head,
    )
    migration.cite_meetings(apps, None)
    assert Dossier.objects.get(pk=dossier.pk).meeting_id == held.pk
    assert Dossier.objects.get(pk=other.pk).meeting_id is None  # no meeting, none cited
    migration.cite_meetings(apps, None)  # run again: nothing changes
    assert Dossier.objects.get(pk=dossier.pk).meeting_id == held.pk


def registered_elsewhere(c: Commune) -> Dossier:
    with on(D(2026, 10, 1)):
        return dossier_create(
            user=c.village_head,
            title="cultural_family",
            year=2025,
            proposing_unit=c.village,
            on=D(2026, 10, 1),
        )
