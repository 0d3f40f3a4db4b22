"""What every issued document's digital signatures share (Decree 30/2020 Phụ lục I).

Used by the plans (:mod:`workflows.plans.esign`) and the recognition decisions
(:mod:`workflows.nominations.esign`):

- the signature fields' names, the signer's appearance (their uploaded image, else a text
  stamp) and the seal's box over the left third of the signer's signature;
- :func:`fill_values`: the number and the date of issue, as the form fields take them;
- :func:`refusal_recorded`: a refused step rolls back; the refusal is then written to the
  audit trail in a transaction of its own;
- :func:`stored_pdf`: the PDF handed out: the issued file, else the signed one.
"""

from __future__ import annotations

import contextvars
import functools
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pypdf
from django.db import transaction
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.registers.symbols import date_parts, format_number
from approvals.regulations.services import rules_in_force
from approvals.signing.appearance import Appearance, FieldSpec
from approvals.signing.documents import Document, fill_fields
from approvals.signing.enrol import usable_seal
from approvals.signing.exceptions import CredentialMissing, SigningRefused
from approvals.signing.models import SignedStage, SigningCredential
from approvals.signing.selectors import latest_signed_file
from workflows.documents._fonts import font_path
from workflows.documents.pdf_fields import (
    ANNEX_FIELDS,
    DAY_FIELD,
    MONTH_FIELD,
    NUMBER_FIELD,
    YEAR_FIELD,
)

if TYPE_CHECKING:
    import datetime

    from django.db.models import Model

    from approvals.organisation.models import OrgUnit
    from approvals.organisation.resolver import Authority
    from approvals.regulations.services import RuleSet
    from workflows.documents.layout import LayoutSpec

#: The signature fields: the signer's (in the renderer's slot) and the agency's seal.
SIGNER_FIELD = "chu_ky_nguoi_ky"
SEAL_FIELD = "chu_ky_co_quan"
DOCUMENT_WORK = "document_work"

F = TypeVar("F", bound=Callable[..., Any])


def credential_image(credential: SigningCredential) -> bytes | None:
    """The credential's uploaded signature or seal image (PNG), if any."""
    image = credential.appearance_image
    if not image:
        return None
    with image.open("rb") as handle:
        return bytes(handle.read())


def stamp_style(credential: SigningCredential, *lines: str) -> Appearance:
    """The credential's image, else a text stamp of ``lines``."""
    png = credential_image(credential)
    return Appearance(image_png=png) if png else Appearance.text_stamp(*lines)


def signature_block_of(authority: Authority, signer: Any) -> list[str]:
    """The capacity lines the signature record will print (a delegate's own title under
    “TUQ. <head>”)."""
    from django.utils import timezone

    from approvals.organisation.models import Capacity, Position

    title = ""
    if authority.capacity == Capacity.TUQ:
        own = (
            Position.objects.active_on(timezone.localdate())
            .filter(user_id=signer.pk)
            .select_related("role")
            .order_by("valid_from")
            .first()
        )
        title = own.printed_title if own is not None else ""
    return list(authority.signature_block(delegate_title=title))


def pin_needed(user: Any) -> bool:
    """Whether the user's credential asks for a PIN typed at signing (a token without one
    in the environment)."""
    from approvals.signing.selectors import credential_for_user

    credential = credential_for_user(user) if user.is_authenticated else None
    if credential is None or credential.backend != "pkcs11":
        return False
    return not os.environ.get(str(credential.config.get("pin_env") or ""))


def field_box(pdf: bytes, name: str) -> tuple[int, tuple[float, float, float, float]] | None:
    """The page (0-based) and /Rect of the field ``name``'s widget."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            if widget.get("/T") == name or widget.get("/Parent", {}).get("/T") == name:
                x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
                return index, (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    return None


#: The signer's image box is at most this many times as wide as the signature space is high
#: (a signature is wider than tall); it is centred in the space between capacity and name.
SIGNATURE_ASPECT = 2.2
POINTS_PER_MM = 72 / 25.4


def signer_box(slot: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The signer's image box: the slot's height, centred in the slot's width."""
    x1, y1, x2, y2 = slot
    width = min(x2 - x1, (y2 - y1) * SIGNATURE_ASPECT)
    left = x1 + ((x2 - x1) - width) / 2
    return (left, y1, left + width, y2)


