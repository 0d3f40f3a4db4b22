"""The dashboard reads: pending and overdue dossiers per reach, counts per step, shares."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from approvals.organisation.models import OrgUnit, Role, UnitKind
from approvals.regulations.models import Regulation, RegulationVersion, Rule
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.nominations.conftest import Commune
from tests.nominations.timeline import today_is
from workflows.nominations.models import Candidate, CandidateState, DossierState, Household, Title
from workflows.nominations.selectors import (
    dossier_counts_by_step,
    dossier_list_pending,
    reach_paths,
    recognition_share,
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
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
DAY = D(2026, 11, 1)
FAMILY = Title.CULTURAL_FAMILY


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def village(commune: OrgUnit, name: str, households: int):
    """A village of ``commune`` with its head and ``households`` households."""
    unit = OrgUnitFactory(name=name, code="T", kind=UnitKind.VILLAGE, parent=commune)
    head = UserFactory(username=f"tt_{unit.pk}")
    PositionFactory(user=head, unit=unit, role=role("village_head"))
    Household.objects.bulk_create(
        Household(village=unit, code=f"{unit.pk}-{i:03d}", head_name=f"Trần Văn {i}")
        for i in range(1, households + 1)
    )
    return unit, head


def open_dossier(unit: OrgUnit, head, *, year: int = 2026):
    dossier = dossier_create(
        user=head, title=FAMILY, year=year, proposing_unit=unit, on=D(year, 10, 1)
    )
    candidates_register(
        dossier=dossier, user=head, households=list(Household.objects.filter(village=unit))
    )
    return dossier


def to_posting(unit, head, *, votes_against: int = 0, year: int = 2026):
    """Registered, voted (the first ``votes_against`` households fail) and posted on 06/10."""
    dossier = open_dossier(unit, head, year=year)
    ids = sorted(dossier.candidates.values_list("pk", flat=True))
    votes = {pk: (10 if n < votes_against else 30) for n, pk in enumerate(ids)}
    today_is(D(year, 10, 5))
    meeting_record(
        dossier=dossier,
        user=head,
        held_on=D(year, 10, 5),
        invited=40,
        present=32,
        votes=votes,
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(year, 10, 6))
    posting_open(dossier=dossier, user=head, on=D(year, 10, 6))
    return dossier


def to_submitted(unit, head, **kwargs):
    """Posted, then submitted on 17/10: the decision is due on 27/10."""
    dossier = to_posting(unit, head, **kwargs)
    dossier_submit(dossier=dossier, user=head, on=D(2026, 10, 17))
    return dossier


def decided(c: Commune, unit, head, **kwargs):
    dossier = to_submitted(unit, head, **kwargs)
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(2026, 10, 20))
    dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 20))
    decision_issue(dossier=dossier, user=c.clerk, on=D(2026, 10, 20))
    return dossier


class Dashboard:
    """Commune X with four villages at different steps, commune Y posting, a secretary."""

    def __init__(self, org) -> None:
        self.c = c = Commune(org, households=5)
        self.org = org
        self.x2, head2 = village(c.commune, "Thôn Thượng", 4)
        self.x3, head3 = village(c.commune, "Thôn Trung", 3)
        self.x4, head4 = village(c.commune, "Thôn Ngoài", 2)
        self.x5, head5 = village(c.commune, "Thôn Bến", 2)
        self.y1_head = UserFactory(username="tt_y1")
        PositionFactory(user=self.y1_head, unit=org.village_y1, role=role("village_head"))
        Household.objects.bulk_create(
            Household(village=org.village_y1, code=f"Y{i}", head_name="Lê Văn Y") for i in (1, 2)
        )
        # decision due 27/10, its clock running: late on 01/11
        self.submitted = to_submitted(c.village, c.village_head)
        # posting ended 16/10, still posted: late on 01/11
        self.posting = to_posting(self.x2, head2)
        # returned for supplement on 19/10: the clock is paused, not late
        self.returned = to_submitted(self.x3, head3)
        dossier_return(
            dossier=self.returned, user=c.officer, comment="Thiếu biên bản", on=D(2026, 10, 19)
        )
        # still registering: no time limit yet
        self.registering = open_dossier(self.x4, head4)
        # decided: not pending any more
        self.decided = decided(c, self.x5, head5)
        # another commune's dossier
        self.other = to_posting(org.village_y1, self.y1_head)
        self.officer_y = UserFactory(username="vhxh_y")
        PositionFactory(user=self.officer_y, unit=org.commune_y, role=role("culture_officer"))
        self.committee = OrgUnitFactory(
            name="Ban Chỉ đạo Phong trào tỉnh",
            code="BCĐ",
            kind=UnitKind.STEERING_COMMITTEE,
            parent=org.province,
        )
        self.secretary = UserFactory(username="thuky_bcd")
        PositionFactory(user=self.secretary, unit=self.committee, role=role("committee_secretary"))


@pytest.fixture
def board(org) -> Dashboard:
    return Dashboard(org)


# --- reach and pending lists -----------------------------------------------------------------


def test_culture_officer_sees_own_commune_overdue_first_and_not_another_commune(board):
    # given the dashboard's dossiers on 01/11/2026
    # when the commune X culture officer opens the list
    pending = list(dossier_list_pending(user=board.c.officer, day=DAY))
    # then X's undecided dossiers, the two late ones first (earliest due first), then the rest
    assert [d.pk for d in pending] == [
        board.posting.pk,
        board.submitted.pk,
        board.returned.pk,
        board.registering.pk,
    ]
    assert [d.overdue for d in pending] == [True, True, False, False]
    assert pending[0].due_on == D(2026, 10, 16)
    assert pending[1].due_on == D(2026, 10, 27)
    assert board.other.pk not in {d.pk for d in pending}
    assert board.decided.pk not in {d.pk for d in pending}


def test_nothing_is_late_before_the_time_limits(board):
    pending = list(dossier_list_pending(user=board.c.officer, day=D(2026, 10, 16)))
    assert not any(d.overdue for d in pending)
    assert [d.pk for d in pending][:2] == [board.posting.pk, board.submitted.pk]


def test_other_commune_officer_sees_only_their_commune(board):
    pending = list(dossier_list_pending(user=board.officer_y, day=DAY))
    assert [d.pk for d in pending] == [board.other.pk]
    assert pending[0].overdue


def test_committee_secretary_sees_everything_under_the_province(board):
    # the steering committee sits beside the communes; it oversees the province it serves
    assert reach_paths(user=board.secretary, day=DAY) == [board.org.province.path]
    pending = list(dossier_list_pending(user=board.secretary, day=DAY))
    assert {d.pk for d in pending} == {
        board.submitted.pk,
        board.posting.pk,
        board.returned.pk,
        board.registering.pk,
        board.other.pk,
    }
    assert [d.overdue for d in pending] == [True, True, True, False, False]


def test_a_unit_inside_another_reach_is_not_counted_twice(board):
    PositionFactory(user=board.c.officer, unit=board.x2, role=role("village_head"))
    assert reach_paths(user=board.c.officer, day=DAY) == [board.c.commune.path]
    assert len(list(dossier_list_pending(user=board.c.officer, day=DAY))) == 4


def test_village_head_sees_only_their_village(board):
    pending = list(dossier_list_pending(user=board.c.village_head, day=DAY))
    assert [d.pk for d in pending] == [board.submitted.pk]


def test_positions_outside_the_day_give_no_reach(board):
    assert list(dossier_list_pending(user=board.c.officer, day=D(2019, 6, 1))) == []
    assert dossier_counts_by_step(user=board.c.officer, day=D(2019, 6, 1)) == []


def test_counts_per_step_and_level(board):
    counts = dossier_counts_by_step(user=board.secretary, day=DAY)
    table = [(c.title, c.state, c.level, c.count, c.overdue) for c in counts]
    assert table == [
        (FAMILY, DossierState.REGISTRATION, UnitKind.COMMUNE, 1, 0),
        (FAMILY, DossierState.POSTING, UnitKind.COMMUNE, 2, 2),
        (FAMILY, DossierState.SUBMITTED, UnitKind.COMMUNE, 1, 1),
        (FAMILY, DossierState.RETURNED, UnitKind.COMMUNE, 1, 0),
    ]
    assert counts[0].level_label == str(UnitKind.COMMUNE.label)  # in the active language
    assert counts[0].state_label == str(DossierState.REGISTRATION.label)
    officer = dossier_counts_by_step(user=board.c.officer, day=DAY)
    assert sum(c.count for c in officer) == 4


def test_pending_reads_take_the_same_queries_whatever_the_number_of_dossiers(
    board, django_assert_num_queries
):
    # given: the list and counts for five dossiers
    with django_assert_num_queries(2):
        few = list(dossier_list_pending(user=board.secretary, day=DAY))
    with django_assert_num_queries(2):
        dossier_counts_by_step(user=board.secretary, day=DAY)
    # when twenty more villages open dossiers
    for n in range(20):
        unit, head = village(board.c.commune, f"Thôn số {n}", 1)
        open_dossier(unit, head)
    # then the reads still take two queries each
    with django_assert_num_queries(2):
        many = list(dossier_list_pending(user=board.secretary, day=DAY))
    with django_assert_num_queries(2):
        counts = dossier_counts_by_step(user=board.secretary, day=DAY)
    assert len(many) == len(few) + 20
    assert sum(c.count for c in counts) == len(many)


# --- share against the target ------------------------------------------------------------------


@pytest.fixture
def recognised(org):
    """Commune X: village x1 recognises 9 of its 10 households; x2 (5) has no decision yet."""
    c = Commune(org, households=10)
    x2, _head = village(c.commune, "Thôn Thượng", 5)
    decided(c, c.village, c.village_head, votes_against=1)
    Household.objects.bulk_create(
        Household(village=org.village_y1, code=f"Y{i}", head_name="Lê Văn Y") for i in range(4)
    )
    return c, x2


def test_share_per_village_against_the_80_percent_target(recognised):
    c, x2 = recognised
    # when the culture officer looks at the commune's households in 2026
    share = recognition_share(unit=c.commune, year=2026, title=FAMILY)
    # then one row per village: 9/10 meets the 80 % target of QĐ 2214, 0/5 does not
    assert share.target == Decimal(80)
    assert share.target_rule.confirmed
    assert "2214" in share.target_rule.basis
    rows = {r.unit.pk: (r.total, r.recognised, r.share, r.met) for r in share.rows}
    assert rows == {
        c.village.pk: (10, 9, Decimal("90.00"), True),
        x2.pk: (5, 0, Decimal("0.00"), False),
    }
    assert (share.overall.total, share.overall.recognised) == (15, 9)
    assert share.overall.share == Decimal("60.00")
    assert share.overall.met is False


def test_share_per_commune_at_the_province_and_revocations_do_not_count(recognised, org):
    c, _x2 = recognised
    candidate_revoke(
        candidate=Candidate.objects.filter(state=CandidateState.RECOGNISED).first(),
        user=c.chairman,
        ground="false_documents",
        note="Kết luận thanh tra",
    )
    share = recognition_share(unit=org.province, year=2026, title=FAMILY)
    rows = {r.unit.pk: (r.total, r.recognised, r.met) for r in share.rows}
    # communes are rows (departments hold no households and are no areas)
    assert rows == {org.commune_x.pk: (15, 8, False), org.commune_y.pk: (4, 0, False)}
    assert (share.overall.total, share.overall.recognised) == (19, 8)
    # another year counts nothing
    other = recognition_share(unit=org.province, year=2025, title=FAMILY)
    assert other.overall.recognised == 0


def test_share_of_a_village_is_its_own_row(recognised):
    c, _x2 = recognised
    share = recognition_share(unit=c.village, year=2026, title=FAMILY)
    assert [(r.unit.pk, r.total, r.recognised) for r in share.rows] == [(c.village.pk, 10, 9)]


def test_a_province_target_overrides_the_national_one(recognised, org):
    c, _x2 = recognised
    version = RegulationVersion.objects.create(
        regulation=Regulation.objects.get(code="movement_targets"),
        label="KH tỉnh",
        effective_from=D(2022, 3, 1),
        jurisdiction=org.province,
        legal_basis="Kế hoạch của UBND tỉnh giai đoạn 2022-2026",
    )
    Rule.objects.create(
        version=version,
        key="cultural_family.target_share_percent",
        value=95,
        value_type="percent",
        confirmed=False,
        basis="tỉnh quy định",
    )
    share = recognition_share(unit=c.commune, year=2026, title=FAMILY)
    assert share.target == Decimal(95)
    assert {r.unit.pk: r.met for r in share.rows}[c.village.pk] is False
    # before the movement's decision there is no target
    assert recognition_share(unit=c.commune, year=2020, title=FAMILY).target is None


def test_village_title_counts_villages(recognised, org):
    share = recognition_share(unit=org.province, year=2026, title=Title.CULTURAL_VILLAGE)
    rows = {r.unit.pk: (r.total, r.recognised) for r in share.rows}
    assert rows == {org.commune_x.pk: (2, 0), org.commune_y.pk: (1, 0)}
    assert share.target == Decimal(70)
    assert share.target_rule.confirmed is False


def test_share_needs_a_title_counted_in_households_or_units(org):
    from approvals.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):
        recognition_share(unit=org.province, year=2026, title=Title.ADVANCED_WORKER)
    with pytest.raises(ValidationFailed):
        recognition_share(unit=org.province, year=2026, title="no_such_title")


def test_share_takes_four_queries_whatever_the_number_of_households(
    recognised, org, django_assert_num_queries
):
    with django_assert_num_queries(4):
        recognition_share(unit=org.province, year=2026, title=FAMILY)
    for n in range(10):
        village(org.commune_y, f"Thôn Y{n}", 30)
    with django_assert_num_queries(4):
        share = recognition_share(unit=org.province, year=2026, title=FAMILY)
    assert share.overall.total == 15 + 4 + 300


def test_registration_rate_counts_the_households_registered_this_year(commune):
    from workflows.nominations.models import Title
    from workflows.nominations.selectors import registration_rate
    from workflows.nominations.services import candidates_register, dossier_create

    c = commune
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=datetime.date(2026, 2, 2),
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households[:9])
    rate = registration_rate(unit=c.commune, year=2026, title=Title.CULTURAL_FAMILY)
    row = next(r for r in rate.rows if r.unit == c.village)
    assert (row.total, row.recognised) == (12, 9)
    assert row.share == 75
    assert rate.target is None
