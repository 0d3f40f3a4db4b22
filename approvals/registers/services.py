"""Configuring registers, issuing and voiding numbers, closing registers.

Numbering follows Decree 30/2020, Art. 15: per register (an agency's grouping of document
kinds in one year), from 1 on 1 January, gap-free and unique. The register row is locked while
a number is taken, so concurrent issuers queue; the number, the entry and its audit event
are written in one transaction, so a failure anywhere leaves no gap.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, signals
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.services import (
    audit_record,
    audit_record_pending,
    chain_for,
    head_seen,
)
from approvals.exceptions import (
    InvalidTransition,
    RegisterClosed,
    RegisterEntryVoided,
    RegisterNotConfigured,
    ValidationFailed,
)
from approvals.organisation.existence import (
    unit_require_existing,
    unit_require_existing_in_year,
)
from approvals.organisation.resolver import require
from approvals.registers.models import (
    DocumentKind,
    EntryStatus,
    Register,
    RegisterEntry,
    RegisterKind,
)
from approvals.registers.selectors import DOCUMENT_WORK
from approvals.registers.statements import covering as _covering
from approvals.registers.statements import insert_entry_sql as _insert_entry_sql
from approvals.registers.statements import locked_read_sql as _locked_read_sql
from approvals.registers.statements import one_round_trip_each as _one_round_trip_each
from approvals.registers.statements import take_covered_sql as _take_covered_sql
from approvals.registers.statements import take_number_sql as _take_number_sql
from approvals.registers.symbols import format_number, format_symbol
from approvals.regulations.services import rules_in_force
from approvals.steps import service_atomic

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from approvals.organisation.models import OrgUnit
    from approvals.organisation.resolver import Authority

#: Actions of this app, seeded as ``Action`` rows; who holds them is configuration.
ISSUE_NUMBER = "approvals_registers.issue_number"
VOID_NUMBER = "approvals_registers.void_number"
CLOSE_REGISTER = "approvals_registers.close_register"
CONFIGURE_REGISTER = "approvals_registers.configure_register"

#: Audit states of a register.
REGISTER_OPEN = "open"
REGISTER_CLOSED = "closed"

_REASON_MAX_LENGTH = 255


def _reason(reason: str, *, missing: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(missing)
    if len(text) > _REASON_MAX_LENGTH:
        raise ValidationFailed(
            _("The reason is longer than %(max)d characters.") % {"max": _REASON_MAX_LENGTH}
        )
    return text


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


# --- configuration -------------------------------------------------------------------------


@transaction.atomic
def register_configure(
    *,
    agency: OrgUnit,
    year: int,
    name: str,
    kinds: Iterable[DocumentKind],
    confidential: bool = False,
    user: AbstractBaseUser,
) -> Register:
    """Open a register of ``agency`` for ``year`` covering ``kinds`` (the head's grouping).

    A kind already in another register of the same agency, year and series is refused.
    """
    authority = require(user, CONFIGURE_REGISTER, unit=agency)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A register needs a name."))
    if not 1900 <= year <= 9999:
        raise ValidationFailed(_("%(year)s is not a valid year.") % {"year": year})
    unit_require_existing_in_year(agency, year)
    unique_kinds = list({kind.pk: kind for kind in kinds}.values())
    if not unique_kinds:
        raise ValidationFailed(_("A register must cover at least one document kind."))
    _refuse_configured_kinds(
        agency=agency, year=year, confidential=confidential, kinds=unique_kinds
    )
    register = Register.objects.create(
        agency=agency, year=year, name=name, confidential=confidential
    )
    try:
        with transaction.atomic():
            _link_kinds(register, unique_kinds)
    except IntegrityError:
        # Another configuration took one of the kinds between our check and our insert.
        _refuse_configured_kinds(
            agency=agency, year=year, confidential=confidential, kinds=unique_kinds
        )
        raise
    audit_record(
        actor=user,
        action=CONFIGURE_REGISTER,
        subject=register,
        to_state=REGISTER_OPEN,
        authority=authority,
        payload={
            "agency": agency.pk,
            "year": year,
            "confidential": confidential,
            "kinds": sorted(kind.code for kind in unique_kinds),
        },
    )
    return register


def _refuse_configured_kinds(
    *, agency: OrgUnit, year: int, confidential: bool, kinds: list[DocumentKind]
) -> None:
    clash = (
        RegisterKind.objects.filter(
            agency=agency, year=year, confidential=confidential, kind__in=kinds
        )
        .select_related("kind", "register")
        .order_by("kind__name")
        .first()
    )
    if clash is not None:
        raise ValidationFailed(
            _(
                "“%(kind)s” is already in the register “%(register)s” of %(agency)s for "
                "%(year)s; a document kind can be in only one register."
            )
            % {
                "kind": str(clash.kind),
                "register": clash.register.name,
                "agency": agency.name,
                "year": year,
            }
        )


def _link_kinds(register: Register, kinds: Iterable[DocumentKind]) -> None:
    RegisterKind.objects.bulk_create(
        RegisterKind(
            register=register,
            kind=kind,
            agency_id=register.agency_id,
            year=register.year,
            confidential=register.confidential,
        )
        for kind in kinds
    )


def _not_configured(
    *, agency: OrgUnit, kind: DocumentKind, year: int, confidential: bool
) -> RegisterNotConfigured:
    params = {"agency": agency.name, "kind": str(kind), "year": year}
    if confidential:
        message = _(
            "%(agency)s has no register of classified documents for “%(kind)s” in %(year)s. "
            "The head of the agency decides how documents are grouped into registers; "
            "configure one first."
        )
    else:
        message = _(
            "%(agency)s has no register for “%(kind)s” in %(year)s. The head of the agency "
            "decides how documents are grouped into registers; configure one first."
        )
    return RegisterNotConfigured(message % params)


def _roll_over(*, agency: OrgUnit, from_year: int, to_year: int, confidential: bool) -> None:
    """Copy the grouping of ``from_year`` into ``to_year``; numbers start again at 1."""
    previous = list(
        Register.objects.of(agency, from_year, confidential=confidential)
        .prefetch_related("kinds")
        .order_by("pk")
    )
    year_text = str(from_year)
    for old in previous:
        kinds = list(old.kinds.all())
        if not kinds:
            continue
        new = Register.objects.create(
            agency=agency,
            year=to_year,
            name=old.name.replace(year_text, str(to_year)),
            confidential=confidential,
            rolled_over_from=old,
        )
        _link_kinds(new, kinds)


def _latest_configured_year(*, agency: OrgUnit, before: int, confidential: bool) -> int | None:
    """The last year before ``before`` with a register of the agency in this series."""
    latest: int | None = Register.objects.filter(
        agency=agency, confidential=confidential, year__lt=before
    ).aggregate(latest=Max("year"))["latest"]
    return latest


@service_atomic()
def register_for(
    *, agency: OrgUnit, kind: DocumentKind, year: int, confidential: bool = False
) -> Register:
    """The register of ``agency`` covering ``kind`` in ``year``.

    When ``year`` has no register yet but an earlier year has, that grouping is rolled
    over to ``year`` (numbers start again at 1 on 1 January). Two workers rolling over at
    once end with one set of registers: the loser's insert hits the one-register-per-kind
    constraint, its savepoint is rolled back and it reads the winner's registers.
    """
    found = _covering(agency=agency, kind=kind, year=year, confidential=confidential)
    if found is not None:
        return found
    registers = Register.objects.filter(agency=agency, confidential=confidential)
    if not registers.filter(year=year).exists():
        # never a register, not even rolled over, for a unit that does not exist that year
        unit_require_existing_in_year(agency, year)
        latest = _latest_configured_year(agency=agency, before=year, confidential=confidential)
        if latest is not None:
            try:
                with transaction.atomic():
                    _roll_over(
                        agency=agency, from_year=latest, to_year=year, confidential=confidential
                    )
            except IntegrityError:
                # Another worker rolled the same grouping over first; read theirs below.
                if not registers.filter(year=year).exists():
                    raise
    # Read again: the year may have been configured or rolled over by another worker
    # since the first read.
    found = _covering(agency=agency, kind=kind, year=year, confidential=confidential)
    if found is None:
        raise _not_configured(agency=agency, kind=kind, year=year, confidential=confidential)
    return found


# --- numbering -----------------------------------------------------------------------------


def _subject_ref(subject: models.Model | None) -> tuple[str, str]:
    if subject is None:
        return "", ""
    if subject.pk is None:
        raise ValidationFailed(_("The document must be saved before it is numbered."))
    return subject._meta.label_lower, str(subject.pk)


@service_atomic()
def number_issue(
    *,
    agency: OrgUnit,
    kind: DocumentKind,
    issued_on: datetime.date,
    user: AbstractBaseUser,
    subject_summary: str,
    subject: models.Model | None = None,
    drafting_unit: OrgUnit | None = None,
    confidential: bool = False,
) -> RegisterEntry:
    """Give a document the next number of its register and record it (Decree 30/2020, Art. 15).

    The register row is locked while the number is taken; the entry and its audit event
    are written in the same transaction, so a failure leaves neither a gap nor a duplicate.

    Concurrent issuers from one register queue on that lock until the holder commits, so
    everything that does not need it (the permission, the rules, the symbol's codes, the
    register's lookup) is done before it is taken. Under the lock, on PostgreSQL: the
    counter's ``UPDATE … RETURNING`` (which takes the lock), one statement inserting the
    entry after the checks that need the lock (the document not numbered yet, dates in
    the order of numbers) and reading the audit chain's head, and the audit event's one
    statement (see :func:`_issue_locked`).
    """
    authority = require(user, ISSUE_NUMBER, unit=agency)
    unit_require_existing(agency, issued_on)
    summary = (subject_summary or "").strip()
    if not summary:
        raise ValidationFailed(_("The subject summary (trích yếu) of the document is required."))
    if kind.is_official_letter and drafting_unit is None:
        raise ValidationFailed(
            _("The symbol of an official letter names its drafting unit; give the drafting unit.")
        )
    subject_type, subject_id = _subject_ref(subject)
    rules = rules_in_force(DOCUMENT_WORK, on=issued_on, unit=agency)
    min_digits = rules.integer("numbering.min_digits")
    # The codes are checked now; under the lock only the number is written in front.
    codes = format_symbol(
        number=None,
        kind_abbreviation=kind.abbreviation,
        issuer_code=agency.code,
        drafting_unit_code=drafting_unit.code if kind.is_official_letter and drafting_unit else "",
        min_digits=min_digits,
    ).split("/", 1)[1]
    year = issued_on.year
    fast = _one_round_trip_each()
    covers = (connection.alias, agency.pk, kind.pk, year, confidential)
    register = (_COVERING.get(covers) if fast else None) or _covering(
        agency=agency, kind=kind, year=year, confidential=confidential
    )
    if register is None:
        register = register_for(agency=agency, kind=kind, year=year, confidential=confidential)
    chain = chain_for(authority)

    # --- the register's lock, held until the transaction commits ---
    entry = RegisterEntry(
        register=register,
        kind=kind,
        subject_summary=summary,
        issued_on=issued_on,
        drafting_unit=drafting_unit,
        subject_type=subject_type,
        subject_id=subject_id,
        issued_by_id=user.pk,
    )
    if fast:

        def issue() -> bool:
            return _issue_in_two_round_trips(
                entry,
                covers,
                codes=codes,
                min_digits=min_digits,
                user=user,
                authority=authority,
                chain=chain,
            )

        if not issue():
            # The remembered register no longer covers the kind (nothing was written): the
            # one that does now.
            _COVERING.pop(covers, None)
            entry.register = _covering(
                agency=agency, kind=kind, year=year, confidential=confidential
            ) or register_for(agency=agency, kind=kind, year=year, confidential=confidential)
            if not issue():
                raise _not_configured(
                    agency=agency, kind=kind, year=year, confidential=confidential
                )
        return entry
    entry.number = _take_number(register)
    entry.symbol = f"{format_number(entry.number, min_digits=min_digits)}/{codes}"
    _refuse_entry(
        entry,
        numbered=_numbered(subject_type, subject_id),
        # Dates follow the numbers, so the last number carries the latest date (index read).
        last_day=register.entries.order_by("-number").values_list("issued_on", flat=True).first(),
    )
    entry.save(force_insert=True)
    _audit_issue(entry, user=user, authority=authority, chain=chain)
    return entry


def _issue_payload(entry: RegisterEntry) -> dict[str, Any]:
    return {
        "register": entry.register_id,
        "number": entry.number,
        "symbol": entry.symbol,
        "kind": entry.kind.code,
        "issued_on": entry.issued_on.isoformat(),
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
    }


def _issue_event(
    entry: RegisterEntry, *, user: Any, authority: Authority, chain: str
) -> dict[str, Any]:
    """The issued number's audit event, as the audit's record functions take it."""
    return {
        "actor": user,
        "action": ISSUE_NUMBER,
        "subject": entry,
        "to_state": EntryStatus.ISSUED,
        "authority": authority,
        "payload": _issue_payload(entry),
        "chain": chain,
    }


def _audit_issue(entry: RegisterEntry, *, user: Any, authority: Authority, chain: str) -> None:
    """The issued number's audit event, appended in the transaction that took the number."""
    audit_record(**_issue_event(entry, user=user, authority=authority, chain=chain))


def _take_number(register: Register) -> int:
    """Lock ``register`` and take its next number (one ``UPDATE … RETURNING``).

    The update waits for a concurrent issuer's commit and then sees its row again, so the
    closed check and the counter are read under the lock; a rollback returns the number.
    """
    with connection.cursor() as cursor:
        cursor.execute(_take_number_sql(), [register.pk])
        row = cursor.fetchone()
    return _taken(register, row)


def _taken(register: Register, row: tuple[Any, ...] | None) -> int:
    """The number the counter's update returned (``row``), or why there is none."""
    if row is None:
        closed = Register.objects.get(pk=register.pk)
        raise RegisterClosed(
            _("The register “%(register)s” was closed (%(reason)s); no number can be issued.")
            % {"register": closed.name, "reason": closed.closed_reason}
        )
    number = int(row[0]) - 1
    register.next_number = number + 1
    return number


def _refuse_entry(
    entry: RegisterEntry, *, numbered: str | None, last_day: datetime.date | None
) -> None:
    """Raise why ``entry`` cannot be written: its document is numbered, or a later date."""
    if numbered is not None:
        raise InvalidTransition(
            _("This document already has the number %(symbol)s; void it first.")
            % {"symbol": numbered}
        )
    if last_day is not None and entry.issued_on < last_day:
        raise ValidationFailed(
            _(
                "Numbers follow the order of issue: the register “%(register)s” already has a "
                "document dated %(last)s, so the next one cannot be dated %(day)s."
            )
            % {
                "register": entry.register.name,
                "last": _fmt(last_day),
                "day": _fmt(entry.issued_on),
            }
        )


def _numbered(subject_type: str, subject_id: str) -> str | None:
    """The symbol of the standing number of the document, if it has one."""
    if not subject_type:
        return None
    symbol: str | None = (
        RegisterEntry.objects.filter(
            subject_type=subject_type, subject_id=subject_id, status=EntryStatus.ISSUED
        )
        .values_list("symbol", flat=True)
        .first()
    )
    return symbol


#: The register covering (database alias, agency, kind, year, series) as this process last
#: found it: only a guess, checked by the counter's update (see :func:`_take_covered_sql`).
_COVERING: dict[tuple[str, int, int, int, bool], Register] = {}


def _issue_in_two_round_trips(
    entry: RegisterEntry,
    covers: tuple[str, int, int, int, bool],
    *,
    codes: str,
    min_digits: int,
    user: AbstractBaseUser,
    authority: Authority,
    chain: str,
) -> bool:
    """PostgreSQL: the locked part of :func:`number_issue` in two round trips and the commit.

    False, having written nothing, when ``entry``'s register (remembered from an earlier
    number) no longer covers the kind of ``covers``; the counter's update checks it.

    First the counter's ``UPDATE … RETURNING`` (which takes the register's lock, waiting for
    a concurrent issuer's commit) and, in the same round trip, one read taken after it, so
    it sees what the previous holder committed: the register's last day, the document's
    standing number, the entry's id from its sequence and the audit chain's head (see
    :func:`~approvals.audit.services.head_seen`). Then the entry's ``INSERT`` and the audit
    event's statement, chained after that head, in one round trip; if another writer had
    moved the head, the event is chained after the locked head instead.
    """
    register = entry.register
    _alias, agency_id, kind_id, year, confidential = covers
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_take_covered_sql()}; {_locked_read_sql()}",
            [
                register.pk,
                agency_id,
                year,
                confidential,
                kind_id,
                register.pk,
                entry.subject_type,
                entry.subject_type,
                entry.subject_id,
                chain,
            ],
        )
        taken = cursor.fetchone()
        cursor.nextset()
        last_day, numbered, pk, *head = cursor.fetchone()
    if (
        taken is None
        and not RegisterKind.objects.filter(
            register_id=register.pk,
            agency_id=agency_id,
            year=year,
            confidential=confidential,
            kind_id=kind_id,
        ).exists()
    ):
        return False
    entry.number = _taken(register, taken)
    _COVERING[covers] = register
    entry.symbol = f"{format_number(entry.number, min_digits=min_digits)}/{codes}"
    if numbered is not None or (last_day is not None and entry.issued_on < last_day):
        entry.register = Register.objects.get(pk=register.pk)  # its name as it is now
        _refuse_entry(entry, numbered=numbered, last_day=last_day)
    entry.pk, entry.created_at = pk, timezone.now()
    head_seen(chain, (head[0], head[1], head[2], head[3]) if head[0] is not None else None)
    # written without Model.save: its receivers hear of it as of any save (pre_save before
    # the values are read, post_save after the row and its audit event)
    signals.pre_save.send(
        sender=RegisterEntry, instance=entry, raw=False, using=connection.alias, update_fields=None
    )
    insert, fields = _insert_entry_sql()
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    pending = audit_record_pending(
        **_issue_event(entry, user=user, authority=authority, chain=chain)
    )
    with connection.cursor() as cursor:
        if pending is None:
            cursor.execute(insert, params)
        else:
            cursor.execute(f"{insert}; {pending.sql}", params + pending.params)
            cursor.nextset()
            row = cursor.fetchone()
    entry._state.adding = False
    entry._state.db = connection.alias
    if pending is None:
        _audit_issue(entry, user=user, authority=authority, chain=chain)
    else:
        pending.finish(row)
    signals.post_save.send(
        sender=RegisterEntry,
        instance=entry,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )
    return True


