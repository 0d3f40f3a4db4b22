"""Audit checkpoints (issue 19): writing a signed checkpoint of every chain's head.

For ``--chains`` audit chains (10,000 by default, one event each), measured ``--repeat``
times (median):

- **baseline, head query**: the one ``SELECT`` of every chain's name, id, last index and
  hash that a checkpoint starts with — what any checkpoint costs at least;
- **payload**: that query and the canonical JSON of the heads;
- **sign**: the detached CMS signature over it (the test PKI's PKCS#12 seal), then with the
  RFC 3161 timestamp of the test PKI's in-process timestamp authority (a real TSA adds its
  network round trip);
- **checkpoint_write**: the whole service — heads, payload, signature and timestamp, both
  files created and fsynced, the ``Checkpoint`` row and its audit event in one transaction;
- **verify**: ``verify_integrity --checkpoints``' part for one checkpoint file (signature
  validation with pyHanko, then every recorded head looked up in the database).

Goal (issue 19): a checkpoint for 10,000 chains in under 1 s. Runs on PostgreSQL or SQLite,
on a throwaway database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_bench python bench/checkpoints.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, result, setup_django, table
from bench.plans_flow import bench_database_url, throwaway_database

#: The goal of issue 19, in milliseconds.
GOAL_MS = 1000


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _populate(chains: int) -> None:
    """``chains`` chains with one event each, written in bulk (the bench measures reads)."""
    from django.utils import timezone

    from approvals.audit.hashing import GENESIS_HASH, sha256_hex
    from approvals.audit.models import AuditChain, AuditEvent

    now = timezone.now()
    heads = [
        AuditChain(name=f"unit-{n}", last_index=1, last_hash=sha256_hex(str(n).encode()))
        for n in range(1, chains + 1)
    ]
    AuditChain.objects.bulk_create(heads, batch_size=2000)
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                chain=head,
                index=1,
                created_at=now,
                action="bench.event",
                subject_type="bench.subject",
                subject_id=str(head.pk),
                prev_hash=GENESIS_HASH,
                hash=head.last_hash,
            )
            for head in AuditChain.objects.filter(name__startswith="unit-")
        ),
        batch_size=2000,
    )


def run(chains: int, repeat: int) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from approvals.checkpoints import cms
    from approvals.checkpoints.payload import build_payload, read_heads
    from approvals.checkpoints.services import checkpoint_write, organisation_credential
    from approvals.checkpoints.verification import checkpoints_verify
    from approvals.organisation.models import OrgUnit, UnitKind

    call_command("migrate", verbosity=0, interactive=False)
    OrgUnit.objects.create(name="Tỉnh Bench", code="bench", kind=UnitKind.PROVINCE)
    settings.APPROVALS_CHECKPOINT_UNIT = "bench"
    _unit, credential = organisation_credential()  # the test PKI's seal, enrolled once
    _populate(chains)
    heads = read_heads()
    payload = build_payload(site="bench", sequence=1, moment=timezone.now(), heads=heads)
    timestamper = cms.default_timestamper
    cms.sign_detached(payload, credential)  # warm up: the key and the TSA opened once
    figures: dict[str, Any] = {"chains": len(heads), "payload_bytes": len(payload)}
    figures["head_query_ms"] = _median_ms(read_heads, repeat)
    figures["payload_ms"] = _median_ms(
        lambda: build_payload(site="bench", sequence=1, moment=timezone.now(), heads=read_heads()),
        repeat,
    )
    cms.default_timestamper = lambda: None
    figures["sign_ms"] = _median_ms(lambda: cms.sign_detached(payload, credential), repeat)
    cms.default_timestamper = timestamper
    figures["sign_ts_ms"] = _median_ms(lambda: cms.sign_detached(payload, credential), repeat)
    with tempfile.TemporaryDirectory(prefix="checkpoints-bench-") as folder:
        directory = Path(folder)
        settings.APPROVALS_CHECKPOINT_DIR = directory / "all"
        figures["write_ms"] = _median_ms(lambda: checkpoint_write(reason="bench"), repeat)
        one = directory / "one"
        settings.APPROVALS_CHECKPOINT_DIR = one
        checkpoint_write(reason="bench")
        report = checkpoints_verify(one)
        assert report.ok, report.findings  # noqa: S101
        figures["verify_ms"] = _median_ms(lambda: checkpoints_verify(one), repeat)
    figures["ratio"] = figures["write_ms"] / figures["head_query_ms"]
    return figures


def main(argv: list[str] | None = None) -> int:
    """Print the table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chains", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "") or "sqlite:////tmp/checkpoints.sqlite3"
    setup_django(bench_database_url(url))
    from django.conf import settings
    from django.db import connection

    name = str(settings.DATABASES["default"]["NAME"])
    print(f"database: {name} (throwaway, {connection.vendor}); load {load()}", flush=True)
    with throwaway_database(connection.vendor, name):
        r = run(args.chains, args.repeat)
    print()
    print(
        table(
            [
                ("step", f"{r['chains']:,} chains"),
                ("baseline: head query alone", f"{r['head_query_ms']:.1f} ms"),
                ("head query + canonical JSON payload", f"{r['payload_ms']:.1f} ms"),
                ("CMS signature (PKCS#12)", f"{r['sign_ms']:.1f} ms"),
                ("CMS signature + RFC 3161 timestamp", f"{r['sign_ts_ms']:.1f} ms"),
                ("checkpoint_write (all of it)", f"{r['write_ms']:.1f} ms"),
                ("verify one checkpoint file", f"{r['verify_ms']:.1f} ms"),
            ]
        )
    )
    met = "met" if r["write_ms"] < GOAL_MS else "NOT met"
    print(
        f"\npayload {r['payload_bytes']:,} bytes; checkpoint_write = {r['ratio']:.1f}x the "
        f"head query; goal < {GOAL_MS} ms: {met}; median of {args.repeat}; load {load()}"
    )
    result("checkpoints", repeat=args.repeat, **r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
