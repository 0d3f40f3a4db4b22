"""Checking the saved checkpoints: their signatures, then that every chain still extends them.

Each checkpoint file's signature is checked against the site's trust roots (pyHanko's CMS
validator, as ``openssl cms -verify`` would); a file that fails is reported and not used.
Then, for every chain a valid checkpoint names, the event the database holds at the
recorded index must have the recorded hash. If it is absent the chain was cut back (a
restored old backup, deleted events); if its hash differs, an event at or before that index
was edited and the chain recomputed. Each chain is reported once, at the earliest
checkpoint that exposes it, with the latest one it still matches.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

from approvals.audit.models import AuditChain, AuditEvent
from approvals.checkpoints import conf
from approvals.checkpoints.cms import verify_detached
from approvals.checkpoints.payload import Head, parse_payload
from approvals.checkpoints.services import PAYLOAD_SUFFIX, SIGNATURE_SUFFIX
from approvals.exceptions import ValidationFailed

#: (chain, index) pairs looked up per statement.
_CHUNK = 5000


class FindingKind(enum.StrEnum):
    INCOMPLETE = "incomplete"  # a payload without its signature, or the reverse
    SIGNATURE = "signature"  # the signature is broken or not from a trusted certificate
    NOT_A_CHECKPOINT = "not_a_checkpoint"  # signed, but not a checkpoint's payload
    REWRITTEN = "rewritten"  # the chain holds another hash at the recorded index
    TRUNCATED = "truncated"  # the chain no longer reaches the recorded index


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    file: str
    message: str
    chain: str = ""
    chain_id: int | None = None
    index: int | None = None


@dataclass
class CheckpointsReport:
    files_checked: int = 0
    heads_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _signed_files(directory: Path, report: CheckpointsReport) -> list[tuple[str, Head]]:
    """(file, head) of every validly signed checkpoint in ``directory``, oldest first."""
    stems: dict[str, set[str]] = defaultdict(set)
    for path in directory.iterdir():
        if path.is_file() and path.suffix in (PAYLOAD_SUFFIX, SIGNATURE_SUFFIX):
            stems[path.stem].add(path.suffix)
    entries: list[tuple[str, Head]] = []
    for stem in sorted(stems):
        if len(stems[stem]) != 2:
            report.findings.append(
                Finding(
                    FindingKind.INCOMPLETE,
                    stem,
                    _("Checkpoint %(file)s lacks its payload or its signature.") % {"file": stem},
                )
            )
            continue
        data = (directory / f"{stem}{PAYLOAD_SUFFIX}").read_bytes()
        check = verify_detached(data, (directory / f"{stem}{SIGNATURE_SUFFIX}").read_bytes())
        report.files_checked += 1
        if not check.ok:
            report.findings.append(
                Finding(
                    FindingKind.SIGNATURE,
                    stem,
                    _(
                        "Checkpoint %(file)s: its signature is not valid against the site's "
                        "trust roots (intact: %(intact)s, trusted: %(trusted)s%(error)s)."
                    )
                    % {
                        "file": stem,
                        "intact": check.intact,
                        "trusted": check.trusted,
                        "error": f"; {check.error}" if check.error else "",
                    },
                )
            )
            continue
        pinned = conf.allowed_signers()
        if pinned and check.fingerprint not in pinned:
            report.findings.append(
                Finding(
                    FindingKind.SIGNATURE,
                    stem,
                    _(
                        "Checkpoint %(file)s is signed by “%(signer)s”, a certificate not "
                        "allowed to sign checkpoints (APPROVALS_CHECKPOINT_SIGNERS)."
                    )
                    % {"file": stem, "signer": check.signer},
                )
            )
            continue
        try:
            parsed = parse_payload(data)
        except ValidationFailed as exc:
            report.findings.append(Finding(FindingKind.NOT_A_CHECKPOINT, stem, str(exc)))
            continue
        entries.extend((stem, head) for head in parsed.heads)
    return entries


def _stored_hashes(wanted: dict[str, set[int]]) -> tuple[dict[str, tuple[int, int]], dict]:
    """The chains' (id, last index) by name, and the stored hash of each wanted event.

    The (chain, index) pairs are joined in one statement per :data:`_CHUNK` pairs (a
    ``VALUES`` list, which PostgreSQL and SQLite both name ``column1``, ``column2``), so the
    unique (chain, index) index answers each one.
    """
    chains = {
        name: (pk, last)
        for name, pk, last in AuditChain.objects.filter(name__in=list(wanted)).values_list(
            "name", "id", "last_index"
        )
    }
    pairs = [
        (chains[name][0], index)
        for name, indexes in wanted.items()
        if name in chains
        for index in sorted(indexes)
    ]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    index_column = connection.ops.quote_name("index")
    hashes: dict[tuple[int, int], str] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start : start + _CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"SELECT e.chain_id, e.{index_column}, e.hash FROM {table} e "  # noqa: S608
                f"JOIN (VALUES {values}) AS w "
                f"ON e.chain_id = w.column1 AND e.{index_column} = w.column2",
                [number for pair in chunk for number in pair],
            )
            for chain_id, index, digest in cursor.fetchall():
                hashes[(int(chain_id), int(index))] = digest
    return chains, hashes


def checkpoints_verify(directory: Path) -> CheckpointsReport:
    """Check every checkpoint in ``directory`` against the database (see the module)."""
    report = CheckpointsReport()
    entries = _signed_files(directory, report)
    by_chain: dict[str, list[tuple[str, Head]]] = defaultdict(list)
    for stem, head in entries:
        if head.index > 0:  # an empty chain's head fixes nothing
            by_chain[head.chain].append((stem, head))
    chains, hashes = _stored_hashes({n: {h.index for _s, h in e} for n, e in by_chain.items()})
    for name in sorted(by_chain):
        chain_id, last_index = chains.get(name, (None, 0))
        matched: tuple[str, Head] | None = None
        for stem, head in sorted(by_chain[name], key=lambda e: (e[1].index, e[0])):
            report.heads_checked += 1
            found = hashes.get((chain_id, head.index)) if chain_id is not None else None
            if found == head.hash:
                matched = (stem, head)
                continue
            report.findings.append(_finding(name, chain_id, last_index, stem, head, found, matched))
            break
    return report


def _finding(
    name: str,
    chain_id: int | None,
    last_index: int,
    stem: str,
    head: Head,
    found: str | None,
    matched: tuple[str, Head] | None,
) -> Finding:
    shown_id = chain_id if chain_id is not None else head.id
    values = {
        "chain": name,
        "id": shown_id,
        "file": stem,
        "index": head.index,
        "last": last_index,
        "expected": head.hash,
        "found": found,
    }
    if found is None:
        message = _(
            "Chain “%(chain)s” (id %(id)s) was truncated: checkpoint %(file)s recorded event "
            "#%(index)d, but the database's chain ends at #%(last)d (a restored old backup, or "
            "events deleted)."
        )
        kind = FindingKind.TRUNCATED
    else:
        message = _(
            "Chain “%(chain)s” (id %(id)s) was rewritten: checkpoint %(file)s recorded hash "
            "%(expected)s at event #%(index)d, the database now holds %(found)s; an event at or "
            "before #%(index)d was edited and the chain recomputed."
        )
        kind = FindingKind.REWRITTEN
    text = message % values
    if matched is not None:
        text += " " + _("Events up to #%(index)d still match checkpoint %(file)s.") % {
            "index": matched[1].index,
            "file": matched[0],
        }
    return Finding(kind, stem, text, chain=name, chain_id=shown_id, index=head.index)
