"""One transition through the engine beside a bare UPDATE + INSERT transaction.

Run from the repository root (PostgreSQL; not a test, nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/approvals_perf python bench/transition.py

On its own throwaway database (the name plus ``_bench``), with a document table holding
each of ``--sizes`` rows in turn, it takes ``--transitions`` documents from draft to
submitted with :func:`approvals.transitions.transition_perform` (the resolver's check,
the FSM change with django-fsm-2's optimistic save, one hash-chained audit event, the
commit), and as many with the baseline: one transaction with one ``UPDATE`` of the same
row and one ``INSERT`` of a row shaped like an audit event into a table ``LIKE`` the audit
table (same columns and indexes, no chain, no hash computed). The two alternate one by
one, so the machine's other load falls on both alike.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Counter, load, result, setup_django, table
from bench.plans_flow import bench_database_url, throwaway_database

ACTION = "testapp.submit_document"
_INDEX = itertools.count(1)


def prepare() -> tuple[Any, Any]:
    """A province, a head with a position there, the action and its rule."""
    from django.contrib.auth import get_user_model

    from approvals.organisation.models import (
        Action,
        ActionKind,
        ActionRule,
        OrgUnit,
        Position,
        Reach,
        Role,
        UnitKind,
    )

    unit = OrgUnit(name="UBND tỉnh Bắc Giang", code="UBND", kind=UnitKind.PROVINCE)
    unit.save()
    user = get_user_model().objects.create(
        username="ct_tinh", first_name="Sơn", last_name="Hoàng Văn"
    )
    role = Role.objects.get(code="commune_chairman")
    Position.objects.create(user=user, unit=unit, role=role, valid_from=datetime.date(2020, 1, 1))
    action, _created = Action.objects.get_or_create(
        code=ACTION, defaults={"name": "Trình văn bản", "kind": ActionKind.PREPARE}
    )
    ActionRule.objects.get_or_create(action=action, role=role, reach=Reach.SAME_UNIT)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare_event (LIKE approvals_audit_auditevent "
            "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
    return unit, user


def fill(unit: Any, user: Any, rows: int) -> None:
    """Grow the document table to ``rows`` drafts (server-side, one statement)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM testapp_document")
        have = cursor.fetchone()[0]
        if rows > have:
            cursor.execute(
                "INSERT INTO testapp_document (unit_id, author_id, title, body, state) "
                "SELECT %s, %s, 'Kế hoạch số ' || n, '', 'draft' "
                "FROM generate_series(%s, %s) AS n",
                [unit.pk, user.pk, have + 1, rows],
            )
        cursor.execute("VACUUM ANALYZE testapp_document")


def bare(doc_id: int, index: int, user: Any) -> None:
    """The baseline: one UPDATE and one INSERT in one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE testapp_document SET state = %s WHERE id = %s AND state = %s",
            ["submitted", doc_id, "draft"],
        )
        cursor.execute(
            "INSERT INTO bench_bare_event (chain_id, index, created_at, actor_id, actor_label, "
            "capacity, authority, action, subject_type, subject_id, subject_label, from_state, "
            "to_state, comment, content_hash, payload, prev_hash, hash) VALUES "
            "(1, %s, %s, %s, %s, '', %s, %s, 'testapp.document', %s, %s, 'draft', "
            "'submitted', '', %s, '{}', %s, %s)",
            [
                index,
                timezone.now(),
                user.pk,
                "Hoàng Văn Sơn",
                "Chủ tịch, UBND tỉnh Bắc Giang",
                ACTION,
                str(doc_id),
                f"Kế hoạch số {doc_id}",
                "a" * 64,
                "b" * 64,
                "c" * 64,
            ],
        )


def run_size(unit: Any, user: Any, rows: int, count: int) -> dict[str, Any]:
    """``count`` engine transitions and ``count`` bare ones on a table of ``rows``."""
    from approvals.transitions import transition_perform
    from tests.testapp.models import Document

    fill(unit, user, rows)
    # spread the documents taken over the whole table
    ids = list(
        Document.objects.filter(state="draft")
        .order_by("?")
        .values_list("pk", flat=True)[: 2 * count + 21]
    )
    warm, ids = ids[:20], ids[20:]
    docs = Document.objects.select_related("unit").in_bulk(ids[:count] + warm[:10])
    for pk in warm[:10]:
        transition_perform(obj=docs[pk], transition="submit", user=user, action=ACTION)
    for pk in warm[10:]:
        bare(pk, next(_INDEX), user)
    engine_s: list[float] = []
    bare_s: list[float] = []
    engine_sql = Counter()
    bare_sql = Counter()
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
    for n in range(count):
        doc = docs[ids[n]]
        with engine_sql.counting():
            if profile is not None:
                profile.enable()
            started = time.perf_counter()
            transition_perform(obj=doc, transition="submit", user=user, action=ACTION)
            engine_s.append(time.perf_counter() - started)
            if profile is not None:
                profile.disable()
        with bare_sql.counting():
            started = time.perf_counter()
            bare(ids[count + n], next(_INDEX), user)
            bare_s.append(time.perf_counter() - started)
    if profile is not None:
        import pstats

        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        print(f"slowest statements of the engine:\n{engine_sql.slowest()}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    extra = Document.objects.select_related("unit").get(pk=ids[-1])
    with CaptureQueriesContext(connection) as captured:
        transition_perform(obj=extra, transition="submit", user=user, action=ACTION)
    statements = [q["sql"][:110] for q in captured.captured_queries]
    e, b = statistics.median(engine_s), statistics.median(bare_s)
    return {
        "rows": rows,
        "engine_ms": round(1000 * e, 3),
        "bare_ms": round(1000 * b, 3),
        "engine_mean_ms": round(1000 * statistics.mean(engine_s), 3),
        "bare_mean_ms": round(1000 * statistics.mean(bare_s), 3),
        "ratio": round(e / b, 2),
        "engine_sql": engine_sql.count / count,
        "bare_sql": bare_sql.count / count,
        "load": load(),
        "statements": statements,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure each size; print the table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--transitions", type=int, default=500)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/transition.py needs DATABASE_URL=postgres://…")
        return 2
    setup_django(bench_database_url(url))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    name = str(settings.DATABASES["default"]["NAME"])
    print(f"database: {name} (throwaway); transitions per size: {args.transitions}; load {load()}")
    with throwaway_database(connection.vendor, name):
        call_command("migrate", verbosity=0, interactive=False)
        unit, user = prepare()
        rows = []
        for size in sizes:
            rows.append(run_size(unit, user, size, args.transitions))
            print(f"  {size:,} rows: done (load {load()})", flush=True)
        from approvals.audit.services import chain_verify

        verified = chain_verify().ok
    print()
    print(
        table(
            [
                (
                    "documents",
                    "engine ms (median)",
                    "bare ms (median)",
                    "ratio",
                    "engine SQL",
                    "bare SQL",
                    "load",
                )
            ]
            + [
                (
                    f"{r['rows']:,}",
                    f"{r['engine_ms']:.2f}",
                    f"{r['bare_ms']:.2f}",
                    f"{r['ratio']:.2f}x",
                    f"{r['engine_sql']:.0f}",
                    f"{r['bare_sql']:.0f}",
                    r["load"],
                )
                for r in rows
            ]
        )
    )
    print("\nthe engine's statements for one transition:")
    for sql in rows[-1]["statements"]:
        print(f"  {sql}")
    print(f"\naudit chain verified after the run: {verified}")
    result("transition", sizes=rows, chain_ok=verified)
    return 0


if __name__ == "__main__":
    sys.exit(main())
