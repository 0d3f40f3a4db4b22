"""“Thôn, tổ dân phố văn hóa” across the 2025 reform: the district decides, then the commune.

The tree: a province; a district (closed on 30/06/2025) with two communes and their
villages; from 01/07/2025 a merged commune directly under the province with its villages.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from approvals.audit.models import AuditEvent
from approvals.audit.services import chain_verify
from approvals.exceptions import ActionNotPermitted
from approvals.handover.services import handover_perform
from approvals.organisation.models import Action, ActionRule, Reach, Role, UnitKind
from approvals.registers.models import DocumentKind
from approvals.registers.services import register_configure
from approvals.regulations.models import Regulation
from approvals.regulations.services import RuleSpec, regulation_version_create, rules_in_force
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.nominations.timeline import today_is
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    CouncilReview,
    Dossier,
    DossierState,
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
    dossier_rules,
    dossier_submit,
    objection_record,
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
REFORM = D(2025, 7, 1)
DISTRICT_CLOSED = D(2025, 6, 30)


class Reform:
    """A province before and after the two-tier reform, staffed for the village title."""

    def __init__(self, clock: Any) -> None:
        roles = {r.code: r for r in Role.objects.all()}
        district_chairman, _ = Role.objects.get_or_create(
            code="district_chairman",
            defaults={"name": "Chủ tịch UBND huyện", "title": "Chủ tịch", "is_head": True},
        )
        roles["district_chairman"] = district_chairman
        for code, role in (
            ("nominations.decide_dossier", "district_chairman"),
            ("nominations.revoke_title", "district_chairman"),
            ("approvals_registers.configure_register", "district_chairman"),
            ("approvals_registers.configure_register", "commune_chairman"),
            ("approvals_registers.configure_register", "provincial_chairman"),
        ):
            ActionRule.objects.get_or_create(
                action=Action.objects.get(code=code), role=roles[role], reach=Reach.SAME_UNIT
            )

        def unit(name: str, kind: str, parent: Any, code: str = "UBND", **kw: Any) -> Any:
            collective = "Ủy ban nhân dân" if kind in ("province", "district", "commune") else ""
            return OrgUnitFactory(
                name=name,
                kind=kind,
                parent=parent,
                code=code,
                collective_body_name=collective,
                **kw,
            )

        def person(username: str, family: str, given: str, role: str, at: Any) -> Any:
            user = UserFactory(username=username, last_name=family, first_name=given)
            PositionFactory(user=user, unit=at, role=roles[role], valid_from=at.valid_from)
            return user

        self.province = unit("UBND tỉnh Bắc Giang", UnitKind.PROVINCE, None, place_name="Bắc Giang")
        self.district = unit(
            "UBND huyện Yên Dũng", UnitKind.DISTRICT, self.province, valid_to=DISTRICT_CLOSED
        )
        self.commune = unit("Xã Tân An", UnitKind.COMMUNE, self.district, valid_to=DISTRICT_CLOSED)
        self.other_commune = unit(
            "Xã Lãng Sơn", UnitKind.COMMUNE, self.district, valid_to=DISTRICT_CLOSED
        )
        self.villages = [
            unit(f"Thôn {name}", UnitKind.VILLAGE, self.commune, code=code)
            for name, code in (("Đông", "TĐ"), ("Tây", "TT"), ("Nam", "TN"))
        ]
        self.other_village = unit("Thôn Bắc", UnitKind.VILLAGE, self.other_commune, code="TB")
        self.district_office = unit(
            "Văn phòng HĐND và UBND huyện", UnitKind.DEPARTMENT_OFFICE, self.district, code="VP"
        )
        self.merged = unit("Xã Yên Dũng", UnitKind.COMMUNE, self.province, valid_from=REFORM)
        self.merged.predecessors.add(self.commune, self.other_commune)
        self.new_villages = [
            unit(f"Thôn {name}", UnitKind.VILLAGE, self.merged, code=code, valid_from=REFORM)
            for name, code in (("Thượng", "TTh"), ("Hạ", "TH"))
        ]

        self.district_chairman = person(
            "ct_huyen", "Đặng Văn", "Quân", "district_chairman", self.district
        )
        # the district office prepares the district's proposals and appraises what it receives
        self.district_officer = person(
            "vp_huyen", "Lý Thị", "Mai", "office_chief", self.district_office
        )
        self.district_clerk = person("vt_huyen", "Tạ Văn", "Hòa", "records_clerk", self.district)
        self.chairman = person("ct_tanan", "Hoàng Văn", "Sơn", "commune_chairman", self.commune)
        self.officer = person("vh_tanan", "Phan Thị", "Thu", "culture_officer", self.commune)
        self.council = person("hd_tanan", "Bùi Văn", "Tú", "council_member", self.commune)
        self.village_heads = [
            person(f"tt_{v.code.lower()}", "Ngô Văn", v.name.split()[-1], "village_head", v)
            for v in self.villages
        ]
        self.other_chairman = person(
            "ct_langson", "Vũ Thu", "Hà", "commune_chairman", self.other_commune
        )
        self.other_officer = person(
            "vh_langson", "Mạc Văn", "Long", "culture_officer", self.other_commune
        )

        self.merged_chairman = person(
            "ct_yendung", "Trịnh Văn", "Đức", "commune_chairman", self.merged
        )
        self.merged_officer = person("vh_yendung", "Đỗ Thị", "Hạnh", "culture_officer", self.merged)
        self.merged_appraiser = person(
            "vh2_yendung", "Lưu Văn", "Khánh", "culture_officer", self.merged
        )
        self.merged_council = person("hd_yendung", "Kiều Thị", "Nga", "council_member", self.merged)
        self.merged_clerk = person("vt_yendung", "Chu Văn", "An", "records_clerk", self.merged)
        self.new_village_heads = [
            person(f"tt_{v.code.lower()}", "Lâm Văn", v.name.split()[-1], "village_head", v)
            for v in self.new_villages
        ]

        decision = DocumentKind.objects.get(code="decision")
        # each unit opens its registers while it exists (a dissolved unit opens none)
        for agency, chairman, years, opened in (
            (self.merged, self.merged_chairman, (2025, 2026), REFORM),
            (self.district, self.district_chairman, (2024, 2025), D(2024, 1, 2)),
        ):
            clock.to(opened)
            for year in years:
                register_configure(
                    agency=agency,
                    year=year,
                    name=f"Sổ quyết định {year}",
                    kinds=[decision],
                    user=chairman,
                )


@pytest.fixture
def reform(db: None, clock: Any) -> Reform:
    """The province, its clock left in 2024 (before the reform)."""
    return Reform(clock)


def village_states(dossier: Dossier) -> dict[str, str]:
    return dict(Candidate.objects.filter(dossier=dossier).values_list("unit__name", "state"))


def propose_villages(
    r: Reform,
    *,
    year: int,
    on: datetime.date,
    commune: Any = None,
    villages: Any = None,
    heads: Any = None,
    officer: Any = None,
) -> Dossier:
    """The commune opens the dossier; each village head files the village's report."""
    commune = commune or r.commune
    officer = officer or r.officer
    dossier = dossier_create(
        user=officer, title=Title.CULTURAL_VILLAGE, year=year, proposing_unit=commune, on=on
    )
    candidates = candidates_register(
        dossier=dossier, user=officer, units=villages or r.villages, on=on
    )
    for candidate, head in zip(candidates, heads or r.village_heads, strict=True):
        candidate_report_record(
            candidate=candidate,
            user=head,
            report=f"Báo cáo thành tích {candidate.unit.name} năm {year}",
        )
    return dossier


