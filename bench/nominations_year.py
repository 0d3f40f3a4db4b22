"""A province's "Gia đình văn hóa" year through the services, beside one household at a time.

Run from the repository root (not a test; nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_dash \\
        python bench/nominations_year.py --households 500000 --villages 2000 --communes 200
    DATABASE_URL=... python bench/nominations_year.py --scale 0.1     # 50,000 households

It creates its own throwaway database (the name in ``DATABASE_URL`` plus ``_bench``; a
temporary SQLite file without ``DATABASE_URL``), migrates it and bulk-creates a province
with its communes, villages, households and the people of the cycle (a head per village;
a chairman, a culture officer and a records clerk per commune, whose decision register is
configured through the service). Then every village's dossier goes from registration to
the numbered decision through :mod:`workflows.nominations.services`: create, register all
households, the review meeting (2 % of households fail the vote), posting, submission,
appraisal, signature, numbering with every recognition. One dossier per village, proposed
to its commune: ten decisions per commune at the default shape.

The yardstick is the same candidate work done one household at a time, as a service
without bulk moves would: for a sample of households (whole villages, ``--sample``), in a
transaction per household and step, create the candidate or take its FSM transition, save
it and write its audit event with ``audit_record`` (the recognition also reads the
previous year's title). Its time is scaled to the full count. The yardstick leaves out
the per-dossier work (dossier, meeting, deadlines, signature, number), so the ratio
understates the gain.

Printed: per step the calls, seconds, mean milliseconds and SQL statements per call, the
households moved per second; the cycle's wall time; the yardstick per household, scaled;
the peak resident memory (``getrusage``); and the dashboard reads on the full data.

The province is built by :mod:`bench.nominations_province`, the year run by
:mod:`bench.nominations_cycle`, the yardstick by :mod:`bench.nominations_one_by_one`; this
script parses the options and prints the report.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import peak_rss_mb  # noqa: E402
from bench.nominations_cycle import VACUUM_EVERY, dashboard, maintain, run_year  # noqa: E402
from bench.nominations_one_by_one import one_at_a_time  # noqa: E402
from bench.nominations_province import YEAR, CommuneStaff, build_province, spread  # noqa: E402
from bench.plans_flow import bench_database_url, throwaway_database  # noqa: E402
from bench.step_meter import Meter  # noqa: E402


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as a text table, the first one a header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(bulk: Meter, rows: Meter, *, households: int, sample: int, wall: float) -> str:
    """The bulk steps beside the yardstick, scaled to the full count."""
    scale = households / sample
    out = [
        (
            "step",
            "calls",
            "s",
            "ms/call",
            "SQL/call",
            "households/s",
            "1-by-1 s (scaled)",
            "1-by-1 SQL/hh",
            "ratio",
        )
    ]
    for name in bulk.order:
        calls = bulk.calls[name]
        per_row = name in rows.calls
        one = rows.seconds[name] * scale if per_row else 0.0
        out.append(
            (
                name,
                f"{calls:,}",
                f"{bulk.seconds[name]:.1f}",
                f"{1000 * bulk.seconds[name] / calls:.1f}",
                f"{bulk.queries[name] / calls:.1f}",
                f"{bulk.rows[name] / bulk.seconds[name]:,.0f}" if bulk.rows[name] else "-",
                f"{one:,.0f}" if per_row else "-",
                f"{rows.queries[name] / sample:.1f}" if per_row else "-",
                f"{one / bulk.seconds[name]:.0f}x" if per_row else "-",
            )
        )
    one_total = rows.total * scale
    out.append(
        (
            "all steps",
            "",
            f"{bulk.total:.1f}",
            "",
            f"{sum(bulk.queries.values()):,} in all",
            f"{households / bulk.total:,.0f}",
            f"{one_total:,.0f}",
            f"{sum(rows.queries.values()) / sample:.1f}",
            f"{one_total / bulk.total:.1f}x",
        )
    )
    text = table(out)
    return (
        f"{text}\n\ncycle wall time {wall:.1f} s for {households:,} households "
        f"({households / wall:,.0f} households/s; services {bulk.total:.1f} s); "
        f"one household at a time: {rows.total:.1f} s for {sample:,} households, "
        f"{1000 * rows.total / sample:.2f} ms each, scaled to {one_total:,.0f} s "
        f"({one_total / 60:,.1f} min), {one_total / wall:.1f}x the bulk cycle's wall time"
    )


def main(argv: list[str] | None = None) -> int:
    """Set up Django on a throwaway database, build the province, run the year, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=500_000)
    parser.add_argument("--villages", type=int, default=2_000)
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the three counts (0.1: 50,000 households)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=2_000,
        help="households done one at a time (whole villages, at least this)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes sharing the communes (step times are then summed over workers)",
    )
    parser.add_argument(
        "--vacuum-every",
        type=int,
        default=100,
        help="VACUUM (ANALYZE) the rewritten tables every N villages (0: never; PostgreSQL)",
    )
    parser.add_argument("--verify", action="store_true", help="verify the audit chain at the end")
    args = parser.parse_args(argv)
    households = max(1, round(args.households * args.scale))
    villages = max(1, round(args.villages * args.scale))
    communes = max(1, round(args.communes * args.scale))

    default = f"sqlite:///{Path(tempfile.gettempdir()) / 'nominations_year.sqlite3'}"
    os.environ["DATABASE_URL"] = bench_database_url(os.environ.get("DATABASE_URL", default))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    database = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" and args.workers > 1:
        print("several workers need PostgreSQL (SQLite has one writer): using one")
        args.workers = 1
    print(
        f"database: {connection.vendor} {database} (throwaway); households: {households:,}; "
        f"villages: {villages:,}; communes: {communes:,}; workers: {args.workers}; "
        f"sample one at a time: {args.sample:,}",
        flush=True,
    )
    begun = time.perf_counter()
    with throwaway_database(connection.vendor, str(database)):
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        province = build_province(households=households, villages=villages, communes=communes)
        print(
            f"bulk-created {communes:,} communes, {villages:,} villages, {households:,} "
            f"households and their people: {time.perf_counter() - started:.1f} s "
            f"(peak memory {peak_rss_mb():,.0f} MiB)",
            flush=True,
        )

        maintain(tables=("nominations_household", "approvals_org_orgunit", "auth_user"))
        VACUUM_EVERY[0] = args.vacuum_every
        every = list(province.villages)
        started = time.perf_counter()
        bulk, moved = run_year(province, args.workers)
        wall = time.perf_counter() - started

        rows = Meter()
        sample: list[tuple[CommuneStaff, Any, Any]] = []
        size = 0
        for (staff, village, head), count in zip(every, spread(households, villages), strict=True):
            if size >= args.sample:
                break
            sample.append((staff, village, head))
            size += count
        started = time.perf_counter()
        with rows.counting():
            sampled = one_at_a_time(rows, sample, year=YEAR + 1)
        print(
            f"  one at a time: {sampled:,} households ({time.perf_counter() - started:.1f} s)",
            flush=True,
        )

        reads = Meter()
        with reads.counting():
            dashboard(reads, province)
        print()
        print(report(bulk, rows, households=moved, sample=sampled, wall=wall))
        print()
        print(
            table(
                [("dashboard read", "ms", "SQL")]
                + [
                    (name, f"{1000 * reads.seconds[name]:.0f}", str(reads.queries[name]))
                    for name in reads.order
                ]
            )
        )
        print()
        print(f"peak memory (max RSS): {peak_rss_mb():,.0f} MiB")
        if args.verify:
            from approvals.audit.models import AuditChain
            from approvals.audit.services import chain_verify

            started = time.perf_counter()
            reports = [
                chain_verify(chain=name)
                for name in AuditChain.objects.order_by("name").values_list("name", flat=True)
            ]
            print(
                f"chains verified: {all(r.ok for r in reports)}, {len(reports)} chains, "
                f"{sum(r.events_checked for r in reports):,} events "
                f"({time.perf_counter() - started:.1f} s)"
            )
    print(f"whole run: {time.perf_counter() - begun:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
