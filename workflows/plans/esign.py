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

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext as _

from approvals.signing.appearance import Appearance, FieldSpec
from approvals.signing.documents import Document, sign_batch, sign_pdf
from approvals.signing.enrol import usable_credential
from approvals.signing.exceptions import CredentialMissing
from approvals.signing.models import SignedStage
from approvals.signing.services import signed_file_store
from approvals.signing.trust import default_timestamper
from workflows.documents import esign as shared
from workflows.documents.esign import (
    SEAL_FIELD,
    SIGNER_FIELD,
    field_box,
    pin_needed,
    seal_box,
    stamp_style,
)
from workflows.documents.pdf import render_pdf_placed
from workflows.documents.pdf_fields import SIGNER_SLOT
from workflows.plans import documents

if TYPE_CHECKING:
    import datetime

    from approvals.organisation.resolver import Authority
    from approvals.registers.models import RegisterEntry
    from workflows.plans.models import Plan, PlanRevision

SUBJECT = "plans.plan"
ATTACHMENT_FIELD = "chu_ky_co_quan_phu_luc"
SIGN_REFUSED = "plans.sign_plan_refused"
ISSUE_REFUSED = "plans.issue_plan_refused"
BLUE = (0.0, 0.0, 1.0)
#: The attachment's stamp box, in points from the top-right corner of its first page.
ATTACHMENT_STAMP_SIZE = (200.0, 40.0)
ATTACHMENT_STAMP_MARGIN = 28.0

F = TypeVar("F", bound=Callable[..., Any])


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
        field=FieldSpec(SIGNER_FIELD, page=slot.page, box=shared.signer_box(slot.rect)),
        appearance=stamp_style(credential, "{signer}", "{time}"),
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
    job = shared.seal_job(
        SUBJECT,
        plan.pk,
        agency=plan.issuing_agency,
        number=entry.number,
        symbol=entry.symbol,
        day=day,
        spec=documents.spec_for(plan),
        missing=_("The plan has no digitally signed PDF to issue; it must be signed again."),
    )
    seal = job.seal
    batch = [job.document]
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
                    font_pt=shared.attachment_stamp_pt(plan.issuing_agency, day),
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
    return shared.stored_pdf(SUBJECT, plan.pk)


# --- refusals ------------------------------------------------------------------------------


def refusal_recorded(action: str) -> Callable[[F], F]:
    """Record a step's signing refusal once the step's transaction has rolled back."""
    from workflows.plans.models import Plan as PlanModel

    return shared.refusal_recorded(action, subject_type=SUBJECT, model=PlanModel, argument="plan")


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
