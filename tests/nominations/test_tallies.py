"""The tallies behind the shares follow every write (database triggers, both databases).

Registration, the meeting, the decision in bulk, a revocation, deletions of candidates and
dossiers, raw SQL, households added, moved and deleted: after each, the tallies equal a
fresh count and the share equals the direct count over households and candidates that it
replaced (``_members``). ``rebuild_tallies`` repairs a tampered tally and
``verify_integrity`` names it.
"""

from __future__ import annotations

import datetime
import random
from io import StringIO
from typing import cast

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q
from django.utils import translation

from approvals.organisation.models import OrgUnit, UnitKind
from tests.factories import OrgUnitFactory, UserFactory
from tests.nominations.test_dashboard import decided, open_dossier, to_posting, village
from tests.nominations.timeline import today_is
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Dossier,
    Household,
    HouseholdTally,
    RecognitionTally,
    Title,
)
from workflows.nominations.selectors import _members, _tallied, recognition_share
from workflows.nominations.services import candidate_revoke
from workflows.nominations.tallies import tallies_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
FAMILY = Title.CULTURAL_FAMILY


def direct(unit: OrgUnit, year: int, *, registered: bool) -> dict[str, tuple[int, int]]:
    """The share's counts per area as the dashboard counted them before the tallies."""
    return {
        row["area"]: (row["total"], row["held"])
        for row in _members(FAMILY, unit, D(year, 12, 31), registered=registered)
        .order_by()
        .values("area")
        .annotate(total=Count("pk"), held=Count("pk", filter=Q(held=True)))
    }


def assert_counts_right(*units: OrgUnit, years: tuple[int, ...] = (2025, 2026)) -> None:
    """The tallies equal a fresh count; the shares under ``units`` equal the direct count."""
    assert tallies_verify() == []
    for unit in units:
        for year in years:
            for registered in (False, True):
                assert _tallied(FAMILY, unit, year, registered=registered) == direct(
                    unit, year, registered=registered
                ), (unit, year, registered)


def tally(unit: OrgUnit, year: int = 2026) -> tuple[int, int]:
    """(registered, recognised) of the cultural family in ``unit``'s households."""
    row = RecognitionTally.objects.filter(title=FAMILY, year=year, village=unit).first()
    return (row.registered, row.recognised) if row else (0, 0)


def households(unit: OrgUnit) -> int:
    row = HouseholdTally.objects.filter(village=unit).first()
    return row.households if row else 0


def test_the_tallies_follow_registration_decision_and_revocation(commune, org):
    c = commune
    assert households(c.village) == 12
    assert tally(c.village) == (0, 0)
    # registered, then voted (two fail the meeting) and posted: still 12 registered
    dossier = to_posting(c.village, c.village_head, votes_against=2)
    assert tally(c.village) == (12, 0)
    assert_counts_right(org.province, c.commune, c.village)
    # the decision recognises the ten in one statement
    from workflows.nominations.services import (
        decision_issue,
        dossier_accept,
        dossier_decide,
        dossier_submit,
    )

    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(2026, 10, 20))
    dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 20))
    decision_issue(dossier=dossier, user=c.clerk, on=D(2026, 10, 20))
    assert tally(c.village) == (12, 10)
    share = recognition_share(unit=c.commune, year=2026, title=FAMILY)
    assert {r.unit.pk: (r.total, r.recognised) for r in share.rows}[c.village.pk] == (12, 10)
    # a revocation takes one title away, the registration stays
    candidate_revoke(
        candidate=dossier.candidates.filter(state=CandidateState.RECOGNISED).first(),
        user=c.chairman,
        ground="false_documents",
        note="Kết luận thanh tra số 12/KL-UBND",
    )
    assert tally(c.village) == (12, 9)
    assert_counts_right(org.province, c.commune, c.village)


def test_deleted_candidates_and_dossiers_are_no_longer_counted(commune, org):
    c = commune
    x2, head2 = village(c.commune, "Thôn Thượng", 5)
    dossier = decided(c, c.village, c.village_head)
    other = open_dossier(x2, head2)
    assert (tally(c.village), tally(x2)) == ((12, 12), (5, 0))
    # one candidate withdrawn (its row deleted), then the other village's whole dossier
    dossier.candidates.order_by("pk").first().delete()
    assert tally(c.village) == (11, 11)
    Dossier.objects.filter(pk=other.pk).delete()
    assert tally(x2) == (0, 0)
    # raw SQL, around the ORM: a state changed and a row deleted
    table = connection.ops.quote_name(Candidate._meta.db_table)
    first, second = dossier.candidates.order_by("pk").values_list("pk", flat=True)[:2]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET state = %s WHERE id = %s", ["refused", first])
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [second])
    assert tally(c.village) == (10, 9)
    assert_counts_right(org.province, c.commune, c.village, x2)


def test_rows_deleted_after_their_tallies_leave_no_tally_behind(commune):
    # given registered candidates, counted in the tallies
    c = commune
    to_posting(c.village, c.village_head)
    assert tally(c.village) == (12, 0)
    assert households(c.village) == 12
    # when the tallies are emptied first and the rows they counted deleted after them
    # (the order a test database's flush may take on SQLite)
    RecognitionTally.objects.all().delete()
    HouseholdTally.objects.all().delete()
    residents = Household.residents.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM nominations_candidate")
        cursor.execute(f"DELETE FROM {residents}")
        cursor.execute("DELETE FROM nominations_household")
    # then a deletion created no tally (a negative one would point at units deleted next)
    assert not RecognitionTally.objects.exists()
    assert not HouseholdTally.objects.exists()


