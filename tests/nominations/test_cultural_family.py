"""The “Gia đình văn hóa” cycle under Decree 86/2023, from registration to revocation."""

from __future__ import annotations

import datetime

import pytest

from approvals.audit.models import AuditEvent
from approvals.audit.services import chain_verify
from approvals.exceptions import (
    DeadlinePassed,
    InvalidTransition,
    SeparationOfDutiesViolation,
    ValidationFailed,
)
from tests.nominations.timeline import today_is
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Disqualification,
    DossierState,
    Title,
)
from workflows.nominations.services import (
    candidate_revoke,
    candidates_register,
    decision_issue,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_return,
    dossier_submit,
    meeting_record,
    objection_record,
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date


def start(c, year=2026, on=None):
    on = on or D(2026, 10, 1)
    dossier = dossier_create(
        user=c.village_head, title=Title.CULTURAL_FAMILY, year=year, proposing_unit=c.village, on=on
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    return dossier


def states(dossier):
    return dict(Candidate.objects.filter(dossier=dossier).values_list("household__code", "state"))


def test_full_cycle_with_an_objection_a_return_and_a_revocation(commune):
    c = commune
    # given the village registers its households; the commune decides (Decree 86 in force)
    dossier = start(c)
    assert dossier.deciding_unit == c.commune
    votes = {cand.pk: 30 for cand in dossier.candidates.all()}
    low = dossier.candidates.get(household__code="H0002")
    votes[low.pk] = 10  # below the approval share
    # when the meeting is recorded with quorum
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes=votes,
        chaired_by="Ngô Văn Bình",
    )
    assert states(dossier)["H0002"] == CandidateState.NOT_VOTED
    assert states(dossier)["H0001"] == CandidateState.VOTED
    # the list is posted for the regulation's period; one objection strikes a household
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    dossier.refresh_from_db()
    assert dossier.posting_deadline.due_on == D(2026, 10, 16)  # 10 calendar days
    today_is(D(2026, 10, 8))
    objection_record(
        candidate=dossier.candidates.get(household__code="H0003"),
        user=c.village_head,
        text="Vi phạm quy định về tiếng ồn",
        upheld=True,
        on=D(2026, 10, 8),
    )
    # the posting cannot be closed early
    with pytest.raises(ValidationFailed):
        dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 12))
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.decision_deadline.due_on == D(2026, 10, 27)
    # the culture officer returns it for supplement: the decision clock stops
    dossier_return(
        dossier=dossier, user=c.officer, comment="Thiếu biên bản họp", on=D(2026, 10, 19)
    )
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 23))
    dossier.refresh_from_db()
    # moved by the 4 days away to Saturday 31/10, so it ends on Monday 2/11 (Civil Code Điều 148)
    assert dossier.decision_deadline.due_on == D(2026, 11, 2)
    dossier_accept(dossier=dossier, user=c.officer)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION  # no council for this title
    # the chairman signs and the clerk numbers: every kept household is recognised
    today_is(D(2026, 10, 28))
    dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 28))
    decision_issue(dossier=dossier, user=c.clerk, on=D(2026, 10, 28))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.symbol == "01/QĐ-UBND"
    assert dossier.signature.signature_block.splitlines() == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    result = states(dossier)
    assert result["H0002"] == CandidateState.NOT_VOTED
    assert result["H0003"] == CandidateState.STRUCK
    assert sum(1 for s in result.values() if s == CandidateState.RECOGNISED) == 10
    # one household's title is revoked; the rest of the decision stands
    revoked = candidate_revoke(
        candidate=dossier.candidates.get(household__code="H0004"),
        user=c.chairman,
        ground="false_documents",
        note="Kết luận thanh tra số 12/KL-UBND",
    )
    assert revoked.state == CandidateState.REVOKED
    assert sum(1 for s in states(dossier).values() if s == CandidateState.RECOGNISED) == 9
    # every candidate's road is in the audit trail, and the chain holds
    events = AuditEvent.objects.filter(subject_type="nominations.candidate")
    assert events.filter(to_state=CandidateState.RECOGNISED).count() == 10
    assert chain_verify().ok