def seal_box(
    signer: tuple[float, float, float, float],
    *,
    agency: OrgUnit,
    day: datetime.date,
    rules: RuleSet | None = None,
) -> tuple[float, float, float, float]:
    """The seal's box (Phụ lục I): the seal at its real size (rule
    ``signing.seal_diameter_mm``), centred on the signer's image vertically, covering
    ``signing.seal_overlap_percent`` of the image's width from its left edge."""
    rules = rules or rules_in_force(DOCUMENT_WORK, on=day, unit=agency)
    x1, y1, x2, y2 = signer
    side = rules.integer("signing.seal_diameter_mm") * POINTS_PER_MM
    right = x1 + (x2 - x1) * rules.integer("signing.seal_overlap_percent") / 100
    middle = (y1 + y2) / 2
    return (right - side, middle - side / 2, right, middle + side / 2)


def attachment_stamp_pt(agency: OrgUnit, day: datetime.date) -> int:
    """The size of the organisation's stamp on an attachment (rule
    ``signing.attachment_stamp_font_pt``)."""
    rules = rules_in_force(DOCUMENT_WORK, on=day, unit=agency)
    return rules.integer("signing.attachment_stamp_font_pt")


def fill_issue_fields(
    pdf: bytes,
    *,
    agency: OrgUnit,
    number: int,
    day: datetime.date,
    spec: LayoutSpec,
    rules: RuleSet | None = None,
) -> bytes:
    """Fill the number (upright, at the number's size, right against the symbol) and the
    date of issue (italics, at the date line's size, centred) in the signed PDF."""
    values = fill_values(agency, number, day, rules=rules)
    annex = {ANNEX_FIELDS[name]: value for name, value in values.items()}
    filled = fill_fields(
        pdf,
        {NUMBER_FIELD: values.pop(NUMBER_FIELD)},
        font_path=str(font_path("regular")),
        font_size=int(spec.number_font_pt),
        align="right",
    )
    filled = fill_fields(
        filled,
        values,
        font_path=str(font_path("italic")),
        font_size=int(spec.place_date_font_pt),
        align="centre",
    )
    present = set(pypdf.PdfReader(io.BytesIO(filled)).get_fields() or {})
    annex = {name: value for name, value in annex.items() if name in present}
    if not annex:
        return filled
    # an annex citing the document repeats its number (against the symbol) and its date
    # (italics, body size)
    number_name = ANNEX_FIELDS[NUMBER_FIELD]
    if number_name in annex:
        filled = fill_fields(
            filled,
            {number_name: annex.pop(number_name)},
            font_path=str(font_path("italic")),
            font_size=int(spec.body_font_pt),
            align="right",
        )
    if not annex:
        return filled
    return fill_fields(
        filled,
        annex,
        font_path=str(font_path("italic")),
        font_size=int(spec.body_font_pt),
        align="centre",
    )


def fill_values(
    agency: OrgUnit, number: int, day: datetime.date, *, rules: RuleSet | None = None
) -> dict[str, str]:
    """The number and the date of issue as the document's form fields show them."""
    rules = rules or rules_in_force(DOCUMENT_WORK, on=day, unit=agency)
    months = [int(month) for month in rules.get("date_line.zero_padded_months")]
    dd, mm, yyyy = date_parts(day, zero_padded_months=months)
    shown = format_number(number, min_digits=rules.integer("numbering.min_digits"))
    return {NUMBER_FIELD: shown, DAY_FIELD: dd, MONTH_FIELD: mm, YEAR_FIELD: yyyy}


@dataclass(frozen=True)
class SealJob:
    """What the clerk's step signs with the agency's seal: the credential and the filled
    document with the seal's field over the signer's signature."""

    seal: SigningCredential
    document: Document


