"""Numbers from one register under 8 concurrent workers, beside a bare counter.

Run from the repository root (PostgreSQL; not a test, nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/approvals_perf \\
        python bench/numbering.py --sizes 800,4000,16000 --workers 8

On a throwaway database: one commune whose decision register is configured through the
service. ``--workers`` forked processes (each its own connection) take numbers from that
one register with :func:`approvals.registers.services.number_issue` (the resolver's
check, the register row locked, the entry and its audit event, one transaction each)
until ``N`` are issued; then every number from 1 to N is checked to be there exactly once.
The baseline: the same workers, each transaction one ``UPDATE … RETURNING`` of a bare
counter row and one ``INSERT`` of the number, on the same database.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, result, setup_django, table
from bench.plans_flow import bench_database_url, throwaway_database

_STAFF: list[Any] = []


def _engine_worker(count: int) -> float:
    from django.db import connections

    from approvals.registers.models import DocumentKind
    from approvals.registers.services import number_issue
    from bench.nominations_province import YEAR

    connections.close_all()
    staff = _STAFF[0]
    kind = DocumentKind.objects.get(code="decision")
    started = time.perf_counter()
    for _ in range(count):
        number_issue(
            agency=staff.unit,
            kind=kind,
            issued_on=datetime.date(YEAR, 10, 20),
            user=staff.clerk,
            subject_summary="Công nhận danh hiệu Gia đình văn hóa",
        )
    return time.perf_counter() - started


def _bare_worker(count: int) -> float:
    from django.db import connection, connections, transaction

    connections.close_all()
    started = time.perf_counter()
    for _ in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n")
            number = cursor.fetchone()[0]
            cursor.execute("INSERT INTO bench_number (n) VALUES (%s)", [number])
    return time.perf_counter() - started


def _run(worker: Any, total: int, workers: int) -> float:
    from django.db import connections

    shares = [total // workers + (1 if i < total % workers else 0) for i in range(workers)]
    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(worker, shares)
    return time.perf_counter() - started


def _check(sql: str, total: int) -> tuple[int, int]:
    """(gaps, duplicates) among the numbers ``sql`` reads."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        numbers = [r[0] for r in cursor.fetchall()]
    duplicates = len(numbers) - len(set(numbers))
    gaps = len(set(range(1, total + 1)) - set(numbers))
    return gaps, duplicates


def main(argv: list[str] | None = None) -> int:
    """Each size on the same register (cumulative); print the table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="800,4000,16000")
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/numbering.py needs DATABASE_URL=postgres://…")
        return 2
    setup_django(bench_database_url(url))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.nominations_province import build_province

    name = str(settings.DATABASES["default"]["NAME"])
    print(f"database: {name} (throwaway); workers: {args.workers}; load {load()}", flush=True)
    rows = []
    with throwaway_database(connection.vendor, name):
        call_command("migrate", verbosity=0, interactive=False)
        province = build_province(households=10, villages=1, communes=1)
        _STAFF[:] = [province.communes[0]]
        issued = 0
        for size in [int(s) for s in args.sizes.split(",")]:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS bench_counter, bench_number")
                cursor.execute("CREATE TABLE bench_counter (id int PRIMARY KEY, n int NOT NULL)")
                cursor.execute("INSERT INTO bench_counter VALUES (1, 0)")
                cursor.execute("CREATE TABLE bench_number (id serial PRIMARY KEY, n int)")
            load_before = load()
            engine_s = _run(_engine_worker, size, args.workers)
            issued += size
            bare_s = _run(_bare_worker, size, args.workers)
            gaps, duplicates = _check(
                "SELECT e.number FROM approvals_registers_registerentry e", issued
            )
            bare_gaps, bare_dups = _check("SELECT n FROM bench_number", size)
            rows.append(
                {
                    "numbers": size,
                    "engine_s": round(engine_s, 2),
                    "engine_per_s": round(size / engine_s, 1),
                    "bare_s": round(bare_s, 2),
                    "bare_per_s": round(size / bare_s, 1),
                    "ratio": round(engine_s / bare_s, 2),
                    "register_total": issued,
                    "gaps": gaps,
                    "duplicates": duplicates,
                    "bare_gaps": bare_gaps,
                    "bare_duplicates": bare_dups,
                    "load": f"{load_before} → {load()}",
                }
            )
            print(f"  {size:,} numbers: done (load {load()})", flush=True)
        from approvals.audit.models import AuditChain
        from approvals.audit.services import chain_verify

        chains_ok = all(
            chain_verify(chain=n).ok for n in AuditChain.objects.values_list("name", flat=True)
        )
    print()
    print(
        table(
            [
                (
                    "numbers",
                    "engine s",
                    "numbers/s",
                    "bare s",
                    "bare numbers/s",
                    "engine/bare",
                    "register total",
                    "gaps",
                    "duplicates",
                    "load",
                )
            ]
            + [
                (
                    f"{r['numbers']:,}",
                    f"{r['engine_s']:.2f}",
                    f"{r['engine_per_s']:,.0f}",
                    f"{r['bare_s']:.2f}",
                    f"{r['bare_per_s']:,.0f}",
                    f"{r['ratio']:.2f}x",
                    f"{r['register_total']:,}",
                    str(r["gaps"]),
                    str(r["duplicates"]),
                    str(r["load"]),
                )
                for r in rows
            ]
        )
    )
    print(f"\nevery audit chain verified: {chains_ok}")
    result("numbering", workers=args.workers, sizes=rows, chains_ok=chains_ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
