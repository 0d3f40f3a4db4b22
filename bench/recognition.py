"""One decision recognising N households, beside bare bulk SQL and one process per household.

Run from the repository root (PostgreSQL; not a test, nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/approvals_perf \\
        python bench/recognition.py --sizes 1000,10000,100000

For each size, on a throwaway database of its own (the name plus ``_bench``): one village
of N households goes through :mod:`workflows.nominations.services` up to the signed
decision, then :func:`decision_issue` is measured: the register's next number, every
proposed candidate recognised with its consecutive years counted in the database, one
hash-chained audit event per household, the dossier's transition, one transaction.

The baseline on the same rows: one ``UPDATE`` of the same candidates to the same state and
one bulk ``INSERT`` of as many rows shaped like audit events (a table ``LIKE`` the audit
table, with its indexes; constant hashes, none computed) in one transaction.

The yardstick: one viewflow process per household (``bench.flows.HouseholdFlow``): start,
then its one human step under the process lock (assign, start, the resolver's check, the
candidate's FSM transition with the previous year's title read, its audit event,
complete), on a sample of ``--sample`` households, scaled to N.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Counter, load, result, setup_django, table
from bench.plans_flow import bench_database_url, throwaway_database

D = __import__("datetime").date


def _vacuum(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def _up_to_decision(staff: Any, village: Any, head: Any) -> Any:
    """The village's dossier through the services, up to the signed decision."""
    from bench.nominations_province import YEAR
    from workflows.nominations.models import Household, Title
    from workflows.nominations.services import (
        candidates_register,
        dossier_accept,
        dossier_create,
        dossier_decide,
        dossier_submit,
        meeting_record,
        posting_open,
    )

    households = list(Household.objects.filter(village=village).order_by("pk"))
    dossier = dossier_create(
        user=head, title=Title.CULTURAL_FAMILY, year=YEAR, proposing_unit=village, on=D(YEAR, 10, 1)
    )
    created = candidates_register(dossier=dossier, user=head, households=households)
    meeting_record(
        dossier=dossier,
        user=head,
        held_on=D(YEAR, 10, 5),
        invited=40,
        present=32,
        votes={c.pk: 30 for c in created},
        chaired_by="Trưởng thôn",
    )
    posting_open(dossier=dossier, user=head, on=D(YEAR, 10, 6))
    dossier_submit(dossier=dossier, user=head, on=D(YEAR, 10, 17))
    dossier_accept(dossier=dossier, user=staff.officer)
    dossier_decide(dossier=dossier, user=staff.chairman, on=D(YEAR, 10, 20))
    return dossier