def test_meeting_without_quorum_is_kept_and_counts_no_vote(commune):
    c = commune
    dossier = start(c)
    votes = {cand.pk: 5 for cand in dossier.candidates.all()}
    today_is(D(2026, 10, 5))
    meeting = meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=20,
        votes=votes,
        chaired_by="Ngô Văn Bình",
    )
    assert meeting.quorate is False
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REGISTRATION
    assert dossier.meeting is None
    assert set(states(dossier).values()) == {CandidateState.REGISTERED}
    assert not Candidate.objects.filter(votes_for__isnull=False).exists()


def test_bad_candidates_are_named_and_nothing_is_registered(commune, org):
    c = commune
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    Disqualification.objects.create(
        household=c.households[0], year=2026, ground="criminal_prosecution", recorded_by=c.officer
    )
    from workflows.nominations.models import Household

    elsewhere = Household.objects.create(village=org.village_y1, code="Y001", head_name="Lê Y")
    with pytest.raises(ValidationFailed) as exc:
        candidates_register(
            dossier=dossier, user=c.village_head, households=[*c.households, elsewhere]
        )
    message = str(exc.value)
    assert "H0001" in message
    assert "criminal_prosecution" in message
    assert "Y001" in message
    assert not Candidate.objects.exists()
    # a household already a candidate this year cannot be registered twice
    candidates_register(dossier=dossier, user=c.village_head, households=c.households[1:3])
    with pytest.raises(ValidationFailed):
        candidates_register(dossier=dossier, user=c.village_head, households=c.households[2:4])
    assert Candidate.objects.count() == 2


def test_late_decision_needs_a_recorded_reason(commune):
    c = commune
    dossier = start(c)
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(2026, 11, 20))
    with pytest.raises(DeadlinePassed):
        dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 11, 20))
    dossier.refresh_from_db()
    assert dossier.signature_id is None
    dossier_decide(
        dossier=dossier,
        user=c.chairman,
        on=D(2026, 11, 20),
        late_reason="Chủ tịch đi công tác dài ngày",
    )
    dossier.refresh_from_db()
    assert dossier.late_reason == "Chủ tịch đi công tác dài ngày"


def test_chairman_cannot_decide_a_dossier_with_his_own_household(commune):
    c = commune
    c.households[5].residents.add(c.chairman)
    dossier = start(c)
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(2026, 10, 20))
    with pytest.raises(SeparationOfDutiesViolation):
        dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 20))


def test_consecutive_years_are_counted_and_revocation_needs_a_legal_ground(commune):
    c = commune
    for year in (2025, 2026):
        dossier = start(c, year=year, on=D(year, 10, 1))
        today_is(D(year, 10, 5))
        meeting_record(
            dossier=dossier,
            user=c.village_head,
            held_on=D(year, 10, 5),
            invited=40,
            present=32,
            votes={cand.pk: 30 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
        )
        today_is(D(year, 10, 6))
        posting_open(dossier=dossier, user=c.village_head, on=D(year, 10, 6))
        dossier_submit(dossier=dossier, user=c.village_head, on=D(year, 10, 17))
        dossier_accept(dossier=dossier, user=c.officer)
        today_is(D(year, 10, 20))
        dossier_decide(dossier=dossier, user=c.chairman, on=D(year, 10, 20))
        decision_issue(dossier=dossier, user=c.clerk, on=D(year, 10, 20))
    counts = set(Candidate.objects.filter(year=2026).values_list("consecutive_years", flat=True))
    assert counts == {2}
    with pytest.raises(ValidationFailed):
        candidate_revoke(
            candidate=Candidate.objects.filter(year=2026).first(),
            user=c.chairman,
            ground="did_not_like_them",
            note="x",
        )
    with pytest.raises(InvalidTransition):
        candidate_revoke(
            candidate=Candidate.objects.create(
                dossier=dossier, title=dossier.title, year=2027, household=c.households[0]
            ),
            user=c.chairman,
            ground="false_documents",
            note="x",
        )


def test_a_decision_is_signed_once(commune):
    c = commune
    dossier = start(c)
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(2026, 10, 20))
    dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 20))
    with pytest.raises(InvalidTransition):
        dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 20))
    from approvals.audit.models import Signature

    assert Signature.objects.filter(subject_type="nominations.dossier").count() == 1