def test_households_added_moved_and_deleted(commune, org):
    c = commune
    x2, _head2 = village(c.commune, "Thôn Thượng", 3)
    decided(c, c.village, c.village_head)
    assert (households(c.village), households(x2)) == (12, 3)
    # a household with a recognised title moves to x2: its title is counted there now
    moving = c.households[0]
    moving.village = x2
    moving.save()
    assert (households(c.village), households(x2)) == (11, 4)
    assert (tally(c.village), tally(x2)) == ((11, 11), (1, 1))
    # a bulk move of two more, then a household without candidates added and deleted
    Household.objects.filter(pk__in=[h.pk for h in c.households[1:3]]).update(village=x2)
    assert (tally(c.village), tally(x2)) == ((9, 9), (3, 3))
    new = Household.objects.create(village=x2, code="N-1", head_name="Đỗ Văn Mới")
    assert households(x2) == 7
    new.delete()
    assert households(x2) == 6
    assert_counts_right(org.province, c.commune, c.village, x2)


def _random_province(rng: random.Random) -> tuple[OrgUnit, list[OrgUnit]]:
    """A province of 2 communes x 3 villages, households, two years of dossiers (rows only)."""
    province = cast(
        OrgUnit, OrgUnitFactory(name="Tỉnh Hà Giang", code="UBND", kind=UnitKind.PROVINCE)
    )
    user = UserFactory()
    villages: list[OrgUnit] = []
    for n in range(2):
        commune = OrgUnitFactory(name=f"Xã {n}", kind=UnitKind.COMMUNE, parent=province)
        for m in range(3):
            villages.append(
                OrgUnitFactory(name=f"Thôn {n}.{m}", kind=UnitKind.VILLAGE, parent=commune)
            )
    states = list(CandidateState.values)
    for unit in villages:
        homes = Household.objects.bulk_create(
            Household(village=unit, code=f"{unit.pk}-{i}", head_name=f"Hộ {i}")
            for i in range(rng.randint(0, 25))
        )
        for year in (2025, 2026):
            if not homes or rng.random() < 0.2:
                continue
            dossier = Dossier.objects.create(
                title=FAMILY,
                year=year,
                proposing_unit=unit,
                deciding_unit=unit.parent,
                started_on=D(year, 10, 1),
                created_by=user,
            )
            Candidate.objects.bulk_create(
                Candidate(
                    dossier=dossier,
                    title=FAMILY,
                    year=year,
                    household=home,
                    state=rng.choice(states),
                )
                for home in rng.sample(homes, rng.randint(0, len(homes)))
            )
    return province, villages


def test_the_share_equals_the_direct_count_on_random_data(org):
    rng = random.Random(20269)
    province, villages = _random_province(rng)
    units = [province, *OrgUnit.objects.filter(kind=UnitKind.COMMUNE, parent=province), *villages]
    assert_counts_right(org.province, *units)
    # random changes: states in bulk, deletions, moves inside the province and out of it
    for _round in range(3):
        ids = list(Candidate.objects.values_list("pk", flat=True))
        Candidate.objects.filter(pk__in=rng.sample(ids, len(ids) // 3)).update(
            state=rng.choice(list(CandidateState.values))
        )
        Candidate.objects.filter(pk__in=rng.sample(ids, len(ids) // 10)).delete()
        homes = list(Household.objects.filter(village__in=villages).values_list("pk", flat=True))
        for home in rng.sample(homes, 3):
            Household.objects.filter(pk=home).update(village=rng.choice(villages))
        # a household moves to the other province: its candidates stay this province's,
        # so they are not counted there (as the direct count, which names the province)
        Household.objects.filter(pk=rng.choice(homes)).update(village=org.village_y1)
        assert_counts_right(org.province, *units)


# --- repairing and checking ---------------------------------------------------------------------


def _tamper(unit: OrgUnit) -> None:
    table = connection.ops.quote_name(RecognitionTally._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET recognised = recognised + 7 WHERE village_id = %s", [unit.pk]
        )


def test_rebuild_tallies_repairs_a_tampered_tally(commune, org):
    c = commune
    decided(c, c.village, c.village_head)
    _tamper(c.village)
    HouseholdTally.objects.filter(village=c.village).delete()
    assert tally(c.village) == (12, 19)
    out = StringIO()
    with translation.override("en"):
        call_command("rebuild_tallies", stdout=out)
    assert "Repaired" in out.getvalue()
    assert "2 differences repaired" in out.getvalue()
    assert (tally(c.village), households(c.village)) == ((12, 12), 12)
    assert_counts_right(org.province, c.commune)
    # again: nothing to repair
    out = StringIO()
    with translation.override("en"):
        call_command("rebuild_tallies", stdout=out)
    assert "agree" in out.getvalue()


def test_verify_integrity_names_a_tampered_tally(commune):
    c = commune
    decided(c, c.village, c.village_head)
    out = StringIO()
    with translation.override("en"):
        call_command("verify_integrity", "--skip-plans", stdout=out, stderr=StringIO())
    assert "tallies agree" in out.getvalue()
    _tamper(c.village)
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("verify_integrity", "--skip-plans", stdout=StringIO(), stderr=StringIO())
    message = str(caught.value)
    assert f"Cultural family (household) 2026 in unit {c.village.pk}" in message, message
    assert "12 registered and 19 recognised kept, 12 and 12 counted" in message, message


def test_tallies_of_unit_titles_are_left_to_the_direct_count(commune, org):
    # a village title counts villages, not households: no tally rows, the share as before
    share = recognition_share(unit=org.province, year=2026, title=Title.CULTURAL_VILLAGE)
    assert {r.unit.pk: r.total for r in share.rows} == {org.commune_x.pk: 1, org.commune_y.pk: 1}
    assert not RecognitionTally.objects.exclude(title=FAMILY).exists()