@transaction.atomic
def number_void(*, entry: RegisterEntry, user: AbstractBaseUser, reason: str) -> RegisterEntry:
    """Void a spoiled number; the entry stays with its reason and the number is never reused."""
    text = _reason(reason, missing=_("A reason is required to void a number."))
    # Lock the register first, as issuing and closing do, so a void and a close queue.
    register = (
        Register.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=entry.register_id)
    )
    locked = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
    locked.register = register
    authority = require(user, VOID_NUMBER, unit=register.agency)
    if locked.is_void:
        raise RegisterEntryVoided(
            _("The number %(symbol)s was already voided: %(reason)s")
            % {"symbol": locked.symbol, "reason": locked.void_reason}
        )
    if register.is_closed:
        raise RegisterClosed(
            _("The register “%(register)s” is closed; its entries can no longer be changed.")
            % {"register": register.name}
        )
    locked.status = EntryStatus.VOID
    locked.void_reason = text
    locked.voided_by_id = user.pk
    locked.voided_at = timezone.now()
    locked.save(update_fields=["status", "void_reason", "voided_by", "voided_at"])
    audit_record(
        actor=user,
        action=VOID_NUMBER,
        subject=locked,
        from_state=EntryStatus.ISSUED,
        to_state=EntryStatus.VOID,
        comment=text,
        authority=authority,
        payload={"register": register.pk, "number": locked.number, "symbol": locked.symbol},
    )
    return locked


@transaction.atomic
def register_close(*, register: Register, user: AbstractBaseUser, reason: str) -> Register:
    """Close a register: it issues no more numbers and its entries no longer change."""
    text = _reason(reason, missing=_("A reason is required to close a register."))
    locked = (
        Register.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=register.pk)
    )
    authority = require(user, CLOSE_REGISTER, unit=locked.agency)
    if locked.is_closed:
        raise RegisterClosed(
            _("The register “%(register)s” is already closed.") % {"register": locked.name}
        )
    locked.closed_at = timezone.now()
    locked.closed_reason = text
    locked.save(update_fields=["closed_at", "closed_reason"])
    audit_record(
        actor=user,
        action=CLOSE_REGISTER,
        subject=locked,
        from_state=REGISTER_OPEN,
        to_state=REGISTER_CLOSED,
        comment=text,
        authority=authority,
        payload={
            "year": locked.year,
            "last_number": locked.next_number - 1,
            "entries": locked.entries.count(),
        },
    )
    return locked


__all__ = [
    "CLOSE_REGISTER",
    "CONFIGURE_REGISTER",
    "ISSUE_NUMBER",
    "VOID_NUMBER",
    "number_issue",
    "number_void",
    "register_close",
    "register_configure",
    "register_for",
]
