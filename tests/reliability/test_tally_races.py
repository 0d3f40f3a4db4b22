"""Concurrent writes to the same tally rows (PostgreSQL, one connection per worker).

Two dossiers whose households live in the same two villages are recognised at the same
time, each in one bulk ``UPDATE`` held open a moment, while a third worker adds
households to those villages: the statement triggers upsert the same tally rows in key
order, so the writers queue instead of deadlocking, and the totals come out right.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.db import transaction

from tests.factories import OrgUnitFactory, UserFactory
from tests.reliability.conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = datetime.date
ROUNDS = 4
PER_VILLAGE = 15  # households of each village in each dossier


def test_two_dossiers_recognised_at_once_in_the_same_villages(seeded, org):
    from approvals.organisation.models import UnitKind
    from workflows.nominations.models import (
        Candidate,
        CandidateState,
        Dossier,
        Household,
        HouseholdTally,
        RecognitionTally,
        Title,
    )
    from workflows.nominations.tallies import tallies_verify

    commune = org.commune_x
    villages = [
        org.village_x1,
        OrgUnitFactory(name="Thôn Thượng", kind=UnitKind.VILLAGE, parent=commune),
    ]
    homes = {
        v.pk: Household.objects.bulk_create(
            Household(village=v, code=f"{v.pk}-{i}", head_name=f"Hộ {i}")
            for i in range(2 * PER_VILLAGE)
        )
        for v in villages
    }
    user = UserFactory()
    dossiers = []
    for n, proposing in enumerate(villages):
        dossier = Dossier.objects.create(
            title=Title.CULTURAL_FAMILY,
            year=2026,
            proposing_unit=proposing,
            deciding_unit=commune,
            started_on=D(2026, 10, 1),
            created_by=user,
        )
        # each dossier holds half of the households of both villages
        Candidate.objects.bulk_create(
            Candidate(
                dossier=dossier,
                title=dossier.title,
                year=2026,
                household=home,
                state=CandidateState.PROPOSED,
            )
            for v in villages
            for home in homes[v.pk][n * PER_VILLAGE : (n + 1) * PER_VILLAGE]
        )
        dossiers.append(dossier.pk)

    def recognise(dossier_id: int) -> int:
        with transaction.atomic():
            moved = Candidate.objects.filter(
                dossier_id=dossier_id, state=CandidateState.PROPOSED
            ).update(state=CandidateState.RECOGNISED)
            time.sleep(0.2)  # hold the tally rows while the other dossier waits for them
        return moved

    def add_households(round_: int) -> int:
        with transaction.atomic():
            Household.objects.bulk_create(
                Household(village=v, code=f"R{round_}-{v.pk}", head_name="Hộ mới")
                for v in reversed(villages)
            )
            time.sleep(0.1)
        return 2

    for round_ in range(ROUNDS):
        order = dossiers if round_ % 2 == 0 else dossiers[::-1]
        workers: list[list[tuple[Any, Any]]] = [[(pk, lambda pk=pk: recognise(pk))] for pk in order]
        workers.append([("households", lambda r=round_: add_households(r))])
        outcomes = race(workers)
        assert outcomes.errors == [], outcomes.errors[:3]
        assert sorted(result for key, result in outcomes.results if key != "households") == [
            2 * PER_VILLAGE,
            2 * PER_VILLAGE,
        ]
        for v in villages:
            row = RecognitionTally.objects.get(title=Title.CULTURAL_FAMILY, year=2026, village=v)
            assert (row.registered, row.recognised) == (2 * PER_VILLAGE, 2 * PER_VILLAGE)
            assert HouseholdTally.objects.get(village=v).households == 2 * PER_VILLAGE + round_ + 1
        assert tallies_verify() == []
        # back to proposed for the next round (one statement: the tallies follow it too)
        Candidate.objects.filter(dossier_id__in=dossiers).update(state=CandidateState.PROPOSED)
        assert set(
            RecognitionTally.objects.filter(year=2026).values_list("recognised", flat=True)
        ) == {0}
