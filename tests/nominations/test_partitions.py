"""Candidates and audit events partitioned by province (country scale, issue 9).

The partition keys are filled on every insert (both databases). On PostgreSQL,
``partition_by_province --apply`` turns both tables into LIST-partitioned tables inside
the test's transaction (DDL rolls back with it): the cycle then works and answers as
before, a province's share and its decision's UPDATE read its partition only, and the
command is idempotent.
"""

from __future__ import annotations

import datetime
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from approvals.audit.models import AuditChain, AuditEvent
from approvals.audit.services import chain_verify
from approvals.organisation.models import UnitKind
from tests.factories import OrgUnitFactory, UserFactory
from tests.nominations.test_dashboard import to_posting
from tests.nominations.timeline import today_is
from workflows.nominations.models import Candidate, CandidateState, Dossier, Household, Title
from workflows.nominations.selectors import dossier_candidate_counts, recognition_share
from workflows.nominations.services import (
    candidate_revoke,
    decision_issue,
    dossier_accept,
    dossier_decide,
    dossier_submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
CANDIDATES = Candidate._meta.db_table
EVENTS = AuditEvent._meta.db_table


def _cycle(c: Any, year: int, *, capture: bool = False) -> tuple[Dossier, list[str]]:
    """One village's year, registration to decision; the decision's SQL when captured."""
    dossier = to_posting(c.village, c.village_head, year=year)
    dossier_submit(dossier=dossier, user=c.village_head, on=D(year, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    with CaptureQueriesContext(connection) as captured:
        today_is(D(year, 10, 24))
        dossier_decide(dossier=dossier, user=c.chairman, on=D(year, 10, 24))
        decision_issue(dossier=dossier, user=c.clerk, on=D(year, 10, 24))
    dossier.refresh_from_db()
    return dossier, [q["sql"] for q in captured.captured_queries] if capture else []


def _other_province() -> int:
    """A second province with one village, one dossier and its candidates (rows only)."""
    province = OrgUnitFactory(name="Tỉnh Lạng Sơn", code="UBND", kind=UnitKind.PROVINCE)
    commune = OrgUnitFactory(name="Xã Hữu Lũng", kind=UnitKind.COMMUNE, parent=province)
    village = OrgUnitFactory(name="Thôn Đồng Tâm", kind=UnitKind.VILLAGE, parent=commune)
    households = Household.objects.bulk_create(
        Household(village=village, code=f"L{i:03d}", head_name=f"Lê Văn {i}") for i in range(5)
    )
    dossier = Dossier.objects.create(
        title=Title.CULTURAL_FAMILY,
        year=2025,
        proposing_unit=village,
        deciding_unit=commune,
        started_on=D(2025, 10, 1),
        created_by=UserFactory(),
    )
    Candidate.objects.bulk_create(
        Candidate(
            dossier=dossier,
            title=dossier.title,
            year=2025,
            household=h,
            state=CandidateState.RECOGNISED,
        )
        for h in households
    )
    return int(province.pk)


def _answers(c: Any, dossier: Dossier) -> dict[str, Any]:
    share = recognition_share(unit=c.org.province, year=dossier.year, title=Title.CULTURAL_FAMILY)
    return {
        "states": sorted(Candidate.objects.values_list("household__code", "year", "state")),
        "years": sorted(
            Candidate.objects.values_list("household__code", "year", "consecutive_years")
        ),
        "counts": dossier_candidate_counts(dossier),
        "share": [(r.unit.pk, r.total, r.recognised) for r in share.rows],
        "events": AuditEvent.objects.count(),
        "chain": chain_verify().ok,
    }


def _partitions_in(plan: list[str]) -> set[str]:
    return set(re.findall(rf"\b(?:{CANDIDATES}|{EVENTS})_(?:p\d+|default)\b", "\n".join(plan)))


def _explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (COSTS OFF) " + sql)
        return [row[0] for row in cursor.fetchall()]


def _apply() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("partition_by_province", "--apply", stdout=out)
    return out.getvalue()


# --- both databases -------------------------------------------------------------------------


def test_keys_are_filled_on_insert(commune):
    c = commune
    dossier, _sql = _cycle(c, 2026)
    province = c.org.province.pk
    assert set(Candidate.objects.values_list("province_id", flat=True)) == {province}
    assert dossier.root_unit_id == province
    # the main chain's events are in partition 0
    assert set(AuditEvent.objects.values_list("partition", flat=True)) == {0}
    # a chain per unit: its head and its events carry the unit's province
    # (the second event on PostgreSQL takes the one-statement path, from the head this
    # process remembers: it must keep the chain's partition too)
    with override_settings(APPROVALS_AUDIT_CHAIN_DEPTH=2):
        for candidate in dossier.candidates.order_by("pk")[:2]:
            candidate_revoke(
                candidate=candidate,
                user=c.chairman,
                ground="false_documents",
                note="Kết luận thanh tra số 12/KL-UBND",
            )
    chain = AuditChain.objects.get(name=f"unit-{c.commune.pk}")
    assert chain.partition == province
    assert list(AuditEvent.objects.filter(chain=chain).values_list("partition", flat=True)) == [
        province,
        province,
    ]
    assert chain_verify(chain=chain.name).ok


def test_single_candidate_saves_take_the_dossiers_province(commune):
    c = commune
    dossier, _sql = _cycle(c, 2026)
    Candidate.objects.all().delete()
    one = Candidate.objects.create(
        dossier=Dossier.objects.get(pk=dossier.pk),
        title=dossier.title,
        year=dossier.year,
        household=c.households[0],
    )
    assert one.province_id == c.org.province.pk


def test_the_command_refuses_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for other databases")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("partition_by_province", "--apply", stdout=StringIO())


# --- PostgreSQL: the partitioned layout -------------------------------------------------------


@pytest.mark.postgres
def test_cycle_gives_the_same_answers_after_partitioning(commune):
    c = commune
    other = _other_province()
    first, _sql = _cycle(c, 2025)
    before = _answers(c, first)
    out = _apply()
    assert "partitioned" in out
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY 1",
            [CANDIDATES],
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names == sorted(
        [f"{CANDIDATES}_default", f"{CANDIDATES}_p{c.org.province.pk}", f"{CANDIDATES}_p{other}"]
    )
    # the copied rows answer as before
    assert _answers(c, first) == before
    # the next year runs on the partitioned tables: register, vote, decide, revoke
    second, decision_sql = _cycle(c, 2026, capture=True)
    recognised = second.candidates.filter(state=CandidateState.RECOGNISED)
    assert recognised.count() == len(c.households)
    assert set(recognised.values_list("consecutive_years", flat=True)) == {2}
    revoked = candidate_revoke(
        candidate=recognised.first(),
        user=c.chairman,
        ground="false_documents",
        note="Kết luận thanh tra số 12/KL-UBND",
    )
    assert revoked.state == CandidateState.REVOKED
    after = _answers(c, second)
    assert after["counts"] == {
        CandidateState.RECOGNISED: len(c.households) - 1,
        CandidateState.REVOKED: 1,
    }
    assert after["chain"]
    # new rows continue the id sequence
    assert min(second.candidates.values_list("pk", flat=True)) > max(
        first.candidates.values_list("pk", flat=True)
    )
    assert decision_sql  # used by the plan test below through the same path


@pytest.mark.postgres
def test_a_provinces_share_and_decision_read_its_partition_only(commune):
    c = commune
    _other_province()
    _cycle(c, 2025)
    _apply()
    mine = f"{CANDIDATES}_p{c.org.province.pk}"
    # the secretary's share of households per commune reads the tallies, no candidate
    with CaptureQueriesContext(connection) as captured:
        recognition_share(unit=c.org.province, year=2025, title=Title.CULTURAL_FAMILY)
    assert not [q for q in captured.captured_queries if CANDIDATES in q["sql"]]
    # a share of units counts candidates: its query over them names one partition
    with CaptureQueriesContext(connection) as captured:
        recognition_share(unit=c.org.province, year=2025, title=Title.CULTURAL_VILLAGE)
    over = [q["sql"] for q in captured.captured_queries if CANDIDATES in q["sql"]]
    assert over
    for sql in over:
        assert _partitions_in(_explain(sql)) == {mine}
    # the decision's bulk UPDATE: its target and the lookup in the province read one
    # partition; the fallback lookup in the other provinces comes after it (SubPlan 2)
    _dossier, decision = _cycle(c, 2026, capture=True)
    update = next(q for q in decision if q.startswith(f'UPDATE "{CANDIDATES}"'))
    plan = _explain(update)
    text = "\n".join(plan)
    head, _fallback = text.split("SubPlan 2", 1)
    assert _partitions_in(head.splitlines()) == {mine}
    # the events of a chain per unit go to the province's partition of the audit table
    with override_settings(APPROVALS_AUDIT_CHAIN_DEPTH=1):
        candidate_revoke(
            candidate=Candidate.objects.filter(state=CandidateState.RECOGNISED, year=2026).first(),
            user=c.chairman,
            ground="false_documents",
            note="Kết luận thanh tra số 12/KL-UBND",
        )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{EVENTS}_p{c.org.province.pk}"')
        assert cursor.fetchone()[0] == 1
    assert chain_verify(chain=f"unit-{c.org.province.pk}").ok


@pytest.mark.postgres
def test_the_command_is_idempotent_and_adds_new_provinces(commune):
    c = commune
    _cycle(c, 2025)
    with pytest.raises(CommandError):
        call_command("partition_by_province", "--check", stdout=StringIO())
    _apply()
    again = _apply()
    assert "partitioned by province" in again
    assert "partitioned by province_id" not in again  # nothing converted twice
    call_command("partition_by_province", "--check", stdout=StringIO())
    # a new province: its rows wait in the default partition until the command moves them
    other = _other_province()
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{CANDIDATES}_default"')
        assert cursor.fetchone()[0] == 5
    with pytest.raises(CommandError):
        call_command("partition_by_province", "--check", stdout=StringIO())
    out = _apply()
    assert str(other) in out
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{CANDIDATES}_default"')
        assert cursor.fetchone()[0] == 0
        cursor.execute(f'SELECT count(*) FROM "{CANDIDATES}_p{other}"')
        assert cursor.fetchone()[0] == 5
    call_command("partition_by_province", "--check", stdout=StringIO())
    # moving the rows between partitions left the tallies as they were (right)
    from workflows.nominations.tallies import tallies_verify

    assert tallies_verify() == []


@pytest.mark.postgres
def test_references_to_partitioned_rows_stay_checked(commune):
    c = commune
    _cycle(c, 2025)
    _apply()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SAVEPOINT bad_reference")
        with pytest.raises(IntegrityError):
            cursor.execute(
                "INSERT INTO approvals_audit_signature (subject_type, subject_id, revision, "
                "signer_id, capacity, signature_block, authority, signed_at, content_sha256, "
                "audit_event_id) VALUES ('x', '1', '', %s, '', '', '', now(), '', 999999)",
                [c.chairman.pk],
            )
        cursor.execute("ROLLBACK TO SAVEPOINT bad_reference")
        # a referenced event cannot be removed behind Django's back
        cursor.execute("SELECT audit_event_id FROM approvals_audit_signature LIMIT 1")
        signed = cursor.fetchone()[0]
        cursor.execute("SAVEPOINT bad_delete")
        with pytest.raises(IntegrityError):
            cursor.execute(f'DELETE FROM "{EVENTS}" WHERE id = %s', [signed])
        cursor.execute("ROLLBACK TO SAVEPOINT bad_delete")


@pytest.mark.postgres
def test_the_tallies_follow_candidates_after_partitioning(commune):
    from workflows.nominations.models import RecognitionTally
    from workflows.nominations.tallies import CANDIDATE_TRIGGERS, tallies_verify

    c = commune
    _other_province()
    _cycle(c, 2025)
    _apply()
    # the tally triggers are on the partitioned table, and the layout check knows them
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [CANDIDATES],
        )
        assert set(CANDIDATE_TRIGGERS) <= {row[0] for row in cursor.fetchall()}
    call_command("partition_by_province", "--check", stdout=StringIO())
    # the next year's cycle on the partitioned table moves the tally: registered, then
    # recognised in bulk, then one revoked
    _second, _sql = _cycle(c, 2026)
    row = RecognitionTally.objects.get(title=Title.CULTURAL_FAMILY, year=2026, village=c.village)
    assert (row.registered, row.recognised) == (len(c.households), len(c.households))
    candidate_revoke(
        candidate=Candidate.objects.filter(year=2026, state=CandidateState.RECOGNISED).first(),
        user=c.chairman,
        ground="false_documents",
        note="Kết luận thanh tra số 12/KL-UBND",
    )
    row.refresh_from_db()
    assert row.recognised == len(c.households) - 1
    share = recognition_share(unit=c.org.province, year=2026, title=Title.CULTURAL_FAMILY)
    assert share.overall.recognised == len(c.households) - 1
    assert tallies_verify() == []
    # a lost trigger is reported by the layout check
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER {CANDIDATE_TRIGGERS[1]} ON "{CANDIDATES}"')
    with translation.override("en"):
        out = StringIO()
        call_command("partition_by_province", stdout=out)
    assert f"trigger {CANDIDATE_TRIGGERS[1]} is missing" in out.getvalue()