def _bare(ids: list[int], user: Any) -> None:
    """Bulk UPDATE of the same rows and a bulk INSERT of as many event-shaped rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    n = len(ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE nominations_candidate SET state = 'recognised', consecutive_years = 1 "
            "WHERE id = ANY(%s)",
            [ids],
        )
        for start in range(0, n, 2000):
            chunk = ids[start : start + 2000]
            k = len(chunk)
            cursor.execute(
                "INSERT INTO bench_bare_event (chain_id, index, created_at, actor_id, "
                "actor_label, capacity, authority, action, subject_type, subject_id, "
                "subject_label, from_state, to_state, comment, content_hash, payload, "
                "prev_hash, hash) SELECT 1, i, %s, %s, %s, '', %s, %s, "
                "'nominations.candidate', s, '', 'proposed', 'recognised', '', '', '{}', "
                "%s, %s FROM unnest(%s::bigint[], %s::text[]) AS e(i, s)",
                [
                    now,
                    user.pk,
                    "Nguyễn Văn",
                    "Văn thư, UBND xã",
                    "nominations.number_decision",
                    "b" * 64,
                    "c" * 64,
                    list(range(start + 1, start + k + 1)),
                    [str(i) for i in chunk],
                ],
            )


def _one_by_one(ids: list[int], staff: Any) -> float:
    """Each candidate in its own viewflow process; seconds for all of them."""
    from django.db import transaction
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from approvals.audit.services import audit_record
    from approvals.organisation.resolver import require
    from bench.flows import HouseholdFlow
    from bench.nominations_one_by_one import row_candidate_model
    from workflows.nominations.models import CandidateState
    from workflows.nominations.services import NUMBER

    row_model = row_candidate_model()
    s = CandidateState
    started = time.perf_counter()
    for pk in ids:
        process = HouseholdFlow.start.run(_process_data={"candidate": pk})
        with transaction.atomic(), HouseholdFlow.lock(process.pk):
            task = Task.objects.select_related("process").get(
                process_id=process.pk, flow_task=HouseholdFlow.recognise, status=STATUS.NEW
            )
            activation = HouseholdFlow.recognise.activation_class(task)
            authority = require(staff.clerk, NUMBER, unit=staff.unit)
            activation.assign(staff.clerk)
            activation.start(None)
            row = row_model.objects.select_for_update().get(pk=pk)
            before = (
                row_model.objects.filter(
                    title=row.title,
                    year=row.year - 1,
                    household_id=row.household_id,
                    state=s.RECOGNISED,
                )
                .values_list("consecutive_years", flat=True)
                .first()
            )
            row.consecutive_years = (before or 0) + 1
            row.recognise()
            row.save()
            audit_record(
                actor=staff.clerk,
                action=NUMBER,
                subject=("nominations.candidate", str(pk), ""),
                from_state=s.PROPOSED,
                to_state=s.RECOGNISED,
                authority=authority,
            )
            activation.execute()
    return time.perf_counter() - started


def run_size(households: int, sample: int) -> dict[str, Any]:
    """Build, bring to the decision, measure the engine, the baseline, the yardstick."""
    from django.db import connection

    from approvals.audit.services import chain_verify
    from bench.nominations_province import YEAR, build_province
    from workflows.nominations.models import Candidate, CandidateState
    from workflows.nominations.services import decision_issue

    province = build_province(households=households, villages=1, communes=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare_event (LIKE approvals_audit_auditevent INCLUDING DEFAULTS "
            "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
    staff = province.communes[0]
    village, head = staff.villages[0]
    started = time.perf_counter()
    dossier = _up_to_decision(staff, village, head)
    setup_s = time.perf_counter() - started
    ids = list(
        Candidate.objects.filter(dossier=dossier, state=CandidateState.PROPOSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _vacuum("nominations_candidate", "approvals_audit_auditevent")
    counter = Counter()
    load_before = load()
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    with counter.counting():
        started = time.perf_counter()
        decision_issue(dossier=dossier, user=staff.clerk, on=D(YEAR, 10, 20))
        engine_s = time.perf_counter() - started
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile).sort_stats("cumtime").print_stats(30)
    engine_sql = counter.count
    if os.environ.get("BENCH_PROFILE"):
        print(f"slowest statements of the engine ({households:,}):\n{counter.slowest()}")
    recognised = Candidate.objects.filter(dossier=dossier, state=CandidateState.RECOGNISED).count()
    _vacuum("nominations_candidate", "bench_bare_event")
    counter = Counter()
    with counter.counting():
        started = time.perf_counter()
        _bare(ids, staff.clerk)
        bare_s = time.perf_counter() - started
    bare_sql = counter.count
    # the yardstick's sample, proposed again (setup, not measured)
    sampled = ids[: min(sample, len(ids))]
    Candidate.objects.filter(pk__in=sampled).update(state=CandidateState.PROPOSED)
    one_s = _one_by_one(sampled, staff)
    per_household = one_s / len(sampled)
    scaled = per_household * households
    verified = chain_verify(chain="main").ok and all(
        chain_verify(chain=name).ok
        for name in __import__(
            "approvals.audit.models", fromlist=["AuditChain"]
        ).AuditChain.objects.values_list("name", flat=True)
    )
    return {
        "households": households,
        "recognised": recognised,
        "setup_s": round(setup_s, 2),
        "engine_s": round(engine_s, 3),
        "bare_s": round(bare_s, 3),
        "ratio": round(engine_s / bare_s, 2),
        "engine_sql": engine_sql,
        "bare_sql": bare_sql,
        "households_per_s": round(households / engine_s),
        "one_by_one_ms": round(1000 * per_household, 2),
        "one_by_one_scaled_s": round(scaled, 1),
        "speedup": round(scaled / engine_s, 1),
        "sample": len(sampled),
        "chains_ok": verified,
        "load": f"{load_before} → {load()}",
    }


def main(argv: list[str] | None = None) -> int:
    """Every size on its own database; print the table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--sample", type=int, default=300)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/recognition.py needs DATABASE_URL=postgres://…")
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    if len(sizes) > 1:
        # one process per size: each its own Django set-up and throwaway database
        for size in sizes:
            out = subprocess.run(  # noqa: S603 -- this script, again
                [sys.executable, __file__, "--sizes", str(size), "--sample", str(args.sample)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            line = next(x for x in out.splitlines() if x.startswith("RESULT "))
            rows.extend(json.loads(line[len("RESULT ") :])["sizes"])
            print(f"  {size:,} households: done ({rows[-1]['load']})", flush=True)
    else:
        setup_django(bench_database_url(url))
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        name = str(settings.DATABASES["default"]["NAME"])
        print(f"database: {name} (throwaway); load {load()}", flush=True)
        with throwaway_database(connection.vendor, name):
            call_command("migrate", verbosity=0, interactive=False)
            rows.append(run_size(sizes[0], args.sample))
    print()
    print(
        table(
            [
                (
                    "households",
                    "engine s",
                    "SQL",
                    "bare s",
                    "SQL",
                    "engine/bare",
                    "households/s",
                    "1 process each (ms/hh)",
                    "scaled s",
                    "bulk speed-up",
                )
            ]
            + [
                (
                    f"{r['households']:,}",
                    f"{r['engine_s']:.2f}",
                    str(r["engine_sql"]),
                    f"{r['bare_s']:.2f}",
                    str(r["bare_sql"]),
                    f"{r['ratio']:.2f}x",
                    f"{r['households_per_s']:,}",
                    f"{r['one_by_one_ms']:.2f}",
                    f"{r['one_by_one_scaled_s']:,.0f}",
                    f"{r['speedup']:,.0f}x",
                )
                for r in rows
            ]
        )
    )
    print(f"\nevery chain verified: {all(r['chains_ok'] for r in rows)}")
    result("recognition", sizes=rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