def test_village_title_before_the_reform_is_decided_by_the_district(reform):
    r = reform
    # given: the commune proposes its three villages in November 2024 (Decree 86/2023 in force)
    dossier = propose_villages(r, year=2024, on=D(2024, 11, 1))
    assert dossier.deciding_unit == r.district
    rule = dossier_rules(dossier).rule("cultural_village.deciding_level")
    assert (rule.value, rule.confirmed) == ("district", True)
    east, west, south = dossier.candidates.order_by("pk")

    # when: the commune's emulation council reviews them BEFORE anything is posted or sent;
    # Thôn Nam gets 4 of 9 votes, under the rules' 50 %
    today_is(D(2024, 11, 12))
    council_record(
        dossier=dossier,
        user=r.council,
        held_on=D(2024, 11, 12),
        members=11,
        present=9,
        votes={east.pk: 9, west.pk: 8, south.pk: 4},
        minutes="Biên bản họp Hội đồng Thi đua - Khen thưởng xã (Mẫu số 06)",
    )
    # then: the council sat at the commune, and only the villages it passed go on
    dossier.refresh_from_db()
    assert dossier.state == DossierState.MEETING
    review = CouncilReview.objects.get(dossier=dossier)
    assert (review.unit, review.present, review.votes[str(south.pk)]) == (r.commune, 9, 4)
    assert village_states(dossier) == {
        "Thôn Đông": CandidateState.VOTED,
        "Thôn Tây": CandidateState.VOTED,
        "Thôn Nam": CandidateState.NOT_VOTED,
    }

    # when: the list is posted from 14/11 for the rules' 10 days (as Trạch Mỹ Lộc did in 2024)
    today_is(D(2024, 11, 14))
    posting_open(dossier=dossier, user=r.officer, on=D(2024, 11, 14))
    dossier.refresh_from_db()
    # its 10th day is Sunday 24/11, so it runs to the end of Monday 25/11 (Civil Code Điều 148)
    assert dossier.posting_deadline.due_on == D(2024, 11, 25)
    # and a resident's objection against Thôn Tây is upheld
    today_is(D(2024, 11, 20))
    objection_record(
        candidate=west,
        user=r.officer,
        text="Còn tụ điểm cờ bạc chưa xử lý",
        upheld=True,
        on=D(2024, 11, 20),
    )

    # when: the commune submits to the district, which appraises and decides
    dossier_submit(dossier=dossier, user=r.chairman, on=D(2024, 11, 26))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.decision_deadline.due_on == D(2024, 12, 6)
    dossier_accept(dossier=dossier, user=r.district_officer)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION  # this title's council sat before
    today_is(D(2024, 12, 2))
    dossier_decide(dossier=dossier, user=r.district_chairman, on=D(2024, 12, 2))
    decision_issue(dossier=dossier, user=r.district_clerk, on=D(2024, 12, 2))

    # then: the district's own register numbers the decision, signed for its committee
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.register.agency == r.district
    assert dossier.register_entry.symbol == "01/QĐ-UBND"
    assert dossier.signature.signature_block.splitlines() == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert village_states(dossier) == {
        "Thôn Đông": CandidateState.RECOGNISED,
        "Thôn Tây": CandidateState.STRUCK,
        "Thôn Nam": CandidateState.NOT_VOTED,
    }
    recognised = AuditEvent.objects.filter(
        subject_type="nominations.candidate", to_state=CandidateState.RECOGNISED
    )
    assert list(recognised.values_list("subject_id", flat=True)) == [str(east.pk)]
    assert recognised.get().actor == r.district_clerk

    # and the district chairman can revoke it on a legal ground; the chain holds
    candidate_revoke(
        candidate=east,
        user=r.district_chairman,
        ground="unlawful_review",
        note="Kết luận kiểm tra số 03/KL-UBND",
    )
    east.refresh_from_db()
    assert east.state == CandidateState.REVOKED
    assert chain_verify().ok


