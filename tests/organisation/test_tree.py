"""The organisation tree: subtree queries, moves and reorganisations keeping history."""

from __future__ import annotations

import datetime

import pytest

from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit, UnitKind
from approvals.reorganisation import unit_reorganise
from tests.factories import OrgUnitFactory


def test_units_under_a_unit_come_from_one_query(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = {u.name for u in OrgUnit.objects.under(org.province)}
    assert len(names) == 9
    assert {u.pk for u in OrgUnit.objects.under(org.dept_a)} == {org.dept_a.pk, org.division_a.pk}
    assert org.dept_a.pk not in {
        u.pk for u in OrgUnit.objects.under(org.dept_a, include_self=False)
    }


def test_ancestors_are_read_from_the_path(org):
    assert org.village_x1.ancestor_ids == [org.province.pk, org.commune_x.pk, org.village_x1.pk]
    assert org.village_x1.depth == 2
    assert list(OrgUnit.objects.ancestors_of(org.village_x1)) == [
        org.province,
        org.commune_x,
        org.village_x1,
    ]


def test_moving_a_unit_moves_its_subtree_in_one_update(org):
    # given commune X (with its village) moved under department B (a correction)
    org.commune_x.parent = org.dept_b
    org.commune_x.save()
    # then the village's path follows
    village = OrgUnit.objects.get(pk=org.village_x1.pk)
    assert village.ancestor_ids == [org.province.pk, org.dept_b.pk, org.commune_x.pk, village.pk]
    assert village.depth == 3
    assert village.is_within(org.dept_b)


def test_a_unit_cannot_be_put_under_its_own_descendant(org):
    org.commune_x.parent = org.village_x1
    with pytest.raises(ValidationFailed):
        org.commune_x.save()


def test_reorganisation_keeps_the_old_tree_for_earlier_dates(org):
    # given a district with two communes (as before 1 July 2025)
    district = OrgUnitFactory(
        name="Huyện Lạng Giang", code="UBND", kind=UnitKind.DISTRICT, parent=org.province
    )
    a = OrgUnitFactory(name="Xã Tân Thịnh", kind=UnitKind.COMMUNE, parent=district)
    b = OrgUnitFactory(name="Xã Dĩnh Trì", kind=UnitKind.COMMUNE, parent=district)
    OrgUnitFactory(name="Thôn Bãi", kind=UnitKind.VILLAGE, parent=a)
    # when the two communes merge into one directly under the province on 01/07/2025
    merged = unit_reorganise(
        predecessors=[a, b],
        effective_from=datetime.date(2025, 7, 1),
        user=org.director_a,
        name="Xã Tân Dĩnh Mới",
        code="UBND",
        kind=UnitKind.COMMUNE,
        parent=org.province,
    )
    # then on 30/06/2025 the old communes and their village exist under the district
    before = {u.name for u in OrgUnit.objects.under(district).active_on(datetime.date(2025, 6, 30))}
    assert before == {"Huyện Lạng Giang", "Xã Tân Thịnh", "Xã Dĩnh Trì", "Thôn Bãi"}
    # and from 01/07/2025 the merged commune holds a successor of the village
    after = {u.name for u in OrgUnit.objects.under(merged).active_on(datetime.date(2025, 7, 1))}
    assert after == {"Xã Tân Dĩnh Mới", "Thôn Bãi"}
    assert set(merged.predecessors.all()) == {a, b}
    assert OrgUnit.objects.get(pk=a.pk).valid_to == datetime.date(2025, 6, 30)


def test_reorganising_a_unit_that_no_longer_exists_is_refused(org):
    gone = OrgUnitFactory(
        name="Xã cũ",
        kind=UnitKind.COMMUNE,
        parent=org.province,
        valid_to=datetime.date(2020, 12, 31),
    )
    with pytest.raises(ValidationFailed):
        unit_reorganise(
            predecessors=[gone],
            effective_from=datetime.date(2025, 7, 1),
            user=org.director_a,
            name="X",
            code="UBND",
            kind=UnitKind.COMMUNE,
            parent=org.province,
        )
    assert not OrgUnit.objects.filter(name="X").exists()
