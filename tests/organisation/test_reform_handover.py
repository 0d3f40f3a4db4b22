"""The 2025 reform end to end: a district and its communes dissolved on 01/07/2025, their
pending cases handed over to the merged commune, and the dissolved units refused every act.

The tree in 2024: a province; a district with two communes (villages under the first), the
district's office and its culture division. On 01/07/2025 the district and both communes are
replaced by one commune directly under the province, which takes over a village-title dossier
waiting for the district's decision and a district plan waiting for its signature.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from approvals.audit.models import AuditEvent
from approvals.exceptions import ActionNotPermitted, UnitNotInExistence
from approvals.handover.models import HandOver
from approvals.organisation.models import Action, ActionRule, OrgUnit, Reach, Role, UnitKind
from approvals.organisation.resolver import require
from approvals.registers.models import DocumentKind, Register, RegisterEntry
from approvals.registers.services import number_issue, register_configure, register_for
from approvals.regulations.models import Regulation
from approvals.regulations.services import RuleSpec, regulation_version_create, rules_in_force
from approvals.reorganisation import unit_reorganise
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState, Title
from workflows.nominations.services import (
    candidate_report_record,
    candidates_register,
    council_record,
    decision_issue,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_rules,
    dossier_submit,
    posting_open,
)
from workflows.plans.models import Plan, PlanState
from workflows.plans.services import plan_approve, plan_create, plan_sign, plan_submit

pytestmark = pytest.mark.django_db
D = datetime.date
REFORM = D(2025, 7, 1)
LAST_DAY = D(2025, 6, 30)
LATE = "Hồ sơ tiếp nhận khi sắp xếp đơn vị hành chính"


class Province:
    """The province before the reform, staffed for the village title and a district plan."""

    def __init__(self) -> None:
        roles = {r.code: r for r in Role.objects.all()}
        roles["district_chairman"], _ = Role.objects.get_or_create(
            code="district_chairman",
            defaults={"name": "Chủ tịch UBND huyện", "title": "Chủ tịch", "is_head": True},
        )
        for code, role in (
            ("nominations.decide_dossier", "district_chairman"),
            ("plans.sign_plan", "district_chairman"),
            ("approvals_registers.configure_register", "district_chairman"),
            ("approvals_registers.configure_register", "commune_chairman"),
        ):
            ActionRule.objects.get_or_create(
                action=Action.objects.get(code=code), role=roles[role], reach=Reach.SAME_UNIT
            )

        def unit(name: str, kind: str, parent: Any, code: str = "UBND") -> Any:
            collective = "Ủy ban nhân dân" if kind in ("province", "district", "commune") else ""
            return OrgUnitFactory(
                name=name, kind=kind, parent=parent, code=code, collective_body_name=collective
            )

        def person(username: str, family: str, given: str, role: str, at: Any) -> Any:
            user = UserFactory(username=username, last_name=family, first_name=given)
            PositionFactory(user=user, unit=at, role=roles[role], valid_from=at.valid_from)
            return user

        self.roles = roles
        self.person = person
        self.province = unit("UBND tỉnh Bắc Giang", UnitKind.PROVINCE, None)
        self.district = unit("UBND huyện Yên Dũng", UnitKind.DISTRICT, self.province)
        self.commune = unit("Xã Tân An", UnitKind.COMMUNE, self.district)
        self.other_commune = unit("Xã Lãng Sơn", UnitKind.COMMUNE, self.district)
        self.villages = [
            unit(f"Thôn {name}", UnitKind.VILLAGE, self.commune, code=code)
            for name, code in (("Đông", "TĐ"), ("Tây", "TT"))
        ]
        self.office = unit(
            "Văn phòng HĐND và UBND huyện", UnitKind.DEPARTMENT_OFFICE, self.district, code="VP"
        )
        self.division = unit(
            "Phòng Văn hóa - Thông tin", UnitKind.DIVISION, self.district, code="VHTT"
        )

        self.district_chairman = person(
            "ct_huyen", "Đặng Văn", "Quân", "district_chairman", self.district
        )
        self.district_officer = person("vp_huyen", "Lý Thị", "Mai", "office_chief", self.office)
        self.district_clerk = person("vt_huyen", "Tạ Văn", "Hòa", "records_clerk", self.district)
        self.drafter = person("cv_vhtt", "Cao Thị", "Yến", "drafter", self.division)
        self.division_head = person("tp_vhtt", "Hà Văn", "Long", "division_head", self.division)
        self.chairman = person("ct_tanan", "Hoàng Văn", "Sơn", "commune_chairman", self.commune)
        self.officer = person("vh_tanan", "Phan Thị", "Thu", "culture_officer", self.commune)
        self.council = person("hd_tanan", "Bùi Văn", "Tú", "council_member", self.commune)
        self.village_heads = [
            person(f"tt_{v.code.lower()}", "Ngô Văn", v.name.split()[-1], "village_head", v)
            for v in self.villages
        ]
        self.admin = UserFactory(username="qt_tinh", is_superuser=True, is_staff=True)
        self.decision = DocumentKind.objects.get(code="decision")
        for year in (2024, 2025):
            register_configure(
                agency=self.district,
                year=year,
                name=f"Sổ quyết định {year}",
                kinds=[self.decision],
                user=self.district_chairman,
            )


@pytest.fixture
def province(db: None) -> Province:
    return Province()


def village_dossier(p: Province, clock: Any, *, year: int, start: datetime.date) -> Dossier:
    """The commune proposes its villages, its council passes them, the list is posted for the
    rules' 10 days and the dossier goes to the district, which appraises it."""
    clock.to(start)
    dossier = dossier_create(
        user=p.officer, title=Title.CULTURAL_VILLAGE, year=year, proposing_unit=p.commune
    )
    candidates = candidates_register(dossier=dossier, user=p.officer, units=p.villages)
    for candidate, head in zip(candidates, p.village_heads, strict=True):
        candidate_report_record(
            candidate=candidate, user=head, report=f"Báo cáo thành tích {candidate.unit.name}"
        )
    clock.to(start + datetime.timedelta(days=3))
    council_record(
        dossier=dossier,
        user=p.council,
        members=9,
        present=9,
        votes={c.pk: 9 for c in candidates},
        minutes="Biên bản họp Hội đồng Thi đua - Khen thưởng xã",
    )
    posted = start + datetime.timedelta(days=4)
    clock.to(posted)
    posting_open(dossier=dossier, user=p.officer)
    dossier.refresh_from_db()
    clock.to(dossier.posting_deadline.due_on + datetime.timedelta(days=1))
    dossier_submit(dossier=dossier, user=p.chairman)
    dossier_accept(dossier=dossier, user=p.district_officer)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    return dossier


