"""The plan's digital signatures (Decree 30/2020 Phụ lục I): the signer's, then the agency's.

- :func:`sign_revision`: at the signature step the revision is rendered as a fillable PDF
  (the number and date of issue empty form fields) and signed with the signer's own
  certificate in the slot between the capacity lines and the name (an approval signature:
  the clerk may still fill the fields and add the agency's signature). Stored as the plan's
  ``signed`` file.
- :func:`issue_document`: at issue the number and the date are filled in (an incremental
  update), then the agency's seal certificate signs over the left third of the signer's
  signature, timestamped when a timestamp service is configured; each PDF attachment gets
  the agency's signature on its first page, top right, with the số/ký hiệu and the time.
  Stored as the plan's ``issued`` file (and ``attachment`` files).
- :func:`refusal_recorded`: a refused step rolls back; the refusal is then written to the
  audit trail in a transaction of its own.
- :func:`issued_pdf`: the PDF handed out: the issued file, else the signed one.
"""

from __future__ import annotations

import contextvars
import functools
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.registers.symbols import date_parts, format_number
from approvals.regulations.services import rules_in_force
from approvals.signing.appearance import Appearance, FieldSpec
from approvals.signing.documents import Document, fill_fields, sign_batch, sign_pdf
from approvals.signing.enrol import usable_credential, usable_seal
from approvals.signing.exceptions import CredentialMissing, SigningRefused
from approvals.signing.models import SignedStage, SigningCredential
from approvals.signing.selectors import latest_signed_file
from approvals.signing.services import signed_file_store
from approvals.signing.trust import default_timestamper
from workflows.documents._fonts import font_path
from workflows.documents.pdf import render_pdf_placed
from workflows.documents.pdf_fields import (
    DAY_FIELD,
    MONTH_FIELD,
    NUMBER_FIELD,
    SIGNER_SLOT,
    YEAR_FIELD,
)
from workflows.plans import documents

if TYPE_CHECKING:
    import datetime

    from approvals.organisation.resolver import Authority
    from approvals.registers.models import RegisterEntry
    from workflows.plans.models import Plan, PlanRevision

SUBJECT = "plans.plan"
#: The signature fields: the signer's (in the renderer's slot) and the agency's seal.
SIGNER_FIELD = "chu_ky_nguoi_ky"
SEAL_FIELD = "chu_ky_co_quan"
ATTACHMENT_FIELD = "chu_ky_co_quan_phu_luc"
SIGN_REFUSED = "plans.sign_plan_refused"
ISSUE_REFUSED = "plans.issue_plan_refused"
DOCUMENT_WORK = "document_work"
BLUE = (0.0, 0.0, 1.0)
#: The attachment's stamp box, in points from the top-right corner of its first page.
ATTACHMENT_STAMP_SIZE = (200.0, 40.0)
ATTACHMENT_STAMP_MARGIN = 28.0

F = TypeVar("F", bound=Callable[..., Any])


def _image(credential: SigningCredential) -> bytes | None:
    image = credential.appearance_image
    if not image:
        return None
    with image.open("rb") as handle:
        return bytes(handle.read())


def _stamp_style(credential: SigningCredential, *lines: str) -> Appearance:
    png = _image(credential)
    return Appearance(image_png=png) if png else Appearance.text_stamp(*lines)


def pin_needed(user: Any) -> bool:
    """Whether the user's credential asks for a PIN typed at signing (a token without one
    in the environment)."""
    import os

    from approvals.signing.selectors import credential_for_user

    credential = credential_for_user(user) if user.is_authenticated else None
    if credential is None or credential.backend != "pkcs11":
        return False
    return not os.environ.get(str(credential.config.get("pin_env") or ""))


# --- the signer's signature ----------------------------------------------------------------


