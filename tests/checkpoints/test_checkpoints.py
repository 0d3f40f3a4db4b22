"""Checkpoints: written signed and never overwritten, verified by openssl, and catching a
chain that was edited and recomputed, or cut back, by someone holding the database."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from approvals.audit.hashing import canonical_json
from approvals.audit.models import AuditChain, AuditEvent
from approvals.audit.services import chain_verify
from approvals.checkpoints import cms
from approvals.checkpoints.exceptions import CheckpointKeyMissing
from approvals.checkpoints.models import Checkpoint
from approvals.checkpoints.payload import build_payload, parse_payload, read_heads
from approvals.checkpoints.services import WRITE_ACTION, checkpoint_write, file_name
from approvals.checkpoints.verification import FindingKind, checkpoints_verify
from tests.audit.helpers import record_events
from tests.checkpoints.helpers import edit_payload, truncate

OPENSSL = shutil.which("openssl")


def _files(folder: Path, row: Checkpoint) -> tuple[Path, Path]:
    return folder / f"{row.name}.json", folder / f"{row.name}.p7s"


def _openssl_verify(payload: Path, signature: Path, root: Path) -> subprocess.CompletedProcess:
    assert OPENSSL is not None
    return subprocess.run(  # noqa: S603
        [OPENSSL, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature),
         "-content", str(payload), "-CAfile", str(root), "-out", "/dev/null"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_checkpoint_fixes_every_head_and_is_recorded(organisation: Any, site: Path) -> None:
    record_events(3)
    record_events(2, chain="unit-7")
    row = checkpoint_write()
    payload, signature = _files(site, row)
    parsed = parse_payload(payload.read_bytes())
    heads = {h.chain: (h.index, h.hash) for h in parsed.heads}
    assert heads == {
        "main": (3, AuditEvent.objects.get(chain__name="main", index=3).hash),
        "unit-7": (2, AuditEvent.objects.get(chain__name="unit-7", index=2).hash),
    }
    assert parsed.site == "tinh-bg"
    assert (row.chains, row.timestamped, row.sequence) == (2, False, 1)
    event = AuditEvent.objects.get(action=WRITE_ACTION)
    assert event.subject_id == str(row.pk)
    assert event.payload["timestamp"] == "not configured"
    assert event.payload["signer"] == organisation.fingerprint
    assert signature.read_bytes()[:1] == b"\x30"  # DER


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")
def test_openssl_verifies_a_checkpoint_against_the_root(
    organisation: Any, site: Path, root_pem: Path, tmp_path: Path
) -> None:
    record_events(2)
    payload, signature = _files(site, checkpoint_write())
    done = _openssl_verify(payload, signature, root_pem)
    assert done.returncode == 0, done.stderr
    assert "Verification successful" in done.stderr
    forged = tmp_path / "forged.json"
    forged.write_bytes(payload.read_bytes().replace(b'"index":2', b'"index":1'))
    assert _openssl_verify(forged, signature, root_pem).returncode != 0


def test_a_checkpoint_file_is_never_overwritten(
    organisation: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("approvals.checkpoints.services.timezone.now", lambda: moment)
    record_events(1)
    first = checkpoint_write()
    before = _files(site, first)[0].read_bytes()
    taken = site / f"{file_name(moment, 2)}.json"  # someone took the next name
    taken.write_bytes(b"not ours")
    second = checkpoint_write()
    assert second.sequence == 3
    assert taken.read_bytes() == b"not ours"
    assert _files(site, first)[0].read_bytes() == before
    assert len(list(site.glob("*.p7s"))) == 2


def test_no_seal_no_checkpoint(db: None, site: Path) -> None:
    with pytest.raises(CheckpointKeyMissing):
        checkpoint_write()
    assert not Checkpoint.objects.exists()
    assert not site.exists() or not any(site.iterdir())


def test_edited_and_recomputed_chain_passes_alone_fails_against_checkpoints(
    organisation: Any, site: Path
) -> None:
    record_events(5)
    first = checkpoint_write()  # main: #5, then its own event #6
    record_events(2)
    second = checkpoint_write()  # main: #8
    call_command("verify_integrity", "--skip-plans", "--checkpoints", str(site))

    edit_payload("main", 7, {"n": 7, "ghi_chú": "sửa lại"})
    # The limit of the chain alone: someone with the database and the code rewrites it
    # and every check that reads only the database passes.
    assert chain_verify(chain="main").ok
    call_command("verify_integrity", "--skip-plans")

    report = checkpoints_verify(site)
    [finding] = report.findings
    assert (finding.kind, finding.chain, finding.index, finding.file) == (
        FindingKind.REWRITTEN, "main", 8, second.name,
    )  # fmt: skip
    assert first.name in finding.message  # events up to #5 still match the first
    with pytest.raises(CommandError) as raised:
        call_command("verify_integrity", "--skip-plans", "--checkpoints", str(site))
    head = AuditChain.objects.get(name="main")
    message = str(raised.value)  # in the site's language: chain, id, index and file named
    assert all(part in message for part in ("“main”", f"id {head.pk}", "#8", second.name))


def test_edit_before_the_first_checkpoint_is_named_by_it(organisation: Any, site: Path) -> None:
    record_events(4)
    row = checkpoint_write()
    edit_payload("main", 1, {"n": 1})
    [finding] = checkpoints_verify(site).findings
    assert (finding.kind, finding.index, finding.file) == (FindingKind.REWRITTEN, 4, row.name)


def test_truncated_chain_is_reported(organisation: Any, site: Path) -> None:
    record_events(6)
    row = checkpoint_write()
    truncate("main", 3)  # an old backup restored
    assert chain_verify(chain="main").ok
    [finding] = checkpoints_verify(site).findings
    assert (finding.kind, finding.chain, finding.index, finding.file) == (
        FindingKind.TRUNCATED, "main", 6, row.name,
    )  # fmt: skip
    assert "#3" in finding.message


def test_deleted_chain_is_reported_as_truncated(organisation: Any, site: Path) -> None:
    record_events(2, chain="unit-9")
    checkpoint_write()
    truncate("unit-9", 0)
    [finding] = checkpoints_verify(site).findings
    assert (finding.kind, finding.chain, finding.index) == (FindingKind.TRUNCATED, "unit-9", 2)


def test_an_edited_checkpoint_file_is_refused(organisation: Any, site: Path) -> None:
    record_events(3)
    payload, _sig = _files(site, checkpoint_write())
    # The directory is append-only in production; here the file is edited to show the
    # signature catches it (a rewritten chain plus a matching forged checkpoint).
    payload.chmod(0o644)
    payload.write_bytes(payload.read_bytes().replace(b'"index":3', b'"index":2'))
    [finding] = checkpoints_verify(site).findings
    assert finding.kind == FindingKind.SIGNATURE
    assert finding.file in finding.message


def test_a_payload_without_signature_is_reported(organisation: Any, site: Path) -> None:
    record_events(1)
    checkpoint_write()
    (site / "20260101T000000000000Z-00000099.json").write_bytes(b"{}")
    [finding] = checkpoints_verify(site).findings
    assert finding.kind == FindingKind.INCOMPLETE


def test_timestamped_where_a_service_is_configured(
    organisation: Any, site: Path, pki: Any, root_pem: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cms, "default_timestamper", pki.timestamper)
    record_events(1)
    row = checkpoint_write()
    assert row.timestamped
    payload, signature = _files(site, row)
    check = cms.verify_detached(payload.read_bytes(), signature.read_bytes())
    assert (check.ok, check.timestamped, check.timestamp_ok) == (True, True, True)
    assert AuditEvent.objects.get(action=WRITE_ACTION).payload["timestamp"] == "ok"
    if OPENSSL is not None:
        assert _openssl_verify(payload, signature, root_pem).returncode == 0


def test_payload_is_the_canonical_json_of_its_content(organisation: Any) -> None:
    record_events(2)
    record_events(1, chain="unit-3")
    moment = datetime.datetime(2026, 12, 7, 3, 0, 0, 123456, tzinfo=datetime.UTC)
    payload = build_payload(site="tỉnh-bg", sequence=7, moment=moment, heads=read_heads())
    assert payload == canonical_json(json.loads(payload))
    assert parse_payload(payload).heads == read_heads()


def test_only_the_pinned_seal_may_sign_checkpoints(
    organisation: Any, site: Path, settings: Any
) -> None:
    record_events(1)
    checkpoint_write()
    settings.APPROVALS_CHECKPOINT_SIGNERS = [organisation.fingerprint.upper()]
    assert checkpoints_verify(site).ok
    settings.APPROVALS_CHECKPOINT_SIGNERS = ["0" * 64]  # another seal is pinned
    [finding] = checkpoints_verify(site).findings
    assert finding.kind == FindingKind.SIGNATURE
    assert organisation.subject_name in finding.message


def test_verify_integrity_refuses_a_missing_directory(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="absent"):
        call_command("verify_integrity", "--skip-plans", "--checkpoints", str(tmp_path / "absent"))