def test_village_title_after_the_reform_is_decided_by_the_commune(reform, clock):
    r = reform
    clock.to(D(2025, 9, 15))  # the merged commune exists from 01/07/2025 only
    # given: the merged commune proposes its villages in September 2025 (2025 version in force)
    dossier = propose_villages(
        r,
        year=2025,
        on=D(2025, 9, 15),
        commune=r.merged,
        villages=r.new_villages,
        heads=r.new_village_heads,
        officer=r.merged_officer,
    )
    # then: the commune decides — a configurable default, not a confirmed rule
    assert dossier.deciding_unit == r.merged
    rule = dossier_rules(dossier).rule("cultural_village.deciding_level")
    assert (rule.value, rule.confirmed) == ("commune", False)

    # when: the same steps run, all of them at the commune
    upper, lower = dossier.candidates.order_by("pk")
    today_is(D(2025, 10, 1))
    council_record(
        dossier=dossier,
        user=r.merged_council,
        held_on=D(2025, 10, 1),
        members=9,
        present=9,
        votes={upper.pk: 9, lower.pk: 7},
        minutes="Biên bản họp Hội đồng",
    )
    today_is(D(2025, 10, 2))
    posting_open(dossier=dossier, user=r.merged_officer, on=D(2025, 10, 2))
    # the posting's 10th day is Sunday 12/10: it runs to Monday 13/10 (Civil Code Điều 148)
    dossier_submit(dossier=dossier, user=r.merged_officer, on=D(2025, 10, 14))
    # the officer who compiled the dossier may not appraise it; a colleague does
    dossier_accept(dossier=dossier, user=r.merged_appraiser)
    today_is(D(2025, 10, 20))
    dossier_decide(dossier=dossier, user=r.merged_chairman, on=D(2025, 10, 20))
    decision_issue(dossier=dossier, user=r.merged_clerk, on=D(2025, 10, 20))

    # then: both villages are recognised by the commune's decision from its own register
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert dossier.register_entry.register.agency == r.merged
    assert dossier.register_entry.symbol == "01/QĐ-UBND"
    assert dossier.signature.signer == r.merged_chairman
    assert dossier.signature.signature_block.splitlines() == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert set(village_states(dossier).values()) == {CandidateState.RECOGNISED}


