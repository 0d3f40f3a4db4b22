"""When checkpoints are written (beat, after an issued document), where they are sent (HTTP
witnesses) and how they are copied elsewhere (checkpoints_export)."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from approvals.audit.models import AuditEvent
from approvals.checkpoints.models import Checkpoint
from approvals.checkpoints.services import checkpoint_write, checkpoints_export
from approvals.checkpoints.tasks import checkpoint_after_issue, write_checkpoint
from project.celery import app, beat_schedule
from tests.audit.helpers import record_events


def test_beat_schedules_the_task_and_the_task_writes_one(
    organisation: Any, site: Path, settings: Any
) -> None:
    entry = beat_schedule(15, 60)["write-audit-checkpoint"]
    assert entry["task"] == write_checkpoint.name
    assert entry["task"] in app.tasks
    assert entry["schedule"].total_seconds() == 3600
    record_events(2)
    write_checkpoint.delay()
    row = Checkpoint.objects.get()
    assert row.reason == "beat"
    assert (site / f"{row.name}.json").is_file()
    assert (site / f"{row.name}.p7s").is_file()


def test_beat_without_a_seal_writes_nothing_and_does_not_fail(db: None, site: Path) -> None:
    assert write_checkpoint.delay().get() is None
    assert not Checkpoint.objects.exists()


def test_after_issue_writes_once_the_transaction_commits(
    organisation: Any, site: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.APPROVALS_CHECKPOINT_ON_ISSUE = True
    record_events(1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        checkpoint_after_issue()
        assert not Checkpoint.objects.exists()
    assert len(callbacks) == 1
    assert Checkpoint.objects.get().reason == "issue"


def test_after_issue_rolled_back_writes_nothing(
    organisation: Any, site: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.APPROVALS_CHECKPOINT_ON_ISSUE = True

    def issue_then_fail() -> None:
        with transaction.atomic():
            checkpoint_after_issue()
            raise RuntimeError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        issue_then_fail()
    assert callbacks == []
    assert not Checkpoint.objects.exists()


def test_after_issue_can_be_turned_off(
    organisation: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.APPROVALS_CHECKPOINT_ON_ISSUE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        checkpoint_after_issue()
    assert callbacks == []


class _Witness(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def witness() -> Any:
    _Witness.received = []
    server = HTTPServer(("127.0.0.1", 0), _Witness)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/checkpoints", _Witness.received
    server.shutdown()
    server.server_close()


def test_http_witness_receives_each_checkpoint(
    organisation: Any, site: Path, settings: Any, witness: Any
) -> None:
    url, received = witness
    down = "http://127.0.0.1:9/unreachable"
    settings.APPROVALS_CHECKPOINT_WITNESSES = [url, down]
    record_events(1)
    row = checkpoint_write()
    [body] = received
    assert body["name"] == row.name
    assert body["sha256"] == row.sha256
    assert base64.b64decode(body["payload"]) == (site / f"{row.name}.json").read_bytes()
    assert base64.b64decode(body["signature"]) == (site / f"{row.name}.p7s").read_bytes()
    assert row.published[url] == "ok"
    assert row.published[down].startswith("error:")  # written all the same
    event = AuditEvent.objects.get(subject_id=str(row.pk), action="checkpoints.write")
    assert event.payload["witnesses"] == row.published


def test_export_copies_new_files_and_checks_them(
    organisation: Any, site: Path, tmp_path: Path
) -> None:
    record_events(1)
    first = checkpoint_write()
    dest = tmp_path / "safe"
    call_command("checkpoints_export", str(dest))
    assert sorted(p.name for p in dest.iterdir()) == [f"{first.name}.json", f"{first.name}.p7s"]
    second = checkpoint_write()
    report = checkpoints_export(dest)
    assert (len(report.copied), len(report.present), report.conflicts) == (2, 2, [])
    assert sorted(p.name for p in dest.iterdir()) == sorted(p.name for p in site.iterdir())
    assert (dest / f"{second.name}.p7s").read_bytes() == (site / f"{second.name}.p7s").read_bytes()
    # a copy elsewhere verifies as the original does
    call_command("verify_integrity", "--skip-plans", "--checkpoints", str(dest))


def test_export_never_overwrites_a_different_file(
    organisation: Any, site: Path, tmp_path: Path
) -> None:
    record_events(1)
    row = checkpoint_write()
    dest = tmp_path / "safe"
    dest.mkdir()
    (dest / f"{row.name}.json").write_bytes(b"other")
    with pytest.raises(CommandError, match=row.name):
        call_command("checkpoints_export", str(dest))
    assert (dest / f"{row.name}.json").read_bytes() == b"other"