def sign_revision(
    plan: Plan, revision: PlanRevision, *, authority: Authority, signer: Any, pin: str | None
) -> bytes:
    """The revision's fillable PDF signed by ``signer``; stored as the plan's signed file."""
    credential = usable_credential(signer)
    if credential is None:
        raise CredentialMissing(
            _("You have no valid signing certificate registered; ask the administrator.")
        )
    built = documents.fillable_layout(plan, revision, authority=authority, signer=signer)
    pdf, placement = render_pdf_placed(built, documents.spec_for(plan))
    slot = placement.boxes[SIGNER_SLOT]
    signed = sign_pdf(
        pdf,
        credential=credential,
        field=FieldSpec(SIGNER_FIELD, page=slot.page, box=signer_box(slot.rect)),
        appearance=_stamp_style(credential, "{signer}", "{time}"),
        as_user=signer,
        pin=pin or None,
        reason=_("Signed"),
        location=built.place_name,
    )
    signed_file_store(
        subject_type=SUBJECT,
        subject_id=plan.pk,
        stage=SignedStage.SIGNED,
        name=f"ke-hoach-{plan.pk}-ky.pdf",
        data=signed,
    )
    return signed


# --- the organisation's signature at issue -------------------------------------------------


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
    signer: tuple[float, float, float, float], *, diameter_mm: int, overlap_percent: int
) -> tuple[float, float, float, float]:
    """The seal's box (Phụ lục I): the seal at its real size, centred on the signer's image
    vertically, covering ``overlap_percent`` of the image's width from its left edge."""
    x1, y1, x2, y2 = signer
    side = diameter_mm * POINTS_PER_MM
    right = x1 + (x2 - x1) * overlap_percent / 100
    middle = (y1 + y2) / 2
    return (right - side, middle - side / 2, right, middle + side / 2)


def _fill_values(plan: Plan, entry: RegisterEntry, day: datetime.date) -> dict[str, str]:
    rules = rules_in_force(DOCUMENT_WORK, on=day, unit=plan.issuing_agency)
    months = [int(month) for month in rules.get("date_line.zero_padded_months")]
    dd, mm, yyyy = date_parts(day, zero_padded_months=months)
    number = format_number(entry.number, min_digits=rules.integer("numbering.min_digits"))
    return {NUMBER_FIELD: number, DAY_FIELD: dd, MONTH_FIELD: mm, YEAR_FIELD: yyyy}


def _attachment_document(name: str, data: bytes, symbol: str, *, font_pt: int) -> Document:
    import pypdf

    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    box = page.mediabox
    width, height = ATTACHMENT_STAMP_SIZE
    right = float(box.right) - ATTACHMENT_STAMP_MARGIN
    top = float(box.top) - ATTACHMENT_STAMP_MARGIN
    return Document(
        pdf=data,
        field=FieldSpec(ATTACHMENT_FIELD, page=0, box=(right - width, top - height, right, top)),
        appearance=Appearance(
            lines=(f"Số: {symbol}", "{time}"),
            font_size=font_pt,
            text_colour=BLUE,
        ),
        key=name,
    )


