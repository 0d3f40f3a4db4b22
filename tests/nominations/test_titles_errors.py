"""Bad input and wrong actors: each refusal is a specific exception and changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from approvals.audit.models import AuditEvent, Signature
from approvals.calendar.models import Deadline
from approvals.exceptions import (
    ActionNotPermitted,
    DeadlinePassed,
    InvalidTransition,
    SeparationOfDutiesViolation,
    ValidationFailed,
)
from approvals.registers.models import RegisterEntry
from tests.nominations.test_rule_change import Reform, propose_villages
from tests.nominations.timeline import today_is
from workflows.nominations.exceptions import CandidatesRefused, PostingNotOver
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    CouncilReview,
    Disqualification,
    Dossier,
    DossierState,
    Household,
    Meeting,
    Title,
)
from workflows.nominations.services import (
    candidate_report_record,
    candidate_revoke,
    candidates_register,
    council_record,
    decision_issue,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_submit,
    meeting_record,
    objection_record,
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date


@pytest.fixture
def reform(db: None, clock: Any) -> Reform:
    return Reform(clock)


def snapshot(dossier: Dossier) -> dict:
    """Everything a refused step could have touched."""
    row = Dossier.objects.values(
        "state",
        "posting_deadline",
        "decision_deadline",
        "signature",
        "register_entry",
        "late_reason",
    ).get(pk=dossier.pk)
    return {
        **row,
        "candidates": sorted(
            Candidate.objects.values_list(
                "pk", "state", "objection", "achievement_report", "votes_for", "consecutive_years"
            )
        ),
        "deadlines": sorted(
            Deadline.objects.values_list("pk", "due_on", "paused_on", "completed_on")
        ),
        "events": AuditEvent.objects.count(),
        "signatures": Signature.objects.count(),
        "numbers": RegisterEntry.objects.count(),
        "councils": CouncilReview.objects.count(),
        "meetings": Meeting.objects.count(),
    }


def unchanged(dossier: Dossier, before: dict) -> bool:
    return snapshot(dossier) == before


def reviewed(r: Reform, dossier: Dossier) -> None:
    votes = {c.pk: 9 for c in dossier.candidates.all()}
    today_is(D(2024, 11, 12))
    council_record(
        dossier=dossier,
        user=r.council,
        held_on=D(2024, 11, 12),
        members=9,
        present=9,
        votes=votes,
        minutes="Biên bản họp Hội đồng",
    )


def submitted(r: Reform) -> Dossier:
    dossier = propose_villages(r, year=2024, on=D(2024, 11, 1))
    reviewed(r, dossier)
    today_is(D(2024, 11, 14))
    posting_open(dossier=dossier, user=r.officer, on=D(2024, 11, 14))
    dossier_submit(dossier=dossier, user=r.chairman, on=D(2024, 11, 26))
    return dossier


# --- candidates ------------------------------------------------------------------------------


def test_a_village_outside_the_commune_or_of_the_wrong_kind_is_refused(reform):
    r = reform
    dossier = dossier_create(
        user=r.officer,
        title=Title.CULTURAL_VILLAGE,
        year=2024,
        proposing_unit=r.commune,
        on=D(2024, 11, 1),
    )
    before = snapshot(dossier)
    # when: Tân An lists one of its villages, a village of Lãng Sơn, and a commune
    with pytest.raises(CandidatesRefused) as exc:
        candidates_register(
            dossier=dossier, user=r.officer, units=[r.villages[0], r.other_village, r.other_commune]
        )
    # then: the two bad ones are named with their problem; nothing is registered
    assert {(p.candidate, p.code) for p in exc.value.problems} == {
        ("Thôn Bắc", "outside_unit"),
        ("Xã Lãng Sơn", "wrong_kind"),
    }
    assert unchanged(dossier, before)


def test_a_village_already_a_candidate_this_year_is_refused(reform):
    r = reform
    dossier = dossier_create(
        user=r.officer,
        title=Title.CULTURAL_VILLAGE,
        year=2024,
        proposing_unit=r.commune,
        on=D(2024, 11, 1),
    )
    candidates_register(dossier=dossier, user=r.officer, units=r.villages[:2])
    before = snapshot(dossier)
    # when: Thôn Tây is listed again, and Thôn Nam twice
    with pytest.raises(CandidatesRefused) as exc:
        candidates_register(
            dossier=dossier, user=r.officer, units=[r.villages[1], r.villages[2], r.villages[2]]
        )
    # then
    assert exc.value.codes == {"duplicate"}
    assert "Thôn Tây" in str(exc.value)
    assert unchanged(dossier, before)
    # and the next year it may be proposed again
    later = dossier_create(
        user=r.officer,
        title=Title.CULTURAL_VILLAGE,
        year=2025,
        proposing_unit=r.commune,
        on=D(2025, 3, 1),
    )
    assert len(candidates_register(dossier=later, user=r.officer, units=r.villages[1:2])) == 1


def test_a_disqualified_household_is_refused(commune):
    c = commune
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    Disqualification.objects.create(
        household=c.households[3],
        year=2026,
        ground="fined_child_or_illegal_marriage",
        recorded_by=c.officer,
    )
    # a fact of another year, or a ground the regulation does not list, does not bar
    Disqualification.objects.create(
        household=c.households[4], year=2025, ground="criminal_prosecution", recorded_by=c.officer
    )
    before = snapshot(dossier)
    with pytest.raises(CandidatesRefused) as exc:
        candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    assert [(p.candidate, p.code) for p in exc.value.problems] == [("H0004", "disqualified")]
    assert unchanged(dossier, before)


# --- meeting, council, posting ---------------------------------------------------------------


def test_a_meeting_without_quorum_records_no_vote(commune):
    c = commune
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    before = snapshot(dossier)
    # when: 23 of 40 invited came (57.5 %, under the rules' 60 %)
    today_is(D(2026, 10, 5))
    meeting = meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=23,
        votes={cand.pk: 23 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    # then the meeting is kept as held, inquorate; nothing else changes but its audit event
    assert (meeting.quorate, meeting.present, meeting.invited) == (False, 23, 40)
    after = snapshot(dossier)
    assert after["meetings"] == before["meetings"] + 1
    assert after["events"] == before["events"] + 1
    assert {**after, "meetings": 0, "events": 0} == {**before, "meetings": 0, "events": 0}


def test_the_council_needs_every_report_and_the_votes_the_rules_ask_for(reform):
    r = reform
    dossier = dossier_create(
        user=r.officer,
        title=Title.CULTURAL_VILLAGE,
        year=2024,
        proposing_unit=r.commune,
        on=D(2024, 11, 1),
    )
    east, west = candidates_register(dossier=dossier, user=r.officer, units=r.villages[:2])
    candidate_report_record(candidate=east, user=r.village_heads[0], report="Báo cáo")
    before = snapshot(dossier)
    # when: Thôn Tây's head has not filed its report
    with pytest.raises(CandidatesRefused) as exc:
        reviewed(r, dossier)
    assert [(p.candidate, p.code) for p in exc.value.problems] == [("Thôn Tây", "no_report")]
    assert unchanged(dossier, before)
    # when: the report is there but the minutes carry no votes (the rules set a 50 % share)
    candidate_report_record(candidate=west, user=r.village_heads[1], report="Báo cáo")
    before = snapshot(dossier)
    with pytest.raises(ValidationFailed):
        council_record(dossier=dossier, user=r.council, minutes="Biên bản họp")
    assert unchanged(dossier, before)


def test_a_title_s_steps_come_in_its_own_order(reform):
    r = reform
    dossier = propose_villages(r, year=2024, on=D(2024, 11, 1))
    before = snapshot(dossier)
    # when: the commune posts its villages before its council reviewed them
    today_is(D(2024, 11, 5))
    with pytest.raises(InvalidTransition) as exc:
        posting_open(dossier=dossier, user=r.officer, on=D(2024, 11, 5))
    assert "Hội đồng" in str(exc.value) or "council" in str(exc.value)
    # or submits them, or holds a household-style meeting
    with pytest.raises(InvalidTransition):
        dossier_submit(dossier=dossier, user=r.chairman, on=D(2024, 11, 5))
    with pytest.raises(InvalidTransition):
        meeting_record(
            dossier=dossier,
            user=r.officer,
            held_on=D(2024, 11, 5),
            invited=9,
            present=9,
            votes={},
            chaired_by="x",
        )
    assert unchanged(dossier, before)


def test_a_household_dossier_has_no_council_before_its_meeting(commune):
    family = dossier_create(
        user=commune.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=commune.village,
        on=D(2026, 10, 1),
    )
    candidates_register(
        dossier=family, user=commune.village_head, households=commune.households[:2]
    )
    before = snapshot(family)
    with pytest.raises(InvalidTransition):
        council_record(dossier=family, user=commune.council, minutes="Biên bản")
    assert unchanged(family, before)


def test_a_posting_cannot_be_closed_early(reform):
    r = reform
    dossier = propose_villages(r, year=2024, on=D(2024, 11, 1))
    reviewed(r, dossier)
    today_is(D(2024, 11, 14))
    posting_open(dossier=dossier, user=r.officer, on=D(2024, 11, 14))
    before = snapshot(dossier)
    # when: the commune submits on the last day of the posting (its 10th day is Sunday 24/11,
    # so it runs to Monday 25/11)
    with pytest.raises(PostingNotOver) as exc:
        dossier_submit(dossier=dossier, user=r.chairman, on=D(2024, 11, 25))
    # then: the message gives the end of the posting; the posting still runs
    assert "25/11/2024" in str(exc.value)
    assert unchanged(dossier, before)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.POSTING
    assert dossier.posting_deadline.completed_on is None
    # and an objection after the posting ended is refused too
    candidate = dossier.candidates.first()
    today_is(D(2024, 11, 26))
    with pytest.raises(DeadlinePassed):
        objection_record(
            candidate=candidate, user=r.officer, text="Ý kiến muộn", upheld=True, on=D(2024, 11, 26)
        )
    assert unchanged(dossier, before)


# --- the decision ------------------------------------------------------------------------------


def test_a_late_decision_needs_its_reason(reform):
    r = reform
    dossier = submitted(r)
    dossier_accept(dossier=dossier, user=r.district_officer)
    before = snapshot(dossier)
    # when: the district chairman signs on 10/12, after the limit of 06/12 (10 days after the
    # submission of 26/11), without a reason
    today_is(D(2024, 12, 10))
    with pytest.raises(DeadlinePassed) as exc:
        dossier_decide(dossier=dossier, user=r.district_chairman, on=D(2024, 12, 10))
    assert "06/12/2024" in str(exc.value)
    assert unchanged(dossier, before)
    # then: with the reason recorded, it is signed and the reason kept
    dossier_decide(
        dossier=dossier,
        user=r.district_chairman,
        on=D(2024, 12, 10),
        late_reason="Chờ ý kiến của Phòng Văn hóa - Thông tin",
    )
    dossier.refresh_from_db()
    assert dossier.late_reason == "Chờ ý kiến của Phòng Văn hóa - Thông tin"
    signed = AuditEvent.objects.get(action="nominations.decide_dossier", subject_id=str(dossier.pk))
    assert signed.comment == "Chờ ý kiến của Phòng Văn hóa - Thông tin"


def test_each_step_refuses_the_wrong_role_or_unit(reform):
    r = reform
    other_head = r.village_heads[1]

    def refused(call, dossier: Dossier, error=ActionNotPermitted) -> None:
        before = snapshot(dossier)
        with pytest.raises(ActionNotPermitted) as exc:
            call()
        assert type(exc.value) is error, exc.value
        assert unchanged(dossier, before)

    dossier = dossier_create(
        user=r.officer,
        title=Title.CULTURAL_VILLAGE,
        year=2024,
        proposing_unit=r.commune,
        on=D(2024, 11, 1),
    )
    # registration: another commune's officer
    refused(
        lambda: candidates_register(dossier=dossier, user=r.other_officer, units=r.villages),
        dossier,
    )
    candidates = candidates_register(dossier=dossier, user=r.officer, units=r.villages)
    # the report: the head of another village
    refused(
        lambda: candidate_report_record(candidate=candidates[0], user=other_head, report="Báo cáo"),
        dossier,
    )
    for candidate, head in zip(candidates, r.village_heads, strict=True):
        candidate_report_record(candidate=candidate, user=head, report="Báo cáo")
    # the council: another commune's officer; a village head, whose own village is listed
    votes = {c.pk: 9 for c in candidates}
    for wrong, error in (
        (r.other_officer, ActionNotPermitted),
        (other_head, SeparationOfDutiesViolation),
    ):
        refused(
            lambda w=wrong: council_record(
                dossier=dossier, user=w, members=9, present=9, votes=votes, minutes="Biên bản"
            ),
            dossier,
            error,
        )
    reviewed(r, dossier)
    # the posting and the objections: another commune's officer
    today_is(D(2024, 11, 14))
    refused(
        lambda: posting_open(dossier=dossier, user=r.other_officer, on=D(2024, 11, 14)), dossier
    )
    posting_open(dossier=dossier, user=r.officer, on=D(2024, 11, 14))
    today_is(D(2024, 11, 15))
    refused(
        lambda: objection_record(
            candidate=candidates[0], user=r.other_officer, text="x", upheld=True, on=D(2024, 11, 15)
        ),
        dossier,
    )
    # the submission: another commune's chairman
    refused(
        lambda: dossier_submit(dossier=dossier, user=r.other_chairman, on=D(2024, 11, 26)), dossier
    )
    dossier_submit(dossier=dossier, user=r.chairman, on=D(2024, 11, 26))
    # the appraisal belongs to the district, not to the commune that proposes; the officer
    # who compiled the dossier is refused as its author before anything else
    refused(lambda: dossier_accept(dossier=dossier, user=r.chairman), dossier)
    refused(
        lambda: dossier_accept(dossier=dossier, user=r.officer),
        dossier,
        SeparationOfDutiesViolation,
    )
    dossier_accept(dossier=dossier, user=r.district_officer)
    # the decision: neither another commune's chairman nor the proposing commune's own
    for wrong in (r.other_chairman, r.chairman):
        today_is(D(2024, 12, 2))
        refused(lambda w=wrong: dossier_decide(dossier=dossier, user=w, on=D(2024, 12, 2)), dossier)
    dossier_decide(dossier=dossier, user=r.district_chairman, on=D(2024, 12, 2))
    # the number: the commune's officer does not keep the district's register
    refused(lambda: decision_issue(dossier=dossier, user=r.officer, on=D(2024, 12, 2)), dossier)
    decision_issue(dossier=dossier, user=r.district_clerk, on=D(2024, 12, 2))
    # the revocation: the commune chairman did not decide it
    refused(
        lambda: candidate_revoke(
            candidate=candidates[0], user=r.chairman, ground="false_documents", note="x"
        ),
        dossier,
    )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert set(dossier.candidates.values_list("state", flat=True)) == {CandidateState.RECOGNISED}


def test_a_household_from_another_village_and_a_wrong_chairman(commune, org):
    c = commune
    # the chairman of another commune may not decide commune X's households
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    elsewhere = Household.objects.create(village=org.village_y1, code="Y001", head_name="Lê Y")
    before = snapshot(dossier)
    with pytest.raises(CandidatesRefused) as exc:
        candidates_register(dossier=dossier, user=c.village_head, households=[elsewhere])
    assert exc.value.codes == {"outside_unit"}
    assert unchanged(dossier, before)
    candidates_register(dossier=dossier, user=c.village_head, households=c.households[:3])
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=10,
        present=10,
        votes={cand.pk: 10 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    before = snapshot(dossier)
    today_is(D(2026, 10, 20))
    with pytest.raises(ActionNotPermitted) as refusal:
        dossier_decide(dossier=dossier, user=org.chairman_y, on=D(2026, 10, 20))
    assert "Xã Xuân Hương" in str(refusal.value)
    assert unchanged(dossier, before)
