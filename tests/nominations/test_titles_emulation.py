"""A department's own titles: “Lao động tiên tiến”, “Tập thể lao động tiên tiến”, and
“Cơ quan, đơn vị đạt chuẩn văn hóa”, decided by its director (Law 06/2022, Art. 80.1)."""

from __future__ import annotations

import datetime

import pytest

from approvals.audit.models import AuditEvent, Signature
from approvals.exceptions import SeparationOfDutiesViolation, ValidationFailed
from approvals.organisation.models import Action, ActionRule, Reach, Role, UnitKind
from approvals.registers.models import DocumentKind, RegisterEntry
from approvals.registers.services import register_configure
from approvals.regulations.models import Regulation
from approvals.regulations.services import RuleSpec, regulation_version_create
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.nominations.timeline import today_is
from workflows.nominations.exceptions import CandidatesRefused
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Discipline,
    DisciplineLevel,
    Dossier,
    DossierState,
    PerformanceRating,
    Rating,
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
    dossier_submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
YEAR = 2025
DEC_5, DEC_15 = D(YEAR, 12, 5), D(YEAR, 12, 15)


class Department:
    """Sở LĐTBXH of the ``org`` fixture with its office, a division and its emulation staff."""

    def __init__(self, org) -> None:
        self.org = org
        roles = {r.code: r for r in Role.objects.all()}
        self.dept, self.office = org.dept_a, org.division_a
        self.director, self.deputy = org.director_a, org.deputy_a
        self.division = OrgUnitFactory(
            name="Phòng Việc làm", code="VL", kind=UnitKind.DIVISION, parent=self.dept
        )

        def person(username: str, family: str, given: str, role: str, unit, title: str = ""):
            user = UserFactory(username=username, last_name=family, first_name=given)
            PositionFactory(user=user, unit=unit, role=roles[role], title=title)
            return user

        # the office prepares and submits the department's lists (office_chief, PARENT) and
        # an officer of the department appraises them (culture_officer, SAME)
        self.office_head = org.office_head_a
        PositionFactory(user=self.office_head, unit=self.office, role=roles["office_chief"])
        self.emulation = self.office_head
        self.appraiser = person(
            "tdkt_a",
            "Mai Văn",
            "Phúc",
            "culture_officer",
            self.dept,
            title="Chuyên viên thẩm định thi đua",
        )
        self.council = person("hd_a", "Cao Văn", "Thắng", "council_member", self.dept)
        self.clerk = person("vt_a", "Lã Thị", "Nhung", "records_clerk", self.office)
        self.staff = [
            person(f"vl_{n}", "Trương Văn", given, "drafter", self.division)
            for n, given in enumerate(("An", "Bình", "Cường", "Dũng"), start=1)
        ]
        ActionRule.objects.get_or_create(
            action=Action.objects.get(code="approvals_registers.configure_register"),
            role=roles["director"],
            reach=Reach.SAME_UNIT,
        )
        register_configure(
            agency=self.dept,
            year=YEAR,
            name=f"Sổ quyết định {YEAR}",
            kinds=[DocumentKind.objects.get(code="decision")],
            user=self.director,
        )

    def rate(self, person, rating: str) -> None:
        PerformanceRating.objects.create(
            person=person, year=YEAR, rating=rating, recorded_by=self.office_head
        )


@pytest.fixture
def department(org) -> Department:
    return Department(org)


def decide_whole_dossier(
    d: Department, dossier: Dossier, *, on: datetime.date, decider=None
) -> Dossier:
    """Submit, appraise, council, sign and number: the department's own road."""
    dossier_submit(dossier=dossier, user=d.emulation, on=on)
    dossier_accept(dossier=dossier, user=d.appraiser)
    today_is(on)
    council_record(
        dossier=dossier,
        user=d.council,
        held_on=on,
        minutes="Biên bản họp Hội đồng Thi đua - Khen thưởng Sở",
    )
    dossier_decide(dossier=dossier, user=decider or d.director, on=on)
    decision_issue(dossier=dossier, user=d.clerk, on=on)
    dossier.refresh_from_db()
    return dossier


def advanced_workers(d: Department, people, *, on=DEC_5) -> Dossier:
    dossier = dossier_create(
        user=d.emulation, title=Title.ADVANCED_WORKER, year=YEAR, proposing_unit=d.dept, on=on
    )
    candidates_register(dossier=dossier, user=d.emulation, people=people, on=on)
    return dossier


