"""Check that the registers still agree with the audit trail.

The audit chain proves that no event was changed; this module proves that the register
rows the events describe were not changed either: numbers run from 1 without a gap in
every register, each entry still carries the number, symbol and register its issue event
recorded, a voided entry has its void event (and the reverse), and no issue event points at
an entry that is gone. Everything is read, nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from approvals.audit.models import AuditEvent
from approvals.registers.models import EntryStatus, Register, RegisterEntry
from approvals.registers.services import ISSUE_NUMBER, VOID_NUMBER

#: Rows per fetch while walking entries and events.
CHUNK = 2000


@dataclass(frozen=True)
class RegisterProblem:
    """One disagreement found, in words, with the rows it concerns."""

    kind: str
    message: str
    register_id: int | None = None
    entry_id: int | None = None
    event_id: int | None = None


def _entry_subject_type() -> str:
    meta = RegisterEntry._meta
    return f"{meta.app_label}.{meta.model_name}"


def _events(action: str) -> dict[str, tuple[int, int, dict[str, Any]]]:
    """The events of ``action`` about register entries: entry id → (event id, index, payload)."""
    found: dict[str, tuple[int, int, dict[str, Any]]] = {}
    rows = (
        AuditEvent.objects.filter(action=action, subject_type=_entry_subject_type())
        .order_by("index")
        .values_list("subject_id", "pk", "index", "payload")
    )
    for subject_id, pk, index, payload in rows.iterator(chunk_size=CHUNK):
        found[subject_id] = (pk, index, payload if isinstance(payload, dict) else {})
    return found


def _numbering_problems(
    register: Register, numbers: list[int], *, count_by_number: dict[int, int]
) -> list[RegisterProblem]:
    problems: list[RegisterProblem] = []
    expected = set(range(1, register.next_number))
    present = set(numbers)
    missing = sorted(expected - present)
    if missing:
        shown = ", ".join(str(n) for n in missing[:10])
        problems.append(
            RegisterProblem(
                kind="number_missing",
                register_id=register.pk,
                message=_(
                    "Register “%(register)s” (id %(id)s): %(count)d issued number(s) have no "
                    "entry any more: %(numbers)s."
                )
                % {
                    "register": register.name,
                    "id": register.pk,
                    "count": len(missing),
                    "numbers": shown,
                },
            )
        )
    beyond = sorted(present - expected)
    if beyond:
        problems.append(
            RegisterProblem(
                kind="number_beyond_counter",
                register_id=register.pk,
                message=_(
                    "Register “%(register)s” (id %(id)s): entries numbered %(numbers)s lie "
                    "beyond its counter (next number %(next)d)."
                )
                % {
                    "register": register.name,
                    "id": register.pk,
                    "numbers": ", ".join(str(n) for n in beyond[:10]),
                    "next": register.next_number,
                },
            )
        )
    repeated = sorted(n for n, c in count_by_number.items() if c > 1)
    if repeated:
        problems.append(
            RegisterProblem(
                kind="number_repeated",
                register_id=register.pk,
                message=_("Register “%(register)s” (id %(id)s): numbers used twice: %(numbers)s.")
                % {
                    "register": register.name,
                    "id": register.pk,
                    "numbers": ", ".join(str(n) for n in repeated[:10]),
                },
            )
        )
    return problems


def _entry_problems(
    entry: Mapping[str, Any],
    issued: tuple[int, int, dict[str, Any]] | None,
    voided: tuple[int, int, dict[str, Any]] | None,
) -> list[RegisterProblem]:
    label = {"id": entry["pk"], "symbol": entry["symbol"]}
    if issued is None:
        return [
            RegisterProblem(
                kind="entry_without_event",
                register_id=entry["register_id"],
                entry_id=entry["pk"],
                message=_(
                    "Register entry id %(id)s (%(symbol)s) has no issue event in the audit "
                    "trail: it was written around the numbering service."
                )
                % label,
            )
        ]
    event_id, index, payload = issued
    recorded = {
        "number": payload.get("number"),
        "symbol": payload.get("symbol"),
        "register": payload.get("register"),
    }
    stored = {
        "number": entry["number"],
        "symbol": entry["symbol"],
        "register": entry["register_id"],
    }
    problems = [
        RegisterProblem(
            kind="entry_edited",
            register_id=entry["register_id"],
            entry_id=entry["pk"],
            event_id=event_id,
            message=_(
                "Register entry id %(id)s was changed after issue: its %(field)s is "
                "“%(stored)s” but audit event #%(index)d recorded “%(recorded)s”."
            )
            % {
                **label,
                "field": field,
                "stored": stored[field],
                "index": index,
                "recorded": recorded[field],
            },
        )
        for field in ("number", "symbol", "register")
        if stored[field] != recorded[field]
    ]
    is_void = entry["status"] == EntryStatus.VOID
    if is_void and voided is None:
        problems.append(
            RegisterProblem(
                kind="void_without_event",
                register_id=entry["register_id"],
                entry_id=entry["pk"],
                message=_(
                    "Register entry id %(id)s (%(symbol)s) is marked void but no void event "
                    "was recorded."
                )
                % label,
            )
        )
    if not is_void and voided is not None:
        problems.append(
            RegisterProblem(
                kind="void_undone",
                register_id=entry["register_id"],
                entry_id=entry["pk"],
                event_id=voided[0],
                message=_(
                    "Register entry id %(id)s (%(symbol)s) was voided (audit event "
                    "#%(index)d) but is marked issued again."
                )
                % {**label, "index": voided[1]},
            )
        )
    return problems


def registers_verify() -> list[RegisterProblem]:
    """Every disagreement between the registers and their audit events (empty when sound)."""
    issued = _events(ISSUE_NUMBER)
    voided = _events(VOID_NUMBER)
    problems: list[RegisterProblem] = []
    seen: set[str] = set()
    numbers: dict[int, list[int]] = defaultdict(list)
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    entries = RegisterEntry.objects.order_by("pk").values(
        "pk", "register_id", "number", "symbol", "status"
    )
    for entry in entries.iterator(chunk_size=CHUNK):
        key = str(entry["pk"])
        seen.add(key)
        numbers[entry["register_id"]].append(entry["number"])
        counts[entry["register_id"]][entry["number"]] += 1
        problems += _entry_problems(entry, issued.get(key), voided.get(key))

    for register in Register.objects.order_by("pk"):
        problems += _numbering_problems(
            register, numbers.get(register.pk, []), count_by_number=counts[register.pk]
        )

    for subject_id, (event_id, index, payload) in issued.items():
        if subject_id not in seen:
            problems.append(
                RegisterProblem(
                    kind="entry_deleted",
                    event_id=event_id,
                    message=_(
                        "Audit event #%(index)d issued %(symbol)s (entry id %(id)s), but that "
                        "register entry no longer exists."
                    )
                    % {"index": index, "symbol": payload.get("symbol", "?"), "id": subject_id},
                )
            )
    return problems


__all__ = ["RegisterProblem", "registers_verify"]
