"""An exemplary model (seed 002): proposal, verification with a return, the steering
committee's review, commendation at the interim and final reviews, a put-forward for a title
and its replication by other villages."""

from __future__ import annotations

import datetime

import pytest

from approvals.audit.models import AuditEvent
from approvals.audit.services import chain_verify
from approvals.exceptions import (
    ActionNotPermitted,
    InvalidTransition,
    SeparationOfDutiesViolation,
    ValidationFailed,
)
from approvals.organisation.models import Role, UnitKind
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from workflows.exemplary.models import (
    Adoption,
    Commendation,
    ModelKind,
    ModelState,
    ReviewKind,
    VerificationOutcome,
)
from workflows.exemplary.selectors import models_for, replication_count
from workflows.exemplary.services import (
    adoption_record,
    commendation_record,
    committee_review_record,
    evidence_add,
    model_propose,
    model_put_forward,
    verification_record,
)
from workflows.nominations.models import CandidateState, Household, Title
from workflows.nominations.services import dossier_create

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = 2025


class Commune:
    """Commune X of the ``org`` fixture with its culture officer, committee and villages."""

    def __init__(self, org, clock) -> None:
        self.clock = clock
        roles = {r.code: r for r in Role.objects.all()}
        self.org = org
        self.commune, self.village = org.commune_x, org.village_x1
        self.village_head = org.village_head_x1

        def person(username, role, unit, family="Nguyễn Văn", given="Bình"):
            user = UserFactory(username=username, last_name=family, first_name=given)
            PositionFactory(user=user, unit=unit, role=roles[role])
            return user

        self.officer = person("vhxh_x", "culture_officer", self.commune, "Lê Thị", "Hoa")
        self.officer_y = person("vhxh_y", "culture_officer", org.commune_y, "Phan Văn", "Tài")
        self.committee = OrgUnitFactory(
            name="Ban Chỉ đạo Phong trào xã Tân Dĩnh",
            code="BCĐ",
            kind=UnitKind.STEERING_COMMITTEE,
            parent=self.commune,
        )
        self.committee_deputy = person(
            "bcd_x", "committee_standing_deputy", self.committee, "Trịnh Văn", "Lợi"
        )
        self.villages = {}
        self.heads = {}
        for name, code in (("Thôn Thượng", "TT"), ("Thôn Trung", "TTr")):
            village = OrgUnitFactory(
                name=name, code=code, kind=UnitKind.VILLAGE, parent=self.commune
            )
            self.villages[name] = village
            self.heads[name] = person(f"tt_{code}", "village_head", village)
        self.household = Household.objects.create(
            village=self.village, code="H0001", head_name="Nguyễn Văn An"
        )

    def propose(self, **overrides):
        values = {
            "user": self.village_head,
            "name": "Gia đình ông Nguyễn Văn An: tiết kiệm trong việc cưới, việc tang",
            "kind": ModelKind.HOUSEHOLD,
            "proposing_unit": self.village,
            "culture_office": self.commune,
            "committee": self.committee,
            "household": self.household,
            "achievements": "Tổ chức đám cưới con trai gọn nhẹ, không mâm cỗ linh đình; vận "
            "động 12 hộ trong xóm làm theo.",
            "movement_content": "Thực hiện nếp sống văn minh trong việc cưới, việc tang",
            "period": "2021-2025",
            "evidence": "Biên bản họp thôn ngày 10/02/2025.",
            "on": D(YEAR, 3, 3),
        }
        values.update(overrides)
        self.clock.to(values["on"])  # a proposal is dated the day it is recorded
        return model_propose(**values)


@pytest.fixture
def commune(org, clock) -> Commune:
    return Commune(org, clock)


