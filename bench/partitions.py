"""Country scale: a province's dashboard and decision read only its partition.

Run from the repository root (PostgreSQL; not a test, nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/approvals_perf \\
        python bench/partitions.py --provinces 10 --households 50000

On a throwaway database: ``--provinces`` provinces of ``--communes`` communes and
``--villages`` villages each, ``--households`` households per province, and server-side
one "Gia đình văn hóa" dossier per village and year for two years with a candidate per
household (last year decided and recognised; this year spread over the steps, a fifth of
the villages' lists proposed and waiting for the decision): 2 x provinces x households
candidates.

The same reads and the same decision run first on the plain tables, then after
``manage.py partition_by_province --apply`` (timed): the secretary's shares of one
province (per commune, one commune, the registration rate: households' titles, read from
the tallies, no candidate partition; the share of villages, read from the candidates), a
dossier's candidate counts, and a decision's bulk ``UPDATE`` recognising a village's
proposed households (run in a transaction rolled back after each repeat). For each: the
median time on each layout, and from ``EXPLAIN (ANALYZE, BUFFERS)`` on the partitioned
layout the partitions whose nodes ran (the goal: at most one), with the plans printed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, result, setup_django, table
from bench.plans_flow import bench_database_url, throwaway_database

YEAR = 2026
CANDIDATES = "nominations_candidate"


class Rollback(Exception):
    """Undo a measured decision."""


def build(provinces: int, communes: int, villages: int, households: int) -> list[Any]:
    """The provinces (ORM, for their paths), then households, dossiers and candidates
    server-side. Returns the province units."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from approvals.organisation.models import OrgUnit, UnitKind
    from workflows.nominations.models import CandidateState, DossierState, Title

    user = get_user_model().objects.create(username="bench_secretary")
    roots = []
    for p in range(provinces):
        province = OrgUnit.objects.create(
            name=f"Tỉnh {p + 1}", code="UBND", kind=UnitKind.PROVINCE, place_name=f"Tỉnh {p + 1}"
        )
        roots.append(province)
        for k in range(communes):
            commune = OrgUnit.objects.create(
                name=f"Xã {p + 1}.{k + 1}", code="UBND", kind=UnitKind.COMMUNE, parent=province
            )
            for v in range(max(1, villages // communes)):
                OrgUnit.objects.create(
                    name=f"Thôn {p + 1}.{k + 1}.{v + 1}",
                    code="TT",
                    kind=UnitKind.VILLAGE,
                    parent=commune,
                )
    per_village = max(1, households // villages)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO nominations_household (village_id, code, head_name, address, "
            "member_count) SELECT v.id, 'H' || v.id || '-' || g, 'Hộ ' || g, '', 4 "
            "FROM approvals_org_orgunit v, generate_series(1, %s) g WHERE v.kind = %s",
            [per_village, UnitKind.VILLAGE],
        )
        for year in (YEAR - 1, YEAR):
            cursor.execute(
                "INSERT INTO nominations_dossier (title, year, proposing_unit_id, "
                "deciding_unit_id, started_on, regulation_versions, created_by_id, state, "
                "late_reason, created_at) SELECT %s, %s, v.id, v.parent_id, %s, '[]', %s, "
                "CASE WHEN %s < %s THEN %s ELSE (ARRAY[%s, %s, %s, %s, %s])[v.id %% 5 + 1] END, "
                "'', now() FROM approvals_org_orgunit v WHERE v.kind = %s",
                [
                    Title.CULTURAL_FAMILY,
                    year,
                    datetime.date(year, 10, 1),
                    user.pk,
                    year,
                    YEAR,
                    DossierState.DECIDED,
                    DossierState.REGISTRATION,
                    DossierState.POSTING,
                    DossierState.SUBMITTED,
                    DossierState.DECISION,
                    DossierState.DECIDED,
                    UnitKind.VILLAGE,
                ],
            )
        # each candidate carries its province: the first id of the village's path
        cursor.execute(
            "INSERT INTO nominations_candidate (dossier_id, province_id, title, year, "
            "household_id, state, objection, achievement_report, consecutive_years, "
            "revocation_ground, revocation_note) SELECT d.id, "
            "split_part(v.path, '/', 2)::bigint, d.title, d.year, h.id, "
            "CASE WHEN d.state = %s THEN %s WHEN d.state = %s THEN %s ELSE %s END, "
            "'', '', CASE WHEN d.state = %s THEN 1 ELSE 0 END, '', '' "
            "FROM nominations_dossier d JOIN approvals_org_orgunit v ON v.id = d.proposing_unit_id "
            "JOIN nominations_household h ON h.village_id = d.proposing_unit_id",
            [
                DossierState.DECIDED,
                CandidateState.RECOGNISED,
                DossierState.DECISION,
                CandidateState.PROPOSED,
                CandidateState.REGISTERED,
                DossierState.DECIDED,
            ],
        )
        for name in ("nominations_candidate", "nominations_dossier", "nominations_household"):
            cursor.execute(f"VACUUM ANALYZE {name}")
    return roots


def chairman(dossier: Any) -> Any:
    """The authority of the deciding commune's chairman (the events go to its chain)."""
    from approvals.organisation.models import Position
    from approvals.organisation.resolver import Authority, Basis

    position = Position(unit=dossier.deciding_unit, basis="")
    return Authority(basis=Basis.ROLE, capacity="TM", position=position, description="bench")


def reads(province: Any) -> dict[str, Callable[[], Any]]:
    """The province's reads over candidates and its decision's UPDATE (rolled back)."""
    from django.db import transaction

    from approvals.organisation.models import OrgUnit, UnitKind
    from workflows.nominations import services
    from workflows.nominations.models import Dossier, DossierState, Title
    from workflows.nominations.selectors import (
        dossier_candidate_counts,
        recognition_share,
        registration_rate,
    )

    commune = OrgUnit.objects.filter(parent=province, kind=UnitKind.COMMUNE).order_by("pk")[1]
    waiting = (
        Dossier.objects.select_related("proposing_unit", "deciding_unit")
        .filter(
            state=DossierState.DECISION,
            year=YEAR,
            proposing_unit__path__startswith=province.path,
        )
        .order_by("pk")
    )
    dossier = waiting[0]

    def decide() -> None:
        try:
            with transaction.atomic():
                # the decision's UPDATE and its audit events, as dossier_decide runs them
                services._recognise(dossier, None, chairman(dossier))
                raise Rollback
        except Rollback:
            pass

    return {
        "share, province by commune": lambda: recognition_share(
            unit=province, year=YEAR - 1, title=Title.CULTURAL_FAMILY
        ),
        "share, one commune": lambda: recognition_share(
            unit=commune, year=YEAR - 1, title=Title.CULTURAL_FAMILY
        ),
        "registration rate, province": lambda: registration_rate(
            unit=province, year=YEAR, title=Title.CULTURAL_FAMILY
        ),
        # a title held by villages is counted from the candidates, not from the tallies
        "share of villages, province": lambda: recognition_share(
            unit=province, year=YEAR - 1, title=Title.CULTURAL_VILLAGE
        ),
        "dossier page: candidate counts": lambda: dossier_candidate_counts(dossier),
        "decision: bulk UPDATE (recognise)": decide,
    }


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, list[str]]:
    """Median milliseconds, and the statements over candidates of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm
    with CaptureQueriesContext(connection) as captured:
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    sql = [q["sql"] for q in captured.captured_queries if CANDIDATES in q["sql"]]
    return 1000 * statistics.median(samples), sql


def explain(sql: str) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of ``sql``; a write is rolled back."""
    from django.db import connection, transaction

    lines: list[str] = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql)
            lines = [r[0] for r in cursor.fetchall()]
            raise Rollback
    except Rollback:
        pass
    return lines