def seal_job(
    subject_type: str,
    subject_id: Any,
    *,
    agency: OrgUnit,
    number: int,
    symbol: str,
    day: datetime.date,
    spec: LayoutSpec,
    missing: str,
) -> SealJob:
    """The signed PDF of the subject, numbered and dated, ready for the agency's seal.

    Refused (``SigningRefused``) when the subject has no signed PDF (``missing`` says so),
    when the agency has no valid seal certificate, or when the PDF has no signer's field.
    """
    stored = latest_signed_file(subject_type, subject_id, SignedStage.SIGNED)
    if stored is None:
        raise SigningRefused(missing)
    seal = usable_seal(agency)
    if seal is None:
        raise CredentialMissing(
            _("The agency “%(agency)s” has no valid seal certificate registered.")
            % {"agency": agency.name}
        )
    rules = rules_in_force(DOCUMENT_WORK, on=day, unit=agency)
    filled = fill_issue_fields(
        stored.read(), agency=agency, number=number, day=day, spec=spec, rules=rules
    )
    found = field_box(filled, SIGNER_FIELD)
    if found is None:
        raise SigningRefused(_("The signed PDF has no signer's signature field."))
    page, signer_rect = found
    document = Document(
        pdf=filled,
        field=FieldSpec(
            SEAL_FIELD, page=page, box=seal_box(signer_rect, agency=agency, day=day, rules=rules)
        ),
        appearance=stamp_style(seal, "{organisation}", "{time}"),
        reason=_("Issued as %(symbol)s") % {"symbol": symbol},
    )
    return SealJob(seal=seal, document=document)


def stored_pdf(subject_type: str, subject_id: Any) -> bytes | None:
    """The document as handed out: the issued file, else the signed file, else None."""
    for stage in (SignedStage.ISSUED, SignedStage.SIGNED):
        stored = latest_signed_file(subject_type, subject_id, stage)
        if stored is not None:
            return stored.read()
    return None


# --- refusals ------------------------------------------------------------------------------


_RECORDING: contextvars.ContextVar[bool] = contextvars.ContextVar("esign_refusal", default=False)


def refusal_recorded(
    action: str, *, subject_type: str, model: type[Model], argument: str
) -> Callable[[F], F]:
    """Record a step's signing refusal once the step's transaction has rolled back.

    The step's subject is its keyword ``argument`` (else its first positional argument),
    the actor ``user`` (else the second). Only the outermost decorated call records (the
    flow's, around the service's); the refusal is raised on unchanged.
    """

    def wrap(step: F) -> F:
        @functools.wraps(step)
        def run(*args: Any, **kwargs: Any) -> Any:
            if _RECORDING.get():
                return step(*args, **kwargs)
            token = _RECORDING.set(True)
            try:
                return step(*args, **kwargs)
            except SigningRefused as exc:
                subject = kwargs.get(argument) or args[0]
                user = kwargs.get("user") or args[1]
                record_refusal(subject, user, action, exc, subject_type=subject_type, model=model)
                raise
            finally:
                _RECORDING.reset(token)

        return run  # type: ignore[return-value]

    return wrap


def record_refusal(
    subject: Any,
    user: Any,
    action: str,
    exc: SigningRefused,
    *,
    subject_type: str,
    model: type[Model],
) -> None:
    """Write the refusal to the audit trail (nothing if an enclosing transaction fails)."""
    if transaction.get_connection().needs_rollback:
        return  # an enclosing transaction is failing: nothing can be written in it
    state = (
        model._default_manager.filter(pk=subject.pk).values_list("state", flat=True).first() or ""
    )
    with transaction.atomic():
        audit_record(
            actor=user,
            action=action,
            subject=(subject_type, str(subject.pk), str(subject)),
            from_state=state,
            to_state=state,
            comment=str(exc),
            payload={"code": exc.code},
        )


__all__ = [
    "DOCUMENT_WORK",
    "SEAL_FIELD",
    "SIGNER_FIELD",
    "SealJob",
    "attachment_stamp_pt",
    "credential_image",
    "field_box",
    "fill_issue_fields",
    "fill_values",
    "pin_needed",
    "record_refusal",
    "refusal_recorded",
    "seal_box",
    "seal_job",
    "signature_block_of",
    "signer_box",
    "stamp_style",
    "stored_pdf",
]
