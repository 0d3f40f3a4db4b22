"""The secretary's dashboard and a leader's inbox on up to 1,000,000 candidates.

Run from the repository root (PostgreSQL; not a test, nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/approvals_perf \\
        python bench/dashboards.py --sizes 10000,100000,1000000

On a throwaway database: a province of ``--communes`` communes and ``--villages``
villages with 100,000 households (fewer for smaller sizes), then, server-side, one
"Gia đình văn hóa" dossier per village and year with a candidate per household (10 years
at 1,000,000 candidates: 20,000 dossiers). Past years are decided and recognised; this
year's dossiers are spread over the steps, a fifth waiting for the chairman's decision.

For each size the reads run ``--repeat`` times (median server time, statements counted):
the steering committee secretary's dashboard (the pending list's first page, the counts
per step, the province's share per commune, one commune's share) and a commune
chairman's signing inbox (the decisions awaiting their signature, with each one's
candidate count, as the site's inbox page reads them). The PostgreSQL plans of the main
queries are printed at the largest size.
"""

from __future__ import annotations

import argparse
import datetime
import os
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


def grow(province: Any, candidates: int, households: int) -> int:
    """Add dossiers and candidates (server-side) until there are ``candidates``."""
    from django.db import connection

    from workflows.nominations.models import CandidateState, DossierState, Title

    per_year = households
    years = max(1, candidates // per_year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM nominations_candidate")
        have = int(cursor.fetchone()[0])
        if have >= candidates:
            return have
        # villages taken this year: enough for the households wanted (whole villages)
        cursor.execute(
            "SELECT v.id FROM approvals_org_orgunit v WHERE v.kind = 'village' ORDER BY v.id"
        )
        village_ids = [r[0] for r in cursor.fetchall()]
        share = min(1.0, candidates / per_year)
        villages_now = village_ids[: max(1, round(len(village_ids) * share))]
        wanted_years = list(range(YEAR - years + 1, YEAR + 1))
        cursor.execute("SELECT DISTINCT year FROM nominations_dossier")
        done_years = {r[0] for r in cursor.fetchall()}
        for year in wanted_years:
            if year in done_years and have:
                cursor.execute("SELECT count(*) FROM nominations_dossier WHERE year = %s", [year])
                if cursor.fetchone()[0] >= len(villages_now):
                    continue
            cursor.execute(
                "INSERT INTO nominations_dossier (title, year, proposing_unit_id, "
                "deciding_unit_id, started_on, regulation_versions, created_by_id, state, "
                "late_reason, created_at) "
                "SELECT %s, %s, v.id, v.parent_id, %s, '[]', %s, "
                "CASE WHEN %s < %s THEN %s ELSE (ARRAY[%s, %s, %s, %s, %s])[v.id %% 5 + 1] END, "
                "'', now() FROM approvals_org_orgunit v WHERE v.id = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM nominations_dossier d WHERE d.year = %s "
                "AND d.proposing_unit_id = v.id AND d.title = %s)",
                [
                    Title.CULTURAL_FAMILY,
                    year,
                    datetime.date(year, 10, 1),
                    province.secretary.pk,
                    year,
                    YEAR,
                    DossierState.DECIDED,
                    DossierState.REGISTRATION,
                    DossierState.POSTING,
                    DossierState.SUBMITTED,
                    DossierState.DECISION,
                    DossierState.DECIDED,
                    villages_now,
                    year,
                    Title.CULTURAL_FAMILY,
                ],
            )
            cursor.execute(
                "INSERT INTO nominations_candidate (dossier_id, province_id, title, year, "
                "household_id, state, objection, achievement_report, consecutive_years, "
                "revocation_ground, revocation_note) SELECT d.id, %s, d.title, d.year, h.id, "
                "CASE WHEN d.state = %s THEN %s ELSE %s END, '', '', 1, '', '' "
                "FROM nominations_dossier d JOIN nominations_household h "
                "ON h.village_id = d.proposing_unit_id WHERE d.year = %s AND NOT EXISTS "
                "(SELECT 1 FROM nominations_candidate c WHERE c.dossier_id = d.id)",
                [
                    province.unit.pk,
                    DossierState.DECIDED,
                    CandidateState.RECOGNISED,
                    CandidateState.REGISTERED,
                    year,
                ],
            )
        cursor.execute("VACUUM ANALYZE nominations_candidate")
        cursor.execute("VACUUM ANALYZE nominations_dossier")
        cursor.execute("SELECT count(*) FROM nominations_candidate")
        return int(cursor.fetchone()[0])


def reads(province: Any) -> dict[str, Callable[[], Any]]:
    """The dashboard's and the inbox's reads, as the pages make them."""
    from project.views import PAGE_SIZE, _decisions_awaiting
    from workflows.nominations.models import Title
    from workflows.nominations.selectors import (
        dossier_counts_by_step,
        dossier_list_pending,
        recognition_share,
    )

    day = datetime.date(YEAR, 11, 1)
    commune = province.communes[0]
    return {
        "secretary: pending list, first page": lambda: list(
            dossier_list_pending(user=province.secretary, day=day)[:PAGE_SIZE]
        ),
        "secretary: counts per step": lambda: dossier_counts_by_step(
            user=province.secretary, day=day
        ),
        "secretary: share, one commune": lambda: recognition_share(
            unit=commune.unit, year=YEAR - 1, title=Title.CULTURAL_FAMILY
        ),
        "secretary: share, province by commune": lambda: recognition_share(
            unit=province.unit, year=YEAR - 1, title=Title.CULTURAL_FAMILY
        ),
        "chairman: decisions to sign, first page": lambda: list(
            _decisions_awaiting(commune.chairman, day)[:PAGE_SIZE]
        ),
    }


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, int, list[str]]:
    """Median milliseconds, statements per call, and the SQL of one call."""
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
    sql = [q["sql"] for q in captured.captured_queries]
    return 1000 * statistics.median(samples), len(sql), sql


