"""Configuring registers, issuing and voiding numbers, closing registers.

Numbering follows Decree 30/2020, Art. 15: per register (an agency's grouping of document
kinds in one year), from 1 on 1 January, gap-free and unique. The register row is locked while
a number is taken, so concurrent issuers queue; the number, the entry and its audit event
are written in one transaction, so a failure anywhere leaves no gap.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
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
from approvals.registers.symbols import format_symbol
from approvals.regulations.services import rules_in_force
from approvals.steps import service_atomic

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from approvals.organisation.models import OrgUnit

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


def _covering(
    *, agency: OrgUnit, kind: DocumentKind, year: int, confidential: bool
) -> Register | None:
    return (
        Register.objects.filter(
            kind_links__agency=agency,
            kind_links__year=year,
            kind_links__confidential=confidential,
            kind_links__kind=kind,
        )
        .select_related("agency")
        .first()
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

    found = register_for(agency=agency, kind=kind, year=issued_on.year, confidential=confidential)
    register = Register.objects.select_for_update().get(pk=found.pk)
    if register.is_closed:
        raise RegisterClosed(
            _("The register “%(register)s” was closed (%(reason)s); no number can be issued.")
            % {"register": register.name, "reason": register.closed_reason}
        )
    # Read under the register lock, so a concurrent numbering of the same document waits
    # for this one and then sees its number.
    if subject_type:
        numbered = RegisterEntry.objects.filter(
            subject_type=subject_type, subject_id=subject_id, status=EntryStatus.ISSUED
        ).first()
        if numbered is not None:
            raise InvalidTransition(
                _("This document already has the number %(symbol)s; void it first.")
                % {"symbol": numbered.symbol}
            )
    # Dates follow the numbers, so the last number carries the latest date (index read).
    last_day = register.entries.order_by("-number").values_list("issued_on", flat=True).first()
    if last_day is not None and issued_on < last_day:
        raise ValidationFailed(
            _(
                "Numbers follow the order of issue: the register “%(register)s” already has a "
                "document dated %(last)s, so the next one cannot be dated %(day)s."
            )
            % {"register": register.name, "last": _fmt(last_day), "day": _fmt(issued_on)}
        )
    number = register.next_number
    register.next_number = number + 1
    register.save(update_fields=["next_number"])

    symbol = format_symbol(
        number=number,
        kind_abbreviation=kind.abbreviation,
        issuer_code=agency.code,
        drafting_unit_code=drafting_unit.code if kind.is_official_letter and drafting_unit else "",
        min_digits=min_digits,
    )
    entry = RegisterEntry.objects.create(
        register=register,
        number=number,
        symbol=symbol,
        kind=kind,
        subject_summary=summary,
        issued_on=issued_on,
        drafting_unit=drafting_unit,
        subject_type=subject_type,
        subject_id=subject_id,
        issued_by_id=user.pk,
    )
    audit_record(
        actor=user,
        action=ISSUE_NUMBER,
        subject=entry,
        to_state=EntryStatus.ISSUED,
        authority=authority,
        payload={
            "register": register.pk,
            "number": number,
            "symbol": symbol,
            "kind": kind.code,
            "issued_on": issued_on.isoformat(),
            "subject_type": subject_type,
            "subject_id": subject_id,
        },
    )
    return entry


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
