"""Covenant targets checked against the recognitions recorded in the nominations process."""

from __future__ import annotations

from decimal import Decimal

import pytest

from approvals.organisation.models import UnitKind
from tests.emulation.conftest import YEAR, D
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from workflows.emulation.models import TargetKind
from workflows.emulation.selectors import target_results
from workflows.emulation.services import TargetSpec, bloc_year_create, targets_set
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState, Title

pytestmark = pytest.mark.django_db


def _recorded(p, dept, *, title, year=YEAR, units=(), people=(), state=CandidateState.RECOGNISED):
    """What the department's decided dossier recorded (the nominations tests cover the road)."""
    dossier = Dossier.objects.create(
        title=title,
        year=year,
        proposing_unit=dept,
        deciding_unit=dept,
        started_on=D(year, 12, 1),
        state=DossierState.DECIDED,
        created_by=p.heads[dept.code],
    )
    Candidate.objects.bulk_create(
        [Candidate(dossier=dossier, title=title, year=year, unit=u, state=state) for u in units]
        + [
            Candidate(dossier=dossier, title=title, year=year, person=u, state=state)
            for u in people
        ]
    )


def test_division_and_staff_shares_are_read_from_recorded_recognitions(vinh_phuc):
    p = vinh_phuc
    yt, bdt = p.units["YT"], p.units["BDT"]
    division = {}
    for dept, names in (
        (yt, ("Văn phòng Sở", "Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược")),
        (bdt, ("Văn phòng Ban", "Phòng Chính sách")),
    ):
        for name in names:
            kind = UnitKind.DEPARTMENT_OFFICE if name.startswith("Văn phòng") else UnitKind.DIVISION
            division[(dept.code, name)] = OrgUnitFactory(
                name=name, code="P", kind=kind, parent=dept
            )
    # a division closed before the year's end is not counted
    OrgUnitFactory(
        name="Phòng cũ", code="PC", kind=UnitKind.DIVISION, parent=bdt, valid_to=D(YEAR, 6, 30)
    )
    staff = []
    for n in range(3):
        user = UserFactory(username=f"yt_staff{n}")
        PositionFactory(
            user=user,
            unit=division[("YT", "Phòng Nghiệp vụ Y")],
            role=p.roles["drafter"],
            valid_from=D(2019, 1, 1),
        )
        staff.append(user)

    # Sở Y tế: all three divisions recognised; Ban Dân tộc: one of two, the other only proposed
    _recorded(
        p,
        yt,
        title=Title.ADVANCED_COLLECTIVE,
        units=[u for (code, _n), u in division.items() if code == "YT"],
    )
    _recorded(p, bdt, title=Title.ADVANCED_COLLECTIVE, units=[division[("BDT", "Văn phòng Ban")]])
    _recorded(
        p,
        p.units["GDĐT"],
        title=Title.ADVANCED_COLLECTIVE,
        units=[division[("BDT", "Phòng Chính sách")]],
        state=CandidateState.PROPOSED,
    )
    # a recognition of the year before does not count
    _recorded(
        p,
        bdt,
        title=Title.ADVANCED_COLLECTIVE,
        year=YEAR - 1,
        units=[division[("BDT", "Phòng Chính sách")]],
    )
    # Sở Y tế's head and two of the three staff hold "Lao động tiên tiến"
    _recorded(p, yt, title=Title.ADVANCED_WORKER, people=[p.heads["YT"], *staff[:2]])

    by = bloc_year_create(
        user=p.heads["BDT"], bloc=p.bloc, year=YEAR, leader=bdt, deputy=yt, members=p.members
    )
    targets_set(
        bloc_year=by,
        user=p.heads["BDT"],
        targets=[
            TargetSpec("Phát động phong trào thi đua"),
            TargetSpec(
                "100% phòng, đơn vị đạt Tập thể lao động tiên tiến",
                TargetKind.DIVISION_TITLE_SHARE,
                Title.ADVANCED_COLLECTIVE,
                100,
            ),
            TargetSpec(
                "Trên 75% CCVC-LĐ đạt Lao động tiên tiến",
                TargetKind.STAFF_TITLE_SHARE,
                Title.ADVANCED_WORKER,
                "75",
            ),
        ],
    )

    results = {(r.target.kind, r.unit.code): r for r in target_results(by)}
    assert len(results) == 2 * 9  # the statement target has no figure
    divisions_yt = results[(TargetKind.DIVISION_TITLE_SHARE, "YT")]
    assert (divisions_yt.held, divisions_yt.total, divisions_yt.met) == (3, 3, True)
    divisions_bdt = results[(TargetKind.DIVISION_TITLE_SHARE, "BDT")]
    assert (divisions_bdt.held, divisions_bdt.total, divisions_bdt.met) == (1, 2, False)
    assert divisions_bdt.share == Decimal(50)
    # a member without divisions has nothing to show and does not meet the target
    assert results[(TargetKind.DIVISION_TITLE_SHARE, "PTTH")].total == 0
    assert not results[(TargetKind.DIVISION_TITLE_SHARE, "PTTH")].met
    staff_yt = results[(TargetKind.STAFF_TITLE_SHARE, "YT")]
    assert (staff_yt.held, staff_yt.total) == (3, 4)  # the head and three staff
    assert staff_yt.met  # 75% reaches the 75% target


def test_target_results_take_a_fixed_number_of_queries(vinh_phuc, django_assert_max_num_queries):
    p = vinh_phuc
    by = bloc_year_create(
        user=p.heads["BDT"],
        bloc=p.bloc,
        year=YEAR,
        leader=p.units["BDT"],
        deputy=p.units["YT"],
        members=p.members,
    )
    targets_set(
        bloc_year=by,
        user=p.heads["BDT"],
        targets=[
            TargetSpec("A", TargetKind.DIVISION_TITLE_SHARE, Title.ADVANCED_COLLECTIVE, 100),
            TargetSpec("B", TargetKind.STAFF_TITLE_SHARE, Title.ADVANCED_WORKER, 100),
        ],
    )
    for dept in p.members:
        for n in range(4):
            OrgUnitFactory(name=f"Phòng {n}", code=f"P{n}", kind=UnitKind.DIVISION, parent=dept)
    with django_assert_max_num_queries(6):
        assert len(target_results(by)) == 18