def test_advanced_worker_refuses_by_name_and_recognises_the_rest(department, org):
    d = department
    drafter, clerk = org.drafter_a, d.clerk
    an, binh, cuong, dung = d.staff
    for person, rating in (
        (drafter, Rating.GOOD),
        (clerk, Rating.EXCELLENT),
        (an, Rating.GOOD),
        (binh, Rating.GOOD),
        (cuong, Rating.COMPLETED),
    ):
        d.rate(person, rating)
    dossier = dossier_create(
        user=d.emulation,
        title=Title.ADVANCED_WORKER,
        year=YEAR,
        proposing_unit=d.dept,
        on=D(YEAR, 12, 1),
    )
    assert dossier.deciding_unit == d.dept

    # when: the list holds one rated below "well completed", one unrated and one from another
    # department
    with pytest.raises(CandidatesRefused) as exc:
        candidates_register(
            dossier=dossier,
            user=d.emulation,
            on=D(YEAR, 12, 1),
            people=[drafter, clerk, an, binh, cuong, dung, org.deputy_b],
        )
    # then: each is named, with why, and nobody is registered
    assert {(p.candidate, p.code) for p in exc.value.problems} == {
        ("Trương Văn Cường", "rating"),
        ("Trương Văn Dũng", "rating"),
        ("Phạm Thị Lan", "not_staff"),
        ("Phạm Thị Lan", "rating"),
    }
    assert not Candidate.objects.filter(dossier=dossier).exists()

    # when: the four who qualify go through the department's road
    candidates_register(
        dossier=dossier, user=d.emulation, on=D(YEAR, 12, 1), people=[drafter, clerk, an, binh]
    )
    dossier_submit(dossier=dossier, user=d.emulation, on=D(YEAR, 12, 5))
    dossier.refresh_from_db()
    assert dossier.decision_deadline.due_on == D(YEAR, 12, 19)  # 10 working days
    dossier_accept(dossier=dossier, user=d.appraiser)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.COUNCIL
    today_is(D(YEAR, 12, 8))
    council_record(
        dossier=dossier,
        user=d.council,
        held_on=D(YEAR, 12, 8),
        minutes="Biên bản họp Hội đồng Thi đua - Khen thưởng Sở",
    )
    today_is(D(YEAR, 12, 10))
    dossier_decide(dossier=dossier, user=d.director, on=D(YEAR, 12, 10))
    decision_issue(dossier=dossier, user=d.clerk, on=D(YEAR, 12, 10))

    # then: the director's decision, numbered in the department's register, recognises four
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.symbol == "01/QĐ-LĐTBXH"
    assert dossier.signature.signature_block.splitlines() == ["GIÁM ĐỐC"]
    assert set(dossier.candidates.values_list("state", flat=True)) == {CandidateState.RECOGNISED}
    assert (
        AuditEvent.objects.filter(
            subject_type="nominations.candidate", to_state=CandidateState.RECOGNISED
        ).count()
        == 4
    )


def test_director_may_not_decide_his_own_title_and_his_deputy_signs_for_him(department, org):
    d = department
    for person in (d.director, org.drafter_a):
        d.rate(person, Rating.EXCELLENT)
    dossier = advanced_workers(d, [d.director, org.drafter_a])
    dossier_submit(dossier=dossier, user=d.emulation, on=D(YEAR, 12, 5))
    dossier_accept(dossier=dossier, user=d.appraiser)
    today_is(D(YEAR, 12, 8))
    council_record(dossier=dossier, user=d.council, held_on=D(YEAR, 12, 8), minutes="Biên bản")
    # when / then: the director is himself on the list he would sign
    today_is(D(YEAR, 12, 10))
    with pytest.raises(SeparationOfDutiesViolation) as exc:
        dossier_decide(dossier=dossier, user=d.director, on=D(YEAR, 12, 10))
    assert "Lê Văn Minh" in str(exc.value)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    assert dossier.signature_id is None
    assert not Signature.objects.exists()
    # the deputy director signs "KT. GIÁM ĐỐC" instead
    dossier_decide(dossier=dossier, user=d.deputy, on=D(YEAR, 12, 10))
    dossier.refresh_from_db()
    assert dossier.signature.signature_block.splitlines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


def collective_proposal(d: Department, units, *, on=DEC_15) -> Dossier:
    dossier = dossier_create(
        user=d.emulation, title=Title.ADVANCED_COLLECTIVE, year=YEAR, proposing_unit=d.dept, on=on
    )
    candidates_register(dossier=dossier, user=d.emulation, units=units, on=on)
    return dossier