def test_a_model_from_proposal_to_commendation_and_replication(commune, org, clock):
    c = commune
    model = c.propose()
    assert model.state == ModelState.PROPOSED
    assert model.evidence.count() == 1

    # the culture office visits and asks for more evidence
    clock.to(D(YEAR, 3, 12))
    verification_record(
        model=model,
        user=c.officer,
        visited_on=D(YEAR, 3, 12),
        findings="Chưa có xác nhận của Ban công tác Mặt trận thôn.",
        confirmed=False,
    )
    model.refresh_from_db()
    assert model.state == ModelState.RETURNED
    # nothing else can happen to a returned model until the evidence comes
    with pytest.raises(InvalidTransition):
        committee_review_record(
            model=model,
            user=c.committee_deputy,
            held_on=D(YEAR, 3, 20),
            approved=True,
            minutes="Biên bản",
        )
    evidence_add(
        model=model,
        user=c.village_head,
        text="Xác nhận của Ban công tác Mặt trận thôn Hạ ngày 15/03/2025.",
    )
    model.refresh_from_db()
    assert (model.state, model.revision) == (ModelState.PROPOSED, 2)

    # the second visit confirms the revised proposal
    clock.to(D(YEAR, 3, 25))
    visit = verification_record(
        model=model,
        user=c.officer,
        visited_on=D(YEAR, 3, 25),
        findings="Đã kiểm chứng tại gia đình và 12 hộ làm theo.",
        confirmed=True,
    )
    assert (visit.revision, visit.outcome) == (2, VerificationOutcome.CONFIRMED)
    assert [v.outcome for v in model.verifications.order_by("visited_on")] == [
        VerificationOutcome.MORE_EVIDENCE,
        VerificationOutcome.CONFIRMED,
    ]

    # the steering committee recognises it
    clock.to(D(YEAR, 4, 10))
    committee_review_record(
        model=model,
        user=c.committee_deputy,
        held_on=D(YEAR, 4, 10),
        approved=True,
        minutes="Ban Chỉ đạo thống nhất công nhận điển hình.",
    )
    model.refresh_from_db()
    assert model.state == ModelState.APPROVED

    # commended at the interim and the final review of the year, once each
    clock.to(D(YEAR, 6, 20))
    commendation_record(
        model=model,
        user=c.committee_deputy,
        review=ReviewKind.INTERIM,
        year=YEAR,
        held_on=D(YEAR, 6, 20),
        citation="Biểu dương tại sơ kết.",
    )
    clock.to(D(YEAR, 12, 18))
    commendation_record(
        model=model,
        user=c.committee_deputy,
        review=ReviewKind.FINAL,
        year=YEAR,
        held_on=D(YEAR, 12, 18),
        citation="Biểu dương tại tổng kết.",
    )
    clock.to(D(YEAR, 12, 19))
    with pytest.raises(ValidationFailed) as twice:
        commendation_record(
            model=model,
            user=c.committee_deputy,
            review=ReviewKind.FINAL,
            year=YEAR,
            held_on=D(YEAR, 12, 19),
            citation="Lần nữa",
        )
    assert twice.value.code != "act_date_refused"  # refused as a second commendation
    assert Commendation.objects.filter(model=model).count() == 2

    # put forward for "Gia đình văn hóa" through the village's nomination dossier
    clock.to(D(YEAR, 10, 1))
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=YEAR,
        proposing_unit=c.village,
        on=D(YEAR, 10, 1),
    )
    candidate = model_put_forward(
        model=model, user=c.village_head, dossier=dossier, on=D(YEAR, 10, 1)
    )
    assert (candidate.household, candidate.state) == (c.household, CandidateState.REGISTERED)
    model.refresh_from_db()
    assert model.nomination_candidate == candidate

    # replication: two villages of the commune and one of the neighbouring commune
    thuong, trung = c.villages["Thôn Thượng"], c.villages["Thôn Trung"]
    clock.to(D(YEAR, 7, 1))
    adoption_record(
        model=model,
        user=c.heads["Thôn Thượng"],
        unit=thuong,
        adopted_on=D(YEAR, 7, 1),
        note="Hương ước thôn bổ sung quy định",
    )
    clock.to(D(YEAR, 8, 1))
    adoption_record(model=model, user=c.heads["Thôn Trung"], unit=trung, adopted_on=D(YEAR, 8, 1))
    clock.to(D(YEAR, 9, 1))
    adoption_record(model=model, user=c.officer_y, unit=org.village_y1, adopted_on=D(YEAR, 9, 1))
    assert replication_count(model) == 3
    listed = models_for(c.officer, on=D(YEAR, 12, 31)).get(pk=model.pk)
    assert (listed.adoption_count, listed.commendation_count) == (3, 2)

    assert AuditEvent.objects.filter(subject_type="exemplary.exemplarymodel").count() >= 6
    assert AuditEvent.objects.filter(action="exemplary.record_adoption").count() == 3
    assert chain_verify().event_break is None


@pytest.fixture
def approved(commune, clock):
    c = commune
    model = c.propose()
    clock.to(D(YEAR, 3, 12))
    verification_record(
        model=model,
        user=c.officer,
        visited_on=D(YEAR, 3, 12),
        findings="Đã kiểm chứng.",
        confirmed=True,
    )
    clock.to(D(YEAR, 4, 10))
    committee_review_record(
        model=model,
        user=c.committee_deputy,
        held_on=D(YEAR, 4, 10),
        approved=True,
        minutes="Công nhận.",
    )
    model.refresh_from_db()
    return model


