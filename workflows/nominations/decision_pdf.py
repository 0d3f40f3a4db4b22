"""The recognition decision's PDF: signed by the chairman, then issued under the unit's seal.

- :func:`sign_decision`: at the decision step the decision, with its annex list, is
  rendered as a fillable PDF (number and date of issue empty form fields) and signed with
  the chairman's own certificate in the slot between the capacity lines and the name (an
  approval signature). Stored as the dossier's ``signed`` file; its bytes are what the
  signature record covers.
- :func:`issue_decision`: at numbering the number and the date are filled in (an
  incremental update), then the deciding unit's seal certificate signs over the left third
  of the chairman's signature, timestamped when a timestamp service is configured (B-LT).
  Stored as the dossier's ``issued`` file.

The batch (:func:`workflows.nominations.esign.decisions_sign`) signs several decisions at
once and hands each one's PDF to :func:`sign_decision` through :data:`PRESIGNED`.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext as _

from approvals.organisation.resolver import user_label
from approvals.registers.selectors import place_name_of
from approvals.signing.appearance import FieldSpec
from approvals.signing.documents import Document, sign_pdf
from approvals.signing.enrol import usable_credential
from approvals.signing.exceptions import CredentialMissing, SigningRefused
from approvals.signing.models import SignedStage
from approvals.signing.services import signed_file_store
from approvals.signing.trust import default_timestamper
from workflows.documents import esign as shared
from workflows.documents.esign import SIGNER_FIELD, stamp_style
from workflows.documents.pdf import render_pdf_placed
from workflows.documents.pdf_fields import SIGNER_SLOT
from workflows.nominations.exports import decision_layout
from workflows.nominations.recognition import SUBJECT, decision_content

if TYPE_CHECKING:
    import datetime

    from approvals.organisation.resolver import Authority
    from approvals.registers.models import RegisterEntry
    from workflows.documents.layout import DocumentLayout
    from workflows.nominations.models import Dossier

SIGN_REFUSED = "nominations.decide_dossier_refused"
ISSUE_REFUSED = "nominations.number_decision_refused"

F = TypeVar("F", bound=Callable[..., Any])

#: Decisions signed by the batch before their own step: dossier id → (content digest, PDF).
PRESIGNED: contextvars.ContextVar[dict[int, tuple[str, bytes]] | None] = contextvars.ContextVar(
    "presigned_decisions", default=None
)


def refusal_recorded(action: str) -> Callable[[F], F]:
    """Record a decision step's signing refusal once its transaction has rolled back."""
    from workflows.nominations.models import Dossier as DossierModel

    return shared.refusal_recorded(
        action, subject_type=SUBJECT, model=DossierModel, argument="dossier"
    )


# --- the chairman's signature --------------------------------------------------------------


def fillable_layout(dossier: Dossier, *, authority: Authority, signer: Any) -> DocumentLayout:
    """The decision the chairman signs: its list of those it recognises, the number and the
    date of issue as empty form fields, the signature's slot above the name."""
    built = decision_layout(
        dossier,
        signature_block=shared.signature_block_of(authority, signer),
        signer_name=user_label(signer),
    )
    return replace(built, fillable=True, place_name=place_name_of(dossier.deciding_unit))


def decision_spec(dossier: Dossier, day: datetime.date | None = None) -> Any:
    """The layout rules the decision is rendered with."""
    from approvals.regulations.services import rules_in_force
    from workflows.documents import layout_spec_from_rules

    return layout_spec_from_rules(
        rules_in_force(
            shared.DOCUMENT_WORK, on=day or dossier.started_on, unit=dossier.deciding_unit
        )
    )


def content_digest(dossier: Dossier) -> str:
    """The digest of what the decision's signature covers, to see it unchanged."""
    return hashlib.sha256(decision_content(dossier)).hexdigest()


def decision_to_sign(
    dossier: Dossier, *, authority: Authority, signer: Any, key: str = ""
) -> Document:
    """The decision's fillable PDF and where the chairman's signature goes."""
    built = fillable_layout(dossier, authority=authority, signer=signer)
    pdf, placement = render_pdf_placed(built, decision_spec(dossier))
    slot = placement.boxes[SIGNER_SLOT]
    return Document(
        pdf=pdf,
        field=FieldSpec(SIGNER_FIELD, page=slot.page, box=shared.signer_box(slot.rect)),
        reason=_("Signed"),
        location=built.place_name,
        key=key,
    )


def sign_decision(dossier: Dossier, *, authority: Authority, signer: Any, pin: str | None) -> bytes:
    """The decision's PDF signed by ``signer`` (or as the batch signed it); stored as the
    dossier's signed file."""
    presigned = (PRESIGNED.get() or {}).get(dossier.pk)
    if presigned is not None:
        digest, signed = presigned
        if digest != content_digest(dossier):
            raise SigningRefused(
                _("The decision changed while the batch was being signed; sign it again.")
            )
    else:
        credential = usable_credential(signer)
        if credential is None:
            raise CredentialMissing(
                _("You have no valid signing certificate registered; ask the administrator.")
            )
        document = decision_to_sign(dossier, authority=authority, signer=signer)
        signed = sign_pdf(
            document.pdf,
            credential=credential,
            field=document.field,
            appearance=stamp_style(credential, "{signer}", "{time}"),
            as_user=signer,
            pin=pin or None,
            reason=document.reason,
            location=document.location,
        )
    signed_file_store(
        subject_type=SUBJECT,
        subject_id=dossier.pk,
        stage=SignedStage.SIGNED,
        name=f"quyet-dinh-{dossier.pk}-ky.pdf",
        data=signed,
    )
    return signed


# --- the deciding unit's signature at numbering --------------------------------------------


def issue_decision(dossier: Dossier, *, entry: RegisterEntry, day: datetime.date) -> bytes:
    """Fill the number and date, then the deciding unit's seal; stores the issued file."""
    unit = dossier.deciding_unit
    job = shared.seal_job(
        SUBJECT,
        dossier.pk,
        agency=unit,
        number=entry.number,
        symbol=entry.symbol,
        day=day,
        spec=decision_spec(dossier, day),
        missing=_("The decision has no digitally signed PDF to issue; it must be signed again."),
    )
    timestamper = default_timestamper()
    issued = sign_pdf(
        job.document.pdf,
        credential=job.seal,
        field=job.document.field,
        appearance=job.document.appearance,
        as_unit=unit,
        reason=job.document.reason,
        timestamp=timestamper is not None,
        timestamper=timestamper,
    )
    signed_file_store(
        subject_type=SUBJECT,
        subject_id=dossier.pk,
        stage=SignedStage.ISSUED,
        name=f"quyet-dinh-{entry.symbol.replace('/', '-')}.pdf",
        data=issued,
    )
    return issued


__all__ = [
    "ISSUE_REFUSED",
    "PRESIGNED",
    "SIGN_REFUSED",
    "content_digest",
    "decision_spec",
    "decision_to_sign",
    "fillable_layout",
    "issue_decision",
    "refusal_recorded",
    "sign_decision",
]