@pytest.fixture
def workers_decided(department, org) -> Department:
    """2 of the office's 3 members and 2 of the division's 4 hold “Lao động tiên tiến”."""
    d = department
    an, binh, *_ = d.staff
    people = [org.drafter_a, d.clerk, an, binh]
    for person in people:
        d.rate(person, Rating.GOOD)
    decide_whole_dossier(d, advanced_workers(d, people), on=D(YEAR, 12, 10))
    return d


def test_advanced_collective_short_of_the_member_share_is_refused_with_its_figures(
    workers_decided,
):
    d = workers_decided
    dossier = collective_proposal(d, [d.office, d.division])
    events = AuditEvent.objects.count()
    # when: the department proposes both; the division has exactly half, not more than half
    with pytest.raises(CandidatesRefused) as exc:
        dossier_submit(dossier=dossier, user=d.emulation, on=D(YEAR, 12, 16))
    # then: the division is named with its figures; the office (2 of 3) is fine
    [problem] = exc.value.problems
    assert (problem.candidate, problem.code) == ("Phòng Việc làm", "member_share")
    for figure in ("2", "4", "50.0", "50"):
        assert figure in problem.message
    # and nothing changed
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REGISTRATION
    assert dossier.decision_deadline is None
    assert set(dossier.candidates.values_list("state", flat=True)) == {CandidateState.REGISTERED}
    assert AuditEvent.objects.count() == events


def test_advanced_collective_with_a_province_rule_of_at_least_half(workers_decided, org):
    d = workers_decided
    # given: the province's version says "at least" instead of "more than" the share
    regulation_version_create(
        regulation=Regulation.objects.get(code="emulation"),
        label="QĐ 12/2025/QĐ-UBND",
        effective_from=D(YEAR, 1, 1),
        jurisdiction=org.province,
        legal_basis="Quyết định 12/2025/QĐ-UBND",
        rules=[RuleSpec("advanced_collective.member_share_strictly_greater", False, "boolean")],
        user=d.director,
    )
    dossier = collective_proposal(d, [d.office, d.division])
    # when: the same two units go through the department's road
    decide_whole_dossier(d, dossier, on=D(YEAR, 12, 16))
    # then: both are recognised, in the department's second decision of the year
    assert dossier.register_entry.symbol == "02/QĐ-LĐTBXH"
    states = dict(dossier.candidates.values_list("unit__name", "state"))
    assert states == {
        "Văn phòng Sở LĐTBXH": CandidateState.RECOGNISED,
        "Phòng Việc làm": CandidateState.RECOGNISED,
    }


def test_advanced_collective_with_a_member_warned_is_refused_at_the_decision(workers_decided, org):
    d = workers_decided
    dossier = collective_proposal(d, [d.office])
    # a reprimand does not bar the collective (the rule is "warning or above")
    Discipline.objects.create(
        person=d.office_head, year=YEAR, level=DisciplineLevel.REPRIMAND, recorded_by=d.director
    )
    dossier_submit(dossier=dossier, user=d.emulation, on=D(YEAR, 12, 16))
    dossier_accept(dossier=dossier, user=d.appraiser)
    today_is(D(YEAR, 12, 17))
    council_record(dossier=dossier, user=d.council, held_on=D(YEAR, 12, 17), minutes="Biên bản")
    # when: a member of the office is given a warning before the director signs
    Discipline.objects.create(
        person=org.drafter_a,
        year=YEAR,
        level=DisciplineLevel.WARNING,
        basis="Quyết định 30/QĐ-LĐTBXH",
        recorded_by=d.director,
    )
    today_is(D(YEAR, 12, 18))
    with pytest.raises(CandidatesRefused) as exc:
        dossier_decide(dossier=dossier, user=d.director, on=D(YEAR, 12, 18))
    # then: the office and the person are named; nothing is signed
    [problem] = exc.value.problems
    assert problem.code == "disciplined"
    assert "Văn phòng Sở LĐTBXH" in problem.message
    assert "Nguyễn Thị Hoa" in problem.message
    assert "Đỗ Văn Nam" not in problem.message  # the reprimand does not count
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    assert dossier.signature_id is None
    assert not RegisterEntry.objects.filter(subject_id=str(dossier.pk)).exists()


@pytest.fixture
def culture_department(org):
    """Sở VHTTDL with an office, its emulation staff and its deputy director."""
    roles = {r.code: r for r in Role.objects.all()}
    office = OrgUnitFactory(
        name="Văn phòng Sở VHTTDL", code="VP", kind=UnitKind.DEPARTMENT_OFFICE, parent=org.dept_b
    )

    def person(username, role, unit):
        user = UserFactory(username=username)
        PositionFactory(user=user, unit=unit, role=roles[role])
        return user

    staff = {
        "emulation": person("cvp_b", "office_chief", office),
        "appraiser": person("td_b", "culture_officer", org.dept_b),
        "council": person("hd_b", "council_member", org.dept_b),
        "clerk": person("vt_b", "records_clerk", office),
    }
    ActionRule.objects.get_or_create(
        action=Action.objects.get(code="approvals_registers.configure_register"),
        role=roles["deputy_director"],
        reach=Reach.SAME_UNIT,
    )
    register_configure(
        agency=org.dept_b,
        year=YEAR,
        name="Sổ quyết định",
        kinds=[DocumentKind.objects.get(code="decision")],
        user=org.deputy_b,
    )
    return staff