_PARTITION = re.compile(rf"\b{CANDIDATES}_(p\d+|default)\b")


def touched(plan: list[str]) -> tuple[set[str], set[str]]:
    """Partitions named in ``plan``, and those whose nodes ran (not "never executed")."""
    named, ran = set(), set()
    for line in plan:
        for match in _PARTITION.finditer(line):
            named.add(match.group(1))
            if "never executed" not in line:
                ran.add(match.group(1))
    return named, ran


def main(argv: list[str] | None = None) -> int:
    """Build, measure on both layouts, print the table, the plans and the RESULT."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provinces", type=int, default=10)
    parser.add_argument("--households", type=int, default=50_000, help="per province")
    parser.add_argument("--communes", type=int, default=10, help="per province")
    parser.add_argument("--villages", type=int, default=100, help="per province")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--province", type=int, default=3, help="which one is measured (1-n)")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/partitions.py needs DATABASE_URL=postgres://…")
        return 2
    setup_django(bench_database_url(url))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import translation

    name = str(settings.DATABASES["default"]["NAME"])
    print(f"database: {name} (throwaway); load {load()}", flush=True)
    with throwaway_database(connection.vendor, name):
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        roots = build(args.provinces, args.communes, args.villages, args.households)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {CANDIDATES}")
            candidates = int(cursor.fetchone()[0])
        province = roots[min(args.province, len(roots)) - 1]
        print(
            f"  {len(roots)} provinces, {candidates:,} candidates "
            f"({candidates // len(roots):,} per province) built in "
            f"{time.perf_counter() - started:.0f} s; measured: {province.name} "
            f"(id {province.pk}); load {load()}",
            flush=True,
        )
        plain: dict[str, float] = {}
        plain_plans: dict[str, list[str]] = {}
        for label, fn in reads(province).items():
            plain[label], sql = measure(fn, args.repeat)
            plain_plans[label] = explain(max(sql, key=len)) if sql else []
        started = time.perf_counter()
        with translation.override("en"):
            call_command("partition_by_province", "--apply", stdout=sys.stdout)
        seconds = time.perf_counter() - started
        print(f"  partition_by_province --apply: {seconds:.1f} s; load {load()}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass", [CANDIDATES]
            )
            total = int(cursor.fetchone()[0])
            cursor.execute("VACUUM ANALYZE " + CANDIDATES)
        rows: list[dict[str, Any]] = []
        plans: dict[str, list[str]] = {}
        for label, fn in reads(province).items():
            ms, sql = measure(fn, args.repeat)
            plan: list[str] = []
            for statement in sql:
                plan += [f"-- {statement[:90]}…", *explain(statement)]
            named, ran = touched(plan)
            plans[label] = plan
            rows.append(
                {
                    "read": label,
                    "plain_ms": round(plain[label], 2),
                    "partitioned_ms": round(ms, 2),
                    "partitions_named": len(named),
                    "partitions_read": len(ran),
                    "read_names": sorted(ran),
                    "partitions": total,
                    "statements": len(sql),
                    "load": load(),
                }
            )
        # one decision for real: where its audit events went
        from workflows.nominations import services
        from workflows.nominations.models import Dossier, DossierState

        dossier = (
            Dossier.objects.select_related("proposing_unit", "deciding_unit")
            .filter(state=DossierState.DECISION, proposing_unit__path__startswith=province.path)
            .order_by("pk")
            .last()
        )
        with transaction.atomic():
            services._recognise(dossier, None, chairman(dossier))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tableoid::regclass::text, count(*) FROM approvals_audit_auditevent "
                "GROUP BY 1 ORDER BY 1"
            )
            events = cursor.fetchall()
        print(
            f"  a decision of {dossier.proposing_unit.name}: its events by audit partition: "
            + ", ".join(f"{name} {count:,}" for name, count in events),
            flush=True,
        )
    print()
    print(
        table(
            [("read (one province)", "plain ms", "partitioned ms", "partitions read", "load")]
            + [
                (
                    r["read"],
                    f"{r['plain_ms']:.1f}",
                    f"{r['partitioned_ms']:.1f}",
                    f"{r['partitions_read']} of {r['partitions']} ({', '.join(r['read_names'])})",
                    r["load"],
                )
                for r in rows
            ]
        )
    )
    for label, plan in plans.items():
        print(f"\nplans of “{label}” (partitioned), every statement over candidates:")
        for line in plan:
            print(f"    {line}")
    for label, plan in plain_plans.items():
        print(f"\nplan of the main statement of “{label}” (plain table), for comparison:")
        for line in plan:
            print(f"    {line}")
    result(
        "partitions",
        provinces=args.provinces,
        candidates=candidates,
        partition_seconds=round(seconds, 1),
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
