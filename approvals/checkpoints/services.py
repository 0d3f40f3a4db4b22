"""Writing checkpoints (now, on beat, after an issued document) and copying them elsewhere."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit.hashing import sha256_hex
from approvals.audit.services import audit_record
from approvals.checkpoints import conf
from approvals.checkpoints.cms import sign_detached
from approvals.checkpoints.exceptions import CheckpointKeyMissing, CheckpointNotWritten
from approvals.checkpoints.models import Checkpoint
from approvals.checkpoints.payload import build_payload, read_heads
from approvals.checkpoints.publishers import publish
from approvals.organisation.models import OrgUnit
from approvals.signing.enrol import usable_seal
from approvals.signing.models import SigningCredential

logger = logging.getLogger(__name__)

#: The audit action of a checkpoint written.
WRITE_ACTION = "checkpoints.write"
#: How many file names are tried when another writer took the same one.
_ATTEMPTS = 5
PAYLOAD_SUFFIX, SIGNATURE_SUFFIX = ".json", ".p7s"


def organisation_unit() -> OrgUnit | None:
    """The unit whose seal signs: ``APPROVALS_CHECKPOINT_UNIT``, else the tree's root."""
    code = conf.unit_code()
    units = OrgUnit.objects.filter(code=code) if code else OrgUnit.objects.filter(parent=None)
    return units.order_by("pk").first()


def organisation_credential() -> tuple[OrgUnit, SigningCredential]:
    """The unit and its seal credential; :class:`CheckpointKeyMissing` when there is none."""
    unit = organisation_unit()
    credential = usable_seal(unit) if unit is not None else None
    if unit is None or credential is None:
        raise CheckpointKeyMissing()
    return unit, credential


def file_name(moment: datetime.datetime, sequence: int) -> str:
    """``<UTC time>-<sequence>``: sorts in the order the checkpoints were written."""
    return f"{moment.astimezone(datetime.UTC):%Y%m%dT%H%M%S%fZ}-{sequence:08d}"


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``; never overwrite (``FileExistsError``)."""
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def checkpoint_write(*, reason: str = "manual", directory: Path | None = None) -> Checkpoint:
    """Sign every chain's head now, write it to the checkpoint directory, record it.

    The heads are read in one query; the payload is signed (and timestamped where a
    timestamp service is configured) outside any transaction; the two files are created,
    never overwritten; witnesses are sent the checkpoint; then one transaction stores the
    :class:`Checkpoint` row and its audit event.
    """
    unit, credential = organisation_credential()
    folder = directory or conf.checkpoint_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CheckpointNotWritten(
            _("The checkpoint directory “%(path)s” cannot be created: %(error)s")
            % {"path": folder, "error": exc}
        ) from exc
    heads = read_heads()
    moment = timezone.now()
    site = conf.site_name() or unit.code or str(unit.pk)
    sequence = (Checkpoint.objects.aggregate(last=Max("sequence"))["last"] or 0) + 1
    for _attempt in range(_ATTEMPTS):
        name = file_name(moment, sequence)
        payload = build_payload(site=site, sequence=sequence, moment=moment, heads=heads)
        json_path = folder / f"{name}{PAYLOAD_SUFFIX}"
        p7s_path = folder / f"{name}{SIGNATURE_SUFFIX}"
        if json_path.exists() or p7s_path.exists():
            sequence += 1
            continue
        signature = sign_detached(payload, credential)
        try:
            _write_new(json_path, payload)
            _write_new(p7s_path, signature.der)
        except FileExistsError:
            sequence += 1
            continue
        except OSError as exc:
            raise CheckpointNotWritten(
                _("The checkpoint “%(name)s” could not be written: %(error)s")
                % {"name": name, "error": exc}
            ) from exc
        break
    else:
        raise CheckpointNotWritten()
    published = publish(name, payload, signature.der)
    with transaction.atomic():
        row = Checkpoint(
            created_at=moment,
            sequence=sequence,
            name=name,
            sha256=sha256_hex(payload),
            signature_sha256=sha256_hex(signature.der),
            chains=len(heads),
            timestamped=signature.timestamped,
            reason=reason[:32],
            published=published,
        )
        row.save()
        audit_record(
            actor=None,
            action=WRITE_ACTION,
            subject=row,
            content_hash=row.sha256,
            payload={
                "file": name,
                "chains": len(heads),
                "signature_sha256": row.signature_sha256,
                "signer": credential.fingerprint,
                "timestamp": "ok" if signature.timestamped else signature.timestamp_note,
                "reason": row.reason,
                "witnesses": published,
            },
        )
    return row


@dataclass
class ExportReport:
    """What ``checkpoints_export`` did: files copied, already there, and conflicts."""

    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checkpoints_export(destination: Path, *, source: Path | None = None) -> ExportReport:
    """Copy the checkpoint files not yet in ``destination``; check every copy's digest.

    A file already there with other content is a conflict (never overwritten); a copy
    whose digest differs from the source's, or from the digest recorded for it, too.
    """
    folder = source or conf.checkpoint_dir()
    destination.mkdir(parents=True, exist_ok=True)
    recorded = dict(Checkpoint.objects.values_list("name", "sha256"))
    report = ExportReport()
    suffixes = (PAYLOAD_SUFFIX, SIGNATURE_SUFFIX)
    for path in sorted(p for p in folder.iterdir() if p.suffix in suffixes and p.is_file()):
        data = path.read_bytes()
        digest = sha256_hex(data)
        target = destination / path.name
        expected = recorded.get(path.stem) if path.suffix == PAYLOAD_SUFFIX else None
        if expected is not None and expected != digest:
            report.conflicts.append(
                _("%(file)s: its SHA-256 differs from the one recorded when it was written.")
                % {"file": path.name}
            )
        if target.exists():
            if _digest(target) == digest:
                report.present.append(path.name)
            else:
                report.conflicts.append(
                    _("%(file)s: a different file of that name is already in the destination.")
                    % {"file": path.name}
                )
            continue
        _write_new(target, data)
        if _digest(target) != digest:
            report.conflicts.append(
                _("%(file)s: the copy does not match the original.") % {"file": path.name}
            )
        else:
            report.copied.append(path.name)
    return report