def district_plan(p: Province, clock: Any) -> Plan:
    """The district's 2025 plan, drafted by its culture division, reviewed, to be signed."""
    clock.to(D(2025, 6, 10))
    plan = plan_create(
        user=p.drafter,
        issuing_agency=p.district,
        drafting_unit=p.division,
        kind=DocumentKind.objects.get(code="plan"),
        year=2025,
        content={
            "subject_summary": "Kế hoạch xây dựng đời sống văn hóa huyện năm 2025",
            "sections": [{"heading": "Mục đích", "paragraphs": ["Xây dựng đời sống văn hóa."]}],
            "recipients": ["UBND các xã", "Lưu: VT"],
        },
        recipient_units=[p.commune],
    )
    plan_submit(plan=plan, user=p.drafter)
    plan_approve(plan=plan, user=p.division_head)
    plan_approve(plan=plan, user=p.district_officer)
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE
    return plan


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_reform_hands_pending_cases_over_and_silences_the_dissolved_units(province, clock):
    p = province
    # given: in 2024 the district decided its villages' title, signed by its chairman
    decided_2024 = village_dossier(p, clock, year=2024, start=D(2024, 11, 1))
    clock.to(D(2024, 11, 20))
    dossier_decide(dossier=decided_2024, user=p.district_chairman, late_reason=LATE)
    decision_issue(dossier=decided_2024, user=p.district_clerk)
    decided_2024.refresh_from_db()
    assert decided_2024.state == DossierState.DECIDED
    # and in June 2025 a dossier and a plan wait for the district's decision and signature
    pending = village_dossier(p, clock, year=2025, start=D(2025, 6, 2))
    plan = district_plan(p, clock)

    # when: on 01/07/2025 the district and its communes become one commune
    clock.to(REFORM)
    merged = unit_reorganise(
        predecessors=[p.district, p.commune, p.other_commune],
        effective_from=REFORM,
        user=p.admin,
        name="Xã Yên Dũng",
        code="UBND",
        kind=UnitKind.COMMUNE,
        parent=p.province,
        collective_body_name="Ủy ban nhân dân",
    )
    # then: the old units end on 30/06; the villages and offices go on under the new commune
    for old in (p.district, p.commune, p.other_commune, *p.villages, p.division):
        old.refresh_from_db()
        assert old.valid_to == LAST_DAY
    carried = OrgUnit.objects.under(merged, include_self=False).active_on(REFORM)
    assert {u.name for u in carried} == {
        "Thôn Đông",
        "Thôn Tây",
        "Văn phòng HĐND và UBND huyện",
        "Phòng Văn hóa - Thông tin",
    }
    # the dossier and the plan were handed over to the merged commune, one audit event each
    pending.refresh_from_db()
    plan.refresh_from_db()
    assert (pending.deciding_unit, pending.proposing_unit) == (merged, merged)
    assert (pending.handed_over_from, pending.handed_over_on) == (p.district, REFORM)
    assert pending.state == DossierState.DECISION
    assert plan.issuing_agency == merged
    assert plan.drafting_unit == carried.get(name="Phòng Văn hóa - Thông tin")
    assert (plan.handed_over_from, plan.handed_over_on) == (p.district, REFORM)
    handed = AuditEvent.objects.filter(action="approvals_handover.hand_over_case")
    assert sorted(handed.values_list("subject_type", "subject_id")) == sorted(
        [("nominations.dossier", str(pending.pk)), ("plans.plan", str(plan.pk))]
    )
    # and the 2024 decision stays with the district, under its chairman's signature
    decided_2024.refresh_from_db()
    assert decided_2024.deciding_unit == p.district
    assert decided_2024.handed_over_from is None
    assert decided_2024.register_entry.register.agency == p.district
    assert decided_2024.signature.signer == p.district_chairman
    # the district's registers are closed, each with its audit event
    registers = Register.objects.filter(agency=p.district)
    assert all(r.is_closed for r in registers)
    assert AuditEvent.objects.filter(action="approvals_handover.close_register").count() == 2

    # the hand-over list names both cases
    hand_over = HandOver.objects.get(from_unit=p.district)
    assert hand_over.to_unit == merged
    rows = list(hand_over.cases.values_list("kind", "title", "subject_id"))
    assert {r[2] for r in rows} == {str(pending.pk), str(plan.pk)}
    assert "Kế hoạch xây dựng đời sống văn hóa huyện năm 2025" in {r[1] for r in rows}

    # when: the merged commune's people take office and open their register
    merged_chairman = p.person("ct_yendung", "Trịnh Văn", "Đức", "commune_chairman", merged)
    merged_clerk = p.person("vt_yendung", "Chu Văn", "An", "records_clerk", merged)
    register_configure(
        agency=merged,
        year=2025,
        name="Sổ quyết định 2025",
        kinds=[p.decision],
        user=merged_chairman,
    )

    # then: the dissolved district is refused every act after its end, with the reason
    clock.to(D(2025, 7, 2))
    refusals = [
        lambda: require(p.district_chairman, "nominations.decide_dossier", unit=p.district),
        lambda: require(p.district_chairman, "plans.sign_plan", unit=p.district),
        lambda: number_issue(
            agency=p.district,
            kind=p.decision,
            issued_on=D(2025, 7, 2),
            user=p.district_clerk,
            subject_summary="Quyết định sau ngày giải thể",
        ),
        lambda: register_configure(
            agency=p.district,
            year=2026,
            name="Sổ quyết định 2026",
            kinds=[p.decision],
            user=p.district_chairman,
        ),
        lambda: register_for(agency=p.district, kind=p.decision, year=2026),
    ]
    for refused in refusals:
        with pytest.raises(UnitNotInExistence) as exc:
            refused()
        assert exc.value.code == "unit_dissolved"
        assert "UBND huyện Yên Dũng" in str(exc.value)
        assert "30/06/2025" in str(exc.value)
        assert "Xã Yên Dũng" in str(exc.value)
    # and nothing was written: no register, no number
    assert not Register.objects.filter(agency=p.district, year=2026).exists()
    assert not RegisterEntry.objects.filter(register__agency=p.district, issued_on__gte=REFORM)
    # the former district chairman may not decide the handed-over dossier either
    with pytest.raises(ActionNotPermitted):
        dossier_decide(dossier=pending, user=p.district_chairman, late_reason=LATE)
    assert Dossier.objects.get(pk=pending.pk).signature_id is None
    # and the district's own former page of work answers 404 to him through the API
    assert api(p.district_chairman).get(f"/api/dossiers/{pending.pk}/").status_code == 404

    # when: the merged commune's chairman opens and decides the handed-over dossier
    response = api(merged_chairman).get(f"/api/dossiers/{pending.pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["deciding_unit"], body["handed_over_from"], body["handed_over_on"]) == (
        merged.pk,
        p.district.pk,
        "2025-07-01",
    )
    # it is decided by the rules it was filed under (the regulation "handover" says so)
    rules_of = rules_in_force("handover", on=REFORM).rule("handover.rules_of")
    assert (rules_of.value, rules_of.confirmed) == ("filing_date", False)
    assert "190/2025/QH15" in rules_of.basis
    assert dossier_rules(pending).get("cultural_village.deciding_level") == "district"
    dossier_decide(dossier=pending, user=merged_chairman, late_reason=LATE)
    decision_issue(dossier=pending, user=merged_clerk)
    # then: the commune's register numbers it, signed by the commune's chairman
    pending.refresh_from_db()
    assert pending.state == DossierState.DECIDED
    assert pending.register_entry.register.agency == merged
    assert pending.register_entry.symbol == "01/QĐ-UBND"
    assert pending.signature.signer == merged_chairman
    assert set(Candidate.objects.filter(dossier=pending).values_list("state", flat=True)) == {
        CandidateState.RECOGNISED
    }

    # and the plan: the commune's chairman sees it through the API and signs it
    response = api(merged_chairman).get(f"/api/plans/{plan.pk}/")
    assert response.status_code == 200, response.content
    assert response.json()["handed_over_from"] == p.district.pk
    assert api(p.district_chairman).get(f"/api/plans/{plan.pk}/").status_code == 404
    plan_sign(plan=plan, user=merged_chairman)
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNED
    assert plan.signature.signer == merged_chairman

    # the pages say where the cases came from; the hand-over list is a page of its own
    web = Client()
    web.force_login(merged_chairman)
    taken_over = "Tiếp nhận từ UBND huyện Yên Dũng ngày 01/07/2025"
    page = web.get(f"/nominations/{pending.pk}/")
    assert page.status_code == 200
    assert taken_over in page.content.decode()
    page = web.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    assert taken_over in page.content.decode()
    page = web.get(f"/handovers/{hand_over.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Biên bản bàn giao hồ sơ" in text
    # each case as it stood when it was handed over (the dossier under its old commune)
    assert "Thôn, tổ dân phố văn hóa 2025 — Xã Tân An" in text
    assert "Kế hoạch xây dựng đời sống văn hóa huyện năm 2025" in text
    assert web.get("/handovers/").status_code == 200
    # while the 2024 decision, in the merged commune's archive, still shows the district
    # and its original signer
    assert (
        api(merged_chairman).get(f"/api/dossiers/{decided_2024.pk}/").json()["deciding_unit"]
        == p.district.pk
    )
    text = web.get(f"/nominations/{decided_2024.pk}/").content.decode()
    assert "UBND huyện Yên Dũng" in text
    assert "Đặng Văn Quân" in text
    assert "Tiếp nhận từ" not in text


def test_a_province_may_decide_handed_over_cases_by_the_rules_of_the_decision_date(province, clock):
    p = province
    pending = village_dossier(p, clock, year=2025, start=D(2025, 6, 2))
    # given: the province says a handed-over case is decided by the rules of its decision date
    clock.to(D(2025, 6, 25))
    regulation_version_create(
        regulation=Regulation.objects.get(code="handover"),
        label="QĐ 50/2025/QĐ-UBND",
        effective_from=D(2025, 6, 25),
        jurisdiction=p.province,
        legal_basis="Quyết định 50/2025/QĐ-UBND của UBND tỉnh",
        rules=[
            RuleSpec(
                "handover.rules_of",
                "decision_date",
                "text",
                confirmed=True,
                basis="QĐ 50/2025/QĐ-UBND",
            )
        ],
        user=p.admin,
    )
    # when: the reform hands the dossier over
    clock.to(REFORM)
    merged = unit_reorganise(
        predecessors=[p.district, p.commune, p.other_commune],
        effective_from=REFORM,
        user=p.admin,
        name="Xã Yên Dũng",
        code="UBND",
        kind=UnitKind.COMMUNE,
        parent=p.province,
    )
    pending.refresh_from_db()
    assert pending.deciding_unit == merged
    # then: the rules read for its decision are those in force on the decision date
    assert dossier_rules(pending).get("cultural_village.deciding_level") == "commune"
    assert dossier_rules(pending).on == REFORM
