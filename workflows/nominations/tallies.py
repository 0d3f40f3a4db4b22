"""The tallies behind the dashboard's shares: counting them afresh, checking, repairing.

The database keeps :class:`~workflows.nominations.models.RecognitionTally` and
:class:`~workflows.nominations.models.HouseholdTally` with triggers on the candidates and
the households (migration 0008; they follow every write, bulk or raw). Here they are
compared with a fresh count of the rows (``verify_integrity``) and recomputed
(``manage.py rebuild_tallies``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Household,
    HouseholdTally,
    RecognitionTally,
    Title,
)

#: The triggers of migration 0008, per table (``partition_by_province`` checks they are kept).
CANDIDATE_TRIGGERS = (
    "nominations_tally_candidate_insert",
    "nominations_tally_candidate_update",
    "nominations_tally_candidate_delete",
)
HOUSEHOLD_TRIGGERS = (
    "nominations_tally_household_insert",
    "nominations_tally_household_update",
    "nominations_tally_household_delete",
)

#: A recognition tally's key: title, year, village id, province id.
Key = tuple[str, int, int, int]


@dataclass(frozen=True)
class Counts:
    """Both tallies: (registered, recognised) per key, households per village id."""

    recognition: dict[Key, tuple[int, int]]
    households: dict[int, int]


@dataclass(frozen=True)
class TallyProblem:
    """A tally that differs from a fresh count of the rows."""

    message: str


def counted() -> Counts:
    """Both tallies counted afresh from the candidates and the households (two queries)."""
    recognition = {
        (row["title"], row["year"], row["village"], row["province_id"]): (
            row["registered"],
            row["recognised"],
        )
        for row in Candidate.objects.filter(household__isnull=False)
        .order_by()
        .values("title", "year", "province_id", village=F("household__village_id"))
        .annotate(
            registered=Count("pk"),
            recognised=Count("pk", filter=Q(state=CandidateState.RECOGNISED)),
        )
    }
    households = {
        row["village_id"]: row["households"]
        for row in Household.objects.order_by()
        .values("village_id")
        .annotate(households=Count("pk"))
    }
    return Counts(recognition=recognition, households=households)


def stored() -> Counts:
    """Both tallies as the database keeps them (zero rows left out: they count nothing)."""
    recognition = {
        (t.title, t.year, t.village_id, t.province_id): (t.registered, t.recognised)
        for t in RecognitionTally.objects.exclude(registered=0, recognised=0)
    }
    households = dict(
        HouseholdTally.objects.exclude(households=0).values_list("village_id", "households")
    )
    return Counts(recognition=recognition, households=households)


def differences(kept: Counts, fresh: Counts) -> list[TallyProblem]:
    """What ``kept`` says differently from ``fresh``, one line per key."""
    problems = []
    for village in sorted(set(kept.households) | set(fresh.households)):
        have, want = kept.households.get(village, 0), fresh.households.get(village, 0)
        if have != want:
            problems.append(
                TallyProblem(
                    _("Household tally of unit %(village)s: %(have)d kept, %(want)d counted.")
                    % {"village": village, "have": have, "want": want}
                )
            )
    for key in sorted(set(kept.recognition) | set(fresh.recognition)):
        have_pair = kept.recognition.get(key, (0, 0))
        want_pair = fresh.recognition.get(key, (0, 0))
        if have_pair != want_pair:
            title, year, village, province = key
            problems.append(
                TallyProblem(
                    _(
                        "Recognition tally of %(title)s %(year)d in unit %(village)s "
                        "(province %(province)s): %(have_registered)d registered and "
                        "%(have_recognised)d recognised kept, %(registered)d and "
                        "%(recognised)d counted."
                    )
                    % {
                        "title": dict(Title.choices).get(title, title),
                        "year": year,
                        "village": village,
                        "province": province,
                        "have_registered": have_pair[0],
                        "have_recognised": have_pair[1],
                        "registered": want_pair[0],
                        "recognised": want_pair[1],
                    }
                )
            )
    return problems


def tallies_verify() -> list[TallyProblem]:
    """The tallies against a fresh count (on PostgreSQL both read from one snapshot, unless
    a transaction is open already)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return differences(stored(), counted())
    return differences(stored(), counted())


@transaction.atomic
def tallies_rebuild() -> list[TallyProblem]:
    """Recompute both tallies from the rows; return what was wrong (now repaired).

    Writes to the candidates and households wait meanwhile (PostgreSQL ``SHARE`` locks),
    so no trigger adds to a count being replaced.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {Candidate._meta.db_table}, {Household._meta.db_table} IN SHARE MODE"
            )
            cursor.execute(
                f"LOCK TABLE {RecognitionTally._meta.db_table}, "
                f"{HouseholdTally._meta.db_table} IN EXCLUSIVE MODE"
            )
    fresh = counted()
    problems = differences(stored(), fresh)
    if not problems:
        return []
    RecognitionTally.objects.all().delete()
    HouseholdTally.objects.all().delete()
    RecognitionTally.objects.bulk_create(
        (
            RecognitionTally(
                title=title,
                year=year,
                village_id=village,
                province_id=province,
                registered=registered,
                recognised=recognised,
            )
            for (title, year, village, province), (registered, recognised) in sorted(
                fresh.recognition.items()
            )
        ),
        batch_size=2000,
    )
    HouseholdTally.objects.bulk_create(
        (
            HouseholdTally(village_id=village, households=households)
            for village, households in sorted(fresh.households.items())
        ),
        batch_size=2000,
    )
    return problems


__all__ = [
    "CANDIDATE_TRIGGERS",
    "HOUSEHOLD_TRIGGERS",
    "Counts",
    "TallyProblem",
    "counted",
    "differences",
    "stored",
    "tallies_rebuild",
    "tallies_verify",
]