def department_recognises_its_divisions(org) -> None:
    """The province configures that a department recognises its own divisions."""
    regulation_version_create(
        regulation=Regulation.objects.get(code="emulation"),
        label="QĐ 13/2025/QĐ-UBND",
        effective_from=D(YEAR, 1, 1),
        jurisdiction=org.province,
        legal_basis="Quyết định 13/2025/QĐ-UBND",
        rules=[
            RuleSpec(
                "cultural_standard_organization.first_deciding_level",
                "department",
                "unit_kind",
                confirmed=False,
            )
        ],
        user=org.deputy_b,
    )


def test_cultural_standard_needs_a_deciding_level_above_the_department(org, culture_department):
    # given: the national default (first recognition by the district, the commune since the
    # reform): nothing of that level stands above a provincial department
    staff = culture_department
    # when / then
    with pytest.raises(ValidationFailed) as exc:
        dossier_create(
            user=staff["emulation"],
            title=Title.CULTURAL_STANDARD_ORGANIZATION,
            year=YEAR,
            proposing_unit=org.dept_b,
            on=D(YEAR, 11, 1),
        )
    assert org.dept_b.name in str(exc.value)
    assert not Dossier.objects.exists()


def test_cultural_standard_division_recognised_by_its_department(org, culture_department):
    staff = culture_department
    department_recognises_its_divisions(org)
    # given: the department proposes its division with the union's achievement report
    dossier = dossier_create(
        user=staff["emulation"],
        title=Title.CULTURAL_STANDARD_ORGANIZATION,
        year=YEAR,
        proposing_unit=org.dept_b,
        on=D(YEAR, 11, 1),
    )
    assert dossier.deciding_unit == org.dept_b
    [candidate] = candidates_register(
        dossier=dossier, user=staff["emulation"], units=[org.division_b], on=D(YEAR, 11, 1)
    )
    candidate_report_record(
        candidate=candidate,
        user=staff["emulation"],
        report="Báo cáo thành tích 2 năm xây dựng đơn vị văn hóa",
    )
    # when: it goes through appraisal, the council's inspection and the deputy's signature
    dossier_submit(dossier=dossier, user=staff["emulation"], on=D(YEAR, 11, 3))
    dossier_accept(dossier=dossier, user=staff["appraiser"])
    today_is(D(YEAR, 11, 5))
    council_record(
        dossier=dossier,
        user=staff["council"],
        held_on=D(YEAR, 11, 5),
        minutes="Biên bản kiểm tra của Ban Chỉ đạo",
    )
    today_is(D(YEAR, 11, 6))
    dossier_decide(dossier=dossier, user=org.deputy_b, on=D(YEAR, 11, 6))
    decision_issue(dossier=dossier, user=staff["clerk"], on=D(YEAR, 11, 6))
    # then
    dossier.refresh_from_db()
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.RECOGNISED
    assert dossier.register_entry.symbol == "01/QĐ-VHTTDL"
    assert dossier.signature.signature_block.splitlines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


def test_a_department_cannot_recognise_itself(org, culture_department):
    staff = culture_department
    department_recognises_its_divisions(org)
    # given: the department puts itself on its own list
    dossier = dossier_create(
        user=staff["emulation"],
        title=Title.CULTURAL_STANDARD_ORGANIZATION,
        year=YEAR,
        proposing_unit=org.dept_b,
        on=D(YEAR, 11, 1),
    )
    [candidate] = candidates_register(
        dossier=dossier, user=staff["emulation"], units=[org.dept_b], on=D(YEAR, 11, 1)
    )
    candidate_report_record(candidate=candidate, user=staff["emulation"], report="Báo cáo")
    dossier_submit(dossier=dossier, user=staff["emulation"], on=D(YEAR, 11, 3))
    events = AuditEvent.objects.count()
    # when / then: nobody working in the department may appraise its own case
    with pytest.raises(SeparationOfDutiesViolation):
        dossier_accept(dossier=dossier, user=staff["appraiser"])
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert AuditEvent.objects.count() == events