def issue_document(plan: Plan, *, entry: RegisterEntry, day: datetime.date) -> bytes:
    """Fill the number and date, then the agency's signature; stores the issued files."""
    stored = latest_signed_file(SUBJECT, plan.pk, SignedStage.SIGNED)
    if stored is None:
        raise SigningRefused(
            _("The plan has no digitally signed PDF to issue; it must be signed again.")
        )
    seal = usable_seal(plan.issuing_agency)
    if seal is None:
        raise CredentialMissing(
            _("The agency “%(agency)s” has no valid seal certificate registered.")
            % {"agency": plan.issuing_agency.name}
        )
    spec = documents.spec_for(plan)
    values = _fill_values(plan, entry, day)
    # the number upright at its size, the date in italics at its own (Phụ lục I)
    filled = fill_fields(
        stored.read(),
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
    found = field_box(filled, SIGNER_FIELD)
    if found is None:
        raise SigningRefused(_("The signed PDF has no signer's signature field."))
    page, signer_rect = found
    rules = rules_in_force(DOCUMENT_WORK, on=day, unit=plan.issuing_agency)
    batch = [
        Document(
            pdf=filled,
            field=FieldSpec(
                SEAL_FIELD,
                page=page,
                box=seal_box(
                    signer_rect,
                    diameter_mm=rules.integer("signing.seal_diameter_mm"),
                    overlap_percent=rules.integer("signing.seal_overlap_percent"),
                ),
            ),
            appearance=_stamp_style(seal, "{organisation}", "{time}"),
            reason=_("Issued as %(symbol)s") % {"symbol": entry.symbol},
            key="",
        )
    ]
    attachments = [
        a for a in plan.attachments.filter(removed_at__isnull=True) if a.extension == "pdf"
    ]
    for attachment in attachments:
        with attachment.file.open("rb") as handle:
            batch.append(
                _attachment_document(
                    str(attachment.pk),
                    bytes(handle.read()),
                    entry.symbol,
                    font_pt=rules.integer("signing.attachment_stamp_font_pt"),
                )
            )
    timestamper = default_timestamper()
    outcomes = sign_batch(
        batch,
        credential=seal,
        as_unit=plan.issuing_agency,
        timestamp=timestamper is not None,
        timestamper=timestamper,
    )
    for outcome in outcomes:
        if outcome.refusal is not None:
            raise outcome.refusal
    issued = outcomes[0].pdf
    assert issued is not None  # noqa: S101 - no refusal, so signed bytes
    name = entry.symbol.replace("/", "-")
    signed_file_store(
        subject_type=SUBJECT,
        subject_id=plan.pk,
        stage=SignedStage.ISSUED,
        name=f"ke-hoach-{name}.pdf",
        data=issued,
    )
    for attachment, outcome in zip(attachments, outcomes[1:], strict=True):
        assert outcome.pdf is not None  # noqa: S101
        signed_file_store(
            subject_type=SUBJECT,
            subject_id=plan.pk,
            stage=SignedStage.ATTACHMENT,
            name=f"{attachment.pk}-{attachment.original_name}",
            data=outcome.pdf,
        )
    return issued


def issued_pdf(plan: Plan) -> bytes | None:
    """The plan's PDF as handed out: the issued file, else the signed file, else None."""
    for stage in (SignedStage.ISSUED, SignedStage.SIGNED):
        stored = latest_signed_file(SUBJECT, plan.pk, stage)
        if stored is not None:
            return stored.read()
    return None


# --- refusals ------------------------------------------------------------------------------


_RECORDING: contextvars.ContextVar[bool] = contextvars.ContextVar("plan_refusal", default=False)


def refusal_recorded(action: str) -> Callable[[F], F]:
    """Record a step's signing refusal once the step's transaction has rolled back.

    Only the outermost decorated call records (the flow's, around the service's); the
    refusal is raised on unchanged.
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
                plan = kwargs.get("plan") or args[0]
                user = kwargs.get("user") or args[1]
                _record_refusal(plan, user, action, exc)
                raise
            finally:
                _RECORDING.reset(token)

        return run  # type: ignore[return-value]

    return wrap


def _record_refusal(plan: Plan, user: Any, action: str, exc: SigningRefused) -> None:
    from workflows.plans.models import Plan as PlanModel

    if transaction.get_connection().needs_rollback:
        return  # an enclosing transaction is failing: nothing can be written in it
    state = PlanModel.objects.filter(pk=plan.pk).values_list("state", flat=True).first() or ""
    with transaction.atomic():
        audit_record(
            actor=user,
            action=action,
            subject=(SUBJECT, str(plan.pk), str(plan)),
            from_state=state,
            to_state=state,
            comment=str(exc),
            payload={"code": exc.code},
        )


__all__ = [
    "ISSUE_REFUSED",
    "SEAL_FIELD",
    "SIGNER_FIELD",
    "SIGN_REFUSED",
    "field_box",
    "issue_document",
    "issued_pdf",
    "pin_needed",
    "refusal_recorded",
    "seal_box",
    "sign_revision",
]