def explain(sql: str) -> list[str]:
    """The plan PostgreSQL chooses for ``sql`` (run, with its real row counts)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql)
        return [r[0] for r in cursor.fetchall()]


def main(argv: list[str] | None = None) -> int:
    """Grow the data through the sizes; measure; print tables, plans and the RESULT."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=2_000)
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    households = min(args.households, max(sizes))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/dashboards.py needs DATABASE_URL=postgres://…")
        return 2
    setup_django(bench_database_url(url))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.nominations_province import build_province

    name = str(settings.DATABASES["default"]["NAME"])
    print(f"database: {name} (throwaway); load {load()}", flush=True)
    rows: list[dict[str, Any]] = []
    plans: dict[str, list[str]] = {}
    with throwaway_database(connection.vendor, name):
        call_command("migrate", verbosity=0, interactive=False)
        province = build_province(
            households=households, villages=args.villages, communes=args.communes
        )
        for size in sizes:
            count = grow(province, size, households)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM nominations_dossier")
                dossiers = int(cursor.fetchone()[0])
            print(f"  {count:,} candidates, {dossiers:,} dossiers (load {load()})", flush=True)
            for label, fn in reads(province).items():
                ms, statements, sql = measure(fn, args.repeat)
                rows.append(
                    {
                        "read": label,
                        "candidates": count,
                        "dossiers": dossiers,
                        "median_ms": round(ms, 2),
                        "statements": statements,
                        "load": load(),
                    }
                )
                if size == sizes[-1]:
                    # the read's main query: the longest one over candidates or dossiers
                    over = [q for q in sql if "nominations_" in q] or sql
                    main_sql = max(over, key=len)
                    plans[label] = explain(main_sql)
    print()
    print(
        table(
            [("read", "candidates", "dossiers", "median ms", "SQL", "load")]
            + [
                (
                    r["read"],
                    f"{r['candidates']:,}",
                    f"{r['dossiers']:,}",
                    f"{r['median_ms']:.1f}",
                    str(r["statements"]),
                    r["load"],
                )
                for r in rows
            ]
        )
    )
    seq = {
        label: any("Seq Scan on nominations_candidate" in line for line in plan)
        for label, plan in plans.items()
    }
    for label, plan in plans.items():
        print(f"\nplan of the main query of “{label}” at {sizes[-1]:,} candidates:")
        for line in plan:
            print(f"    {line}")
    print()
    for label, has in seq.items():
        print(f"sequential scan over candidates in “{label}”: {'YES' if has else 'no'}")
    result("dashboards", rows=rows, seq_scan_on_candidates=seq)
    return 0


if __name__ == "__main__":
    sys.exit(main())