def test_a_dossier_started_in_june_keeps_the_2024_rules_when_read_in_august(reform, clock):
    r = reform
    # given: a dossier started on 20/06/2025, ten days before the reform
    dossier = propose_villages(r, year=2025, on=D(2025, 6, 20))
    # and: in August the province lengthens the posting to 15 working days
    regulation_version_create(
        regulation=Regulation.objects.get(code="cultural_titles"),
        label="QĐ 45/2025/QĐ-UBND",
        effective_from=D(2025, 8, 1),
        jurisdiction=r.province,
        legal_basis="Quyết định 45/2025/QĐ-UBND của UBND tỉnh",
        rules=[
            RuleSpec(
                "cultural_village.posting_period",
                {"length": 15, "day_kind": "working"},
                "period",
                confirmed=True,
                basis="QĐ 45/2025/QĐ-UBND",
            )
        ],
        user=r.district_chairman,
    )

    # when: the rules are read in August
    august = D(2025, 8, 15)
    kept = dossier_rules(dossier)
    now = rules_in_force("cultural_titles", on=august, unit=r.merged)

    # then: the dossier keeps the district as decider and the 10 calendar days of posting,
    # while a dossier started now would be decided by the commune with 15 working days
    assert kept.get("cultural_village.deciding_level") == "district"
    assert kept.get("cultural_village.posting_period") == {"length": 10, "day_kind": "calendar"}
    assert now.get("cultural_village.deciding_level") == "commune"
    assert now.get("cultural_village.posting_period") == {"length": 15, "day_kind": "working"}
    dossier.refresh_from_db()
    assert dossier.deciding_unit == r.district

    # and: on 01/07/2025 the district (with Xã Tân An) hands its pending cases to Xã Yên
    # Dũng; from then on Xã Tân An's own people act on nothing
    clock.to(REFORM)
    handover_perform(
        predecessors=[r.district], successor=r.merged, effective_from=REFORM, user=r.merged_chairman
    )
    dossier.refresh_from_db()
    assert (dossier.deciding_unit, dossier.handed_over_from) == (r.merged, r.district)
    assert dossier_rules(dossier).get("cultural_village.posting_period") == {
        "length": 10,
        "day_kind": "calendar",
    }, "handover.rules_of = filing_date: the handed-over dossier keeps the rules it was filed under"

    # and the posting the successor opens in August runs for the kept 10 calendar days
    first, second, third = dossier.candidates.order_by("pk")
    today_is(august)
    with pytest.raises(ActionNotPermitted):
        council_record(
            dossier=dossier,
            user=r.council,
            held_on=august,
            members=9,
            present=9,
            votes={first.pk: 9, second.pk: 9, third.pk: 9},
            minutes="Biên bản họp",
        )
    council_record(
        dossier=dossier,
        user=r.merged_council,
        held_on=august,
        members=9,
        present=9,
        votes={first.pk: 9, second.pk: 9, third.pk: 9},
        minutes="Biên bản họp",
    )
    posting_open(dossier=dossier, user=r.merged_officer, on=august)
    dossier.refresh_from_db()
    assert dossier.posting_deadline.due_on == D(2025, 8, 25)
    assert dossier.posting_deadline.day_kind == "calendar"

    # while the merged commune's next dossier (2025's is the one handed over) takes the
    # province's 15 working days
    clock.to(D(2026, 9, 1))
    fresh = propose_villages(
        r,
        year=2026,
        on=D(2026, 9, 1),
        commune=r.merged,
        villages=r.new_villages,
        heads=r.new_village_heads,
        officer=r.merged_officer,
    )
    upper, lower = fresh.candidates.order_by("pk")
    today_is(D(2026, 9, 7))
    council_record(
        dossier=fresh,
        user=r.merged_council,
        held_on=D(2026, 9, 7),
        members=9,
        present=9,
        votes={upper.pk: 9, lower.pk: 9},
        minutes="Biên bản họp",
    )
    today_is(D(2026, 9, 8))
    posting_open(dossier=fresh, user=r.merged_officer, on=D(2026, 9, 8))
    fresh.refresh_from_db()
    assert fresh.posting_deadline.day_kind == "working"
    assert fresh.posting_deadline.length == 15
