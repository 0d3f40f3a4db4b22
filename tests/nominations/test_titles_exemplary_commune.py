"""“Xã, phường, thị trấn tiêu biểu”: proposal and report, provincial council and decision."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from approvals.audit.models import AuditEvent
from approvals.organisation.models import Role
from approvals.registers.models import DocumentKind
from approvals.registers.services import register_configure
from tests.factories import PositionFactory, UserFactory
from tests.nominations.test_rule_change import Reform
from tests.nominations.timeline import today_is
from workflows.nominations.exceptions import CandidatesRefused
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    CouncilReview,
    DossierState,
    Title,
)
from workflows.nominations.services import (
    candidate_report_record,
    candidates_register,
    council_record,
    decision_issue,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_return,
    dossier_submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date


class Province(Reform):
    """The reform tree with the province's own people: appraisal, council, chairman, clerk."""

    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        roles = {r.code: r for r in Role.objects.all()}

        def person(username: str, family: str, given: str, role: str):
            user = UserFactory(username=username, last_name=family, first_name=given)
            PositionFactory(user=user, unit=self.province, role=roles[role])
            return user

        self.governor = person("ct_tinh", "Nguyễn Văn", "Khải", "provincial_chairman")
        self.appraiser = person("tdkt_tinh", "Hà Thị", "Lan", "culture_officer")
        self.council_secretary = person("hd_tinh", "Tống Văn", "Bảo", "council_member")
        self.clerk = person("vt_tinh", "Lê Thị", "Yến", "records_clerk")
        register_configure(
            agency=self.province,
            year=2025,
            name="Sổ quyết định 2025",
            kinds=[DocumentKind.objects.get(code="decision")],
            user=self.governor,
        )


@pytest.fixture
def province(db: None, clock: Any) -> Province:
    return Province(clock)


def proposal(p: Province, *, reports: bool = True):
    """The district proposes its two communes for 2024, early in 2025 (before the reform)."""
    dossier = dossier_create(
        user=p.district_officer,
        title=Title.EXEMPLARY_COMMUNE,
        year=2024,
        proposing_unit=p.district,
        on=D(2025, 2, 10),
    )
    ours, theirs = candidates_register(
        dossier=dossier,
        user=p.district_officer,
        units=[p.commune, p.other_commune],
        on=D(2025, 2, 10),
    )
    if reports:
        candidate_report_record(
            candidate=ours,
            user=p.officer,
            report="Báo cáo thành tích xã Tân An năm 2024 (Mẫu số 08)",
        )
        candidate_report_record(
            candidate=theirs,
            user=p.other_officer,
            report="Báo cáo thành tích xã Lãng Sơn năm 2024 (Mẫu số 08)",
        )
    return dossier


def test_exemplary_commune_full_cycle_decided_by_the_province(province):
    p = province
    # given: the district's proposal with each commune's achievement report
    dossier = proposal(p)
    assert dossier.deciding_unit == p.province
    ours, theirs = dossier.candidates.order_by("pk")

    # when: the district submits; the province returns it once for a missing figure
    dossier_submit(dossier=dossier, user=p.district_officer, on=D(2025, 2, 20))
    dossier.refresh_from_db()
    assert dossier.decision_deadline.due_on == D(2025, 3, 3)  # Sunday 2/3 moves to Monday
    assert set(dossier.candidates.values_list("state", flat=True)) == {CandidateState.PROPOSED}
    dossier_return(
        dossier=dossier,
        user=p.appraiser,
        on=D(2025, 2, 24),
        comment="Bổ sung tỷ lệ hộ nghèo đa chiều năm 2024",
    )
    candidate_report_record(
        candidate=ours,
        user=p.officer,
        report="Báo cáo thành tích xã Tân An năm 2024, bổ sung tỷ lệ hộ nghèo",
    )
    dossier_submit(dossier=dossier, user=p.district_officer, on=D(2025, 2, 26))
    dossier.refresh_from_db()
    assert dossier.decision_deadline.due_on == D(2025, 3, 4)  # two days paused
    dossier_accept(dossier=dossier, user=p.appraiser)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.COUNCIL

    # when: the provincial council votes; Lãng Sơn has 5 of 8 (62.5 %), under the rules' 70 %
    today_is(D(2025, 2, 27))
    council_record(
        dossier=dossier,
        user=p.council_secretary,
        held_on=D(2025, 2, 27),
        members=9,
        present=8,
        votes={ours.pk: 7, theirs.pk: 5},
        minutes="Biên bản họp Hội đồng Thi đua - Khen thưởng tỉnh (Mẫu số 09)",
    )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    assert CouncilReview.objects.get(dossier=dossier).unit == p.province
    theirs.refresh_from_db()
    assert theirs.state == CandidateState.REFUSED

    # when: the provincial chairman signs and the province's clerk numbers the decision
    today_is(D(2025, 3, 3))
    dossier_decide(dossier=dossier, user=p.governor, on=D(2025, 3, 3))
    decision_issue(dossier=dossier, user=p.clerk, on=D(2025, 3, 3))

    # then: Tân An is recognised by decision 01/QĐ-UBND of the province, for year 2024
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.register.agency == p.province
    assert dossier.register_entry.symbol == "01/QĐ-UBND"
    assert dossier.signature.signature_block.splitlines() == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    states = dict(Candidate.objects.filter(dossier=dossier).values_list("unit__name", "state"))
    assert states == {"Xã Tân An": CandidateState.RECOGNISED, "Xã Lãng Sơn": CandidateState.REFUSED}
    ours.refresh_from_db()
    assert ours.consecutive_years == 1
    assert "bổ sung" in ours.achievement_report
    # the report's two versions are both in the audit trail, by hash
    reports = AuditEvent.objects.filter(
        subject_type="nominations.candidate",
        subject_id=str(ours.pk),
        payload__has_key="achievement_report",
    )
    assert reports.count() == 2
    assert len(set(reports.values_list("content_hash", flat=True))) == 2


def test_a_commune_without_its_achievement_report_cannot_be_submitted(province):
    p = province
    # given: a proposal where only Tân An has filed its report
    dossier = proposal(p, reports=False)
    ours = dossier.candidates.get(unit=p.commune)
    candidate_report_record(candidate=ours, user=p.officer, report="Báo cáo thành tích")
    # when / then: the submission is refused, naming Lãng Sơn; nothing moves
    with pytest.raises(CandidatesRefused) as exc:
        dossier_submit(dossier=dossier, user=p.district_officer, on=D(2025, 2, 20))
    assert exc.value.codes == {"no_report"}
    assert "Xã Lãng Sơn" in str(exc.value)
    assert "Xã Tân An" not in str(exc.value)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REGISTRATION
    assert dossier.decision_deadline is None
    assert set(dossier.candidates.values_list("state", flat=True)) == {CandidateState.REGISTERED}
