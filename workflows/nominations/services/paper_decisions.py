"""Recording a recognition decision issued on paper (nhập quyết định đã ban hành trên giấy).

A decision signed on paper before it is entered is not an act of today: the records clerk
of the deciding unit records it with its own action, :data:`PAPER_DECISION`. The clerk's
own right is judged today; the signer's right to decide is judged **on the day the paper
was signed** (a chairman whose term has ended since still signed validly then, a chairman
who took office later did not). The number and symbol are those printed on the paper:
nothing is taken from a register, and no register is created; when the deciding unit keeps
a register for the year of signature, a number already issued in it is refused. The
candidates are recognised as the in-system decision recognises them, the dossier is decided,
and its audit event says it was recorded after the fact (signed on, recorded at, signer,
number).
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.acts import ActDateRefused, ActKind, act_today
from approvals.calendar.services import deadline_complete
from approvals.exceptions import InvalidSymbol, InvalidTransition, ValidationFailed
from approvals.organisation.models import Position
from approvals.organisation.resolver import decide, require, user_label
from approvals.registers.models import DocumentKind, Register, RegisterEntry
from approvals.registers.symbols import format_number, parse_symbol
from approvals.regulations.services import rules_in_force
from approvals.transitions import transition_perform
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState
from workflows.nominations.paper_models import PaperDecision
from workflows.nominations.services._common import DECIDE, PAPER_DECISION, _fmt, _locked
from workflows.nominations.services.decisions import _recognise
from workflows.nominations.services.notices import DossierOutcome, dossier_step_notify

#: The regulation of document work (numbering rules) the symbol is read with.
DOCUMENT_WORK = "document_work"


class PaperSignerRefused(ValidationFailed):
    """The person named as signer had no authority to sign the decision on its date."""

    code = "paper_signer_without_authority"
    default_message = gettext_lazy("The signer had no authority to sign on that day.")


def _checked_day(dossier: Dossier, signed_on: datetime.date) -> datetime.date:
    """A paper decision is dated neither after today nor before the dossier was submitted."""
    today = act_today()
    if signed_on > today:
        raise ActDateRefused(
            _(
                "The decision is dated %(date)s, which is after today (%(today)s): a decision "
                "is recorded after it was signed."
            )
            % {"date": _fmt(signed_on), "today": _fmt(today)},
            kind=ActKind.DECISION,
            stated=signed_on.isoformat(),
            today=today.isoformat(),
        )
    deadline = dossier.decision_deadline
    submitted = deadline.started_on if deadline is not None else None
    if submitted is not None and signed_on < submitted:
        raise ActDateRefused(
            _(
                "The decision is dated %(date)s, before the dossier was submitted to the "
                "deciding level (%(submitted)s)."
            )
            % {"date": _fmt(signed_on), "submitted": _fmt(submitted)},
            kind=ActKind.DECISION,
            stated=signed_on.isoformat(),
            submitted=submitted.isoformat(),
        )
    return signed_on


def _signer_of(signer: Any) -> tuple[Any, Position | None]:
    if isinstance(signer, Position):
        return signer.user, signer
    if signer is None or getattr(signer, "pk", None) is None:
        raise ValidationFailed(_("Name the person who signed the paper decision."), field="signer")
    return signer, None


def _signer_authority(
    dossier: Dossier, signer: Any, position: Position | None, day: datetime.date
) -> tuple[str, Position | None]:
    """The capacity line of the signer on ``day`` and the position it rests on, or refuse."""
    who = user_label(signer)
    if position is not None and not position.is_active_on(day):
        raise PaperSignerRefused(
            _(
                "On %(date)s %(signer)s did not hold the position %(title)s at %(unit)s "
                "(held from %(start)s to %(end)s), so the paper decision cannot rest on it."
            )
            % {
                "date": _fmt(day),
                "signer": who,
                "title": position.printed_title,
                "unit": position.unit.name,
                "start": _fmt(position.valid_from),
                "end": _fmt(position.valid_to) if position.valid_to else "…",
            },
            field="signer",
            signed_on=day.isoformat(),
        )
    decision = decide(signer, DECIDE, dossier, unit=dossier.deciding_unit, at=day)
    authority = decision.authority
    if not decision.allowed or authority is None:
        raise PaperSignerRefused(
            _("On %(date)s %(signer)s had no authority to sign this decision: %(reason)s")
            % {"date": _fmt(day), "signer": who, "reason": decision.reason},
            field="signer",
            signed_on=day.isoformat(),
        )
    block = authority.signature_block()
    title = " / ".join(block) if block else authority.description
    return title, authority.position


def _printed_symbol(dossier: Dossier, number: int, symbol: str, day: datetime.date) -> str:
    """The number and symbol as printed, checked against Decree 30/2020 and the unit."""
    if number is None or number < 1:
        raise ValidationFailed(_("Give the number printed on the decision."), field="number")
    kind = DocumentKind.objects.get(code="decision")
    unit = dossier.deciding_unit
    min_digits = rules_in_force(DOCUMENT_WORK, on=day, unit=unit).integer("numbering.min_digits")
    text = symbol.strip()
    if "/" not in text:
        suffix = text or f"{kind.abbreviation}-{unit.code}"
        text = f"{format_number(number, min_digits=min_digits)}/{suffix}"
    parsed = parse_symbol(text, min_digits=min_digits)
    if parsed.number != number:
        raise InvalidSymbol(
            _("“%(text)s” carries the number %(printed)s, not %(number)s.")
            % {"text": text, "printed": parsed.number, "number": number},
            problem="number_mismatch",
        )
    if parsed.kind_abbreviation != kind.abbreviation or parsed.issuer_code != unit.code:
        raise InvalidSymbol(
            _("“%(text)s” is not the symbol of a decision of %(unit)s (expected “%(expected)s”).")
            % {"text": text, "unit": unit.name, "expected": f"{kind.abbreviation}-{unit.code}"},
            problem="not_this_unit",
        )
    return text


def _number_free(dossier: Dossier, number: int, symbol: str, year: int) -> None:
    """Refuse a number the deciding unit's register of ``year`` (if any) already issued, or
    that another paper decision of the unit and year carries. Nothing is numbered."""
    unit = dossier.deciding_unit
    register = Register.objects.filter(
        kind_links__agency=unit,
        kind_links__year=year,
        kind_links__confidential=False,
        kind_links__kind__code="decision",
    ).first()
    if register is not None:
        taken = RegisterEntry.objects.filter(register=register, number=number).first()
        if taken is not None:
            raise ValidationFailed(
                _(
                    "The number %(number)s of the register “%(register)s” was already given to "
                    "%(symbol)s of %(date)s; check the number printed on the paper decision."
                )
                % {
                    "number": number,
                    "register": register.name,
                    "symbol": taken.symbol,
                    "date": _fmt(taken.issued_on),
                },
                field="number",
            )
    if PaperDecision.objects.filter(deciding_unit=unit, year=year, symbol=symbol).exists():
        raise ValidationFailed(
            _("A paper decision %(symbol)s of %(unit)s in %(year)s is already recorded.")
            % {"symbol": symbol, "unit": unit.name, "year": year},
            field="number",
        )


def _scan_digest(scan: Any) -> str:
    """The SHA-256 of the uploaded scan, which must be a readable PDF within the size limit."""
    if scan is None:
        raise ValidationFailed(_("Attach the scan of the paper decision (PDF)."), field="scan")
    name = str(getattr(scan, "name", "") or "")
    size = int(getattr(scan, "size", 0) or 0)
    limit = int(settings.PLAN_ATTACHMENT_MAX_BYTES)
    if size <= 0:
        raise ValidationFailed(_("The file is empty."), field="scan")
    if size > limit:
        raise ValidationFailed(
            _("The file is %(size)s MB; at most %(limit)s MB are accepted.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
            field="scan",
        )
    scan.seek(0)
    data = scan.read()
    scan.seek(0)
    if not data.startswith(b"%PDF-") or not _readable_pdf(data):
        raise ValidationFailed(
            _("The scan “%(name)s” is not a readable PDF file.") % {"name": name}, field="scan"
        )
    return hashlib.sha256(data).hexdigest()


def _readable_pdf(data: bytes) -> bool:
    import io

    import pypdf
    from pypdf.errors import PyPdfError

    try:
        return len(pypdf.PdfReader(io.BytesIO(data)).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return False


@transaction.atomic
def paper_decision_record(
    *,
    dossier: Dossier,
    user: Any,
    number: int,
    signed_on: datetime.date,
    signer: Any,
    scan: Any,
    symbol: str = "",
    note: str = "",
) -> PaperDecision:
    """The records clerk enters the recognition decision signed on paper on ``signed_on``.

    ``signer``: the user who signed, or the position they signed in. Refused (nothing
    changed) when the clerk may not record it today, the dossier does not wait for a
    decision, the day is after today or before the submission, the signer had no authority
    on that day, the number and symbol are malformed or already used, or the scan is not a
    readable PDF.
    """
    locked = _locked(dossier)
    if locked.state != DossierState.DECISION or locked.signature_id is not None:
        raise InvalidTransition(
            _(
                "Only a dossier waiting for its decision, not signed in the system, can take a "
                "decision issued on paper (now: %(state)s)."
            )
            % {"state": locked.get_state_display()}
        )
    authority = require(user, PAPER_DECISION, locked, unit=locked.deciding_unit)
    day = _checked_day(locked, signed_on)
    signer_user, position = _signer_of(signer)
    title, held = _signer_authority(locked, signer_user, position, day)
    printed = _printed_symbol(locked, number, symbol, day)
    _number_free(locked, number, printed, day.year)
    digest = _scan_digest(scan)
    if not Candidate.objects.of_dossier(locked).filter(state=CandidateState.PROPOSED).exists():
        raise ValidationFailed(_("No candidate is left to recognise."))
    recorded_at = timezone.now()
    paper = PaperDecision(
        dossier=locked,
        deciding_unit=locked.deciding_unit,
        number=number,
        symbol=printed,
        year=day.year,
        signed_on=day,
        signer=signer_user,
        signer_position=position or held,
        signer_name=user_label(signer_user),
        signer_title=title,
        scan_sha256=digest,
        note=note.strip(),
        recorded_by=user,
        recorded_at=recorded_at,
    )
    scan.seek(0)
    paper.scan.save(f"{digest}.pdf", scan, save=False)
    paper.save()
    deadline = locked.decision_deadline
    if deadline is not None and deadline.completed_on is None:
        deadline_complete(deadline=deadline, on=max(day, deadline.started_on), user=user)
    recognised = _recognise(locked, user, authority, action=PAPER_DECISION)
    transition_perform(
        obj=locked,
        transition="decide",
        user=user,
        action=PAPER_DECISION,
        unit=locked.deciding_unit,
        authority=authority,
        comment=note,
        content_hash=digest,
        payload={
            "recorded_after_the_fact": True,
            "paper_decision": paper.pk,
            "signed_on": day.isoformat(),
            "recorded_at": recorded_at.isoformat(),
            "signer": paper.signer_name,
            "signer_id": signer_user.pk,
            "signer_title": title,
            "number": number,
            "symbol": printed,
            "recognised": recognised,
        },
    )
    dossier_step_notify(locked, actor=user, outcome=DossierOutcome.ISSUED, on=day, symbol=printed)
    return paper


__all__ = ["DOCUMENT_WORK", "PaperSignerRefused", "paper_decision_record"]