def test_the_proposer_cannot_verify_and_another_communes_officer_may_not(commune, clock):
    c = commune
    own = c.propose(
        user=c.officer,
        proposing_unit=c.commune,
        kind=ModelKind.COLLECTIVE,
        collective=c.village,
        household=None,
        name="Thôn Hạ: sân chơi cho trẻ em",
    )
    clock.to(D(YEAR, 3, 12))
    with pytest.raises(SeparationOfDutiesViolation):
        verification_record(
            model=own,
            user=c.officer,
            visited_on=D(YEAR, 3, 12),
            findings="Tự kiểm chứng",
            confirmed=True,
        )
    model = c.propose()
    clock.to(D(YEAR, 3, 12))
    with pytest.raises(ActionNotPermitted):
        verification_record(
            model=model,
            user=c.officer_y,
            visited_on=D(YEAR, 3, 12),
            findings="Kiểm chứng",
            confirmed=True,
        )
    # a village head may not verify either, even of his own village's model
    with pytest.raises(ActionNotPermitted):
        verification_record(
            model=model,
            user=c.village_head,
            visited_on=D(YEAR, 3, 12),
            findings="Kiểm chứng",
            confirmed=True,
        )
    model.refresh_from_db()
    own.refresh_from_db()
    assert (model.state, own.state) == (ModelState.PROPOSED, ModelState.PROPOSED)
    assert not model.verifications.exists()


def test_only_the_committee_reviews_and_commends(commune, approved, clock):
    c = commune
    clock.to(D(YEAR, 6, 20))
    with pytest.raises(ActionNotPermitted):
        commendation_record(
            model=approved,
            user=c.officer,
            review=ReviewKind.INTERIM,
            year=YEAR,
            held_on=D(YEAR, 6, 20),
            citation="Biểu dương",
        )
    assert not Commendation.objects.exists()


def test_adoption_refusals(commune, approved, org, clock):
    c = commune
    clock.to(D(YEAR, 7, 1))
    # the model's own village cannot adopt it
    with pytest.raises(ValidationFailed):
        adoption_record(
            model=approved, user=c.village_head, unit=c.village, adopted_on=D(YEAR, 7, 1)
        )
    # a village head records only his own village's adoption
    with pytest.raises(ActionNotPermitted):
        adoption_record(
            model=approved,
            user=c.heads["Thôn Thượng"],
            unit=c.villages["Thôn Trung"],
            adopted_on=D(YEAR, 7, 1),
        )
    adoption_record(
        model=approved,
        user=c.heads["Thôn Trung"],
        unit=c.villages["Thôn Trung"],
        adopted_on=D(YEAR, 7, 1),
    )
    clock.to(D(YEAR, 8, 1))
    with pytest.raises(ValidationFailed, match="Thôn Trung"):
        adoption_record(
            model=approved, user=c.officer, unit=c.villages["Thôn Trung"], adopted_on=D(YEAR, 8, 1)
        )
    assert Adoption.objects.count() == 1


def test_a_model_not_yet_recognised_is_not_commended_nor_adopted(commune):
    c = commune
    model = c.propose()
    with pytest.raises(InvalidTransition):
        adoption_record(
            model=model,
            user=c.heads["Thôn Trung"],
            unit=c.villages["Thôn Trung"],
            adopted_on=D(YEAR, 7, 1),
        )
    with pytest.raises(InvalidTransition):
        commendation_record(
            model=model,
            user=c.committee_deputy,
            review=ReviewKind.INTERIM,
            year=YEAR,
            held_on=D(YEAR, 6, 20),
            citation="Biểu dương",
        )
    assert not Adoption.objects.exists()


def test_a_proposal_names_its_subject_within_the_unit(commune, org):
    c = commune
    elsewhere = Household.objects.create(village=org.village_y1, code="Y001", head_name="Lê Y")
    with pytest.raises(ValidationFailed):
        c.propose(household=elsewhere)
    with pytest.raises(ValidationFailed):
        c.propose(household=None)
    with pytest.raises(ValidationFailed):
        c.propose(committee=c.commune)
    with pytest.raises(ActionNotPermitted):
        c.propose(user=c.heads["Thôn Thượng"])
    assert not AuditEvent.objects.filter(action="exemplary.propose_model").exists()
