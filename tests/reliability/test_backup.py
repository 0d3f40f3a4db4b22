"""Backup of a running database with ops/backup.sh, restore into a fresh database with
ops/restore.sh, and `manage.py verify_integrity` run against the copy (PostgreSQL)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from approvals.registers.models import DocumentKind
from approvals.registers.services import number_issue
from tests.plans.conftest import new_plan, province_tx, to_signature
from workflows.plans.models import Plan
from workflows.plans.services import plan_issue, plan_sign

__all__ = ["province_tx"]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def url_of(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def sh(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own scripts and interpreter
        list(args),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_backup_of_a_running_database_restores_and_verifies(
    seeded, province_tx, tmp_path, clock
):
    p = province_tx
    for _ in range(2):
        plan = to_signature(p, new_plan(p))
        plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
        clock.to(datetime.date(2024, 6, 3))  # an issue is dated the day it is recorded
        plan_issue(
            plan=Plan.objects.get(pk=plan.pk),
            user=p.user("vanthu.ldtbxh"),
            issued_on=datetime.date(2024, 6, 3),
        )
    live = url_of(settings.DATABASES["default"]["NAME"])
    restored_name = f"{settings.DATABASES['default']['NAME']}_bk_{uuid.uuid4().hex[:8]}"
    restored = url_of(restored_name)

    # the site keeps numbering documents while the backup runs
    stop = threading.Event()
    issued: list[int] = []

    def clerk_at_work() -> None:
        try:
            kind = DocumentKind.objects.get(code="plan")
            while not stop.is_set():
                entry = number_issue(
                    agency=p.dept,
                    kind=kind,
                    issued_on=datetime.date(2024, 6, 4),
                    user=p.user("vanthu.ldtbxh"),
                    subject_summary="Công văn",
                )
                issued.append(entry.number)
        finally:
            connection.close()

    worker = threading.Thread(target=clerk_at_work)
    worker.start()
    try:
        dump = tmp_path / "approvals.dump"
        backup = sh("ops/backup.sh", str(dump), env={"DATABASE_URL": live})
    finally:
        stop.set()
        worker.join(timeout=60)
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 0
    assert issued, "the clerk was numbering during the backup"

    try:
        restore = sh("ops/restore.sh", str(dump), restored)
        assert restore.returncode == 0, restore.stderr
        # a second restore into the same name is refused, never overwriting
        again = sh("ops/restore.sh", str(dump), restored)
        assert again.returncode != 0
        assert "already exists" in again.stderr

        verify = sh(
            sys.executable,
            "manage.py",
            "verify_integrity",
            env={
                "DATABASE_URL": restored,
                "DJANGO_SETTINGS_MODULE": "project.settings",
                # the signed PDFs and the PKI they chain to live beside the database: a
                # restore needs the media folder too (ops/backup.sh says so)
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "SIGNING_PKI_DIR": str(settings.SIGNING_PKI_DIR),
                "SIGNING_TEST_PKI": "true",
            },
        )
        assert verify.returncode == 0, verify.stderr + verify.stdout
        checks = verify.stdout.strip().splitlines()
        assert len(checks) == 5, verify.stdout  # five checks passed, issued PDFs included
        counted = sh(
            "psql",
            restored,
            "-Atc",
            "SELECT count(*), coalesce(max(number), 0) FROM approvals_registers_registerentry",
        )
        count, highest = (int(x) for x in counted.stdout.strip().split("|"))
        assert count == highest >= 2  # contiguous from 1 in the copy too
    finally:
        sh("psql", url_of("postgres"), "-qc", f'DROP DATABASE IF EXISTS "{restored_name}"')
