"""Signing PDF bytes and filling their form fields: bytes in, bytes out.

:func:`sign_pdf` signs one document, :func:`sign_batch` several with one opening of the key
(one token login, one remote-signing authorisation per batch), :func:`fill_fields` fills text
fields in an incremental update that keeps earlier signatures valid.

Every signature is PAdES (``ETSI.CAdES.detached``) over SHA-256, added as an incremental
update, with the signing time in Vietnam's time zone, the validation data embedded (B-LT)
and, when timestamped, a document timestamp as well (B-LTA).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import io
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.form_tools import populate_static_text_field
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import FormFillingError, PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import errors as cv_errors

from approvals.signing.appearance import (
    Appearance,
    FieldSpec,
    default_font_path,
    pdf_ready_font,
    render_lines,
    stamp_style,
)
from approvals.signing.backends import KeySession, open_key
from approvals.signing.checks import check_credential
from approvals.signing.csc import batch_member
from approvals.signing.exceptions import (
    CertificateRevoked,
    CertificateUntrusted,
    FieldAlreadySigned,
    FieldInvalid,
    ModificationNotAllowed,
    NotAPdf,
    SigningRefused,
    TimestampUnavailable,
)
from approvals.signing.trust import default_timestamper, validation_context

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from pyhanko.sign.timestamps import TimeStamper
    from pyhanko_certvalidator import ValidationContext

    from approvals.organisation.models import OrgUnit
    from approvals.signing.models import SigningCredential

#: Decree 30/2020 dates signatures in Vietnam's time (ISO 8601 with +07:00).
SIGNING_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DIGEST = "sha256"

T = TypeVar("T")


@dataclass(frozen=True)
class Document:
    """One document to sign: its bytes, the field, the appearance and the signature's texts."""

    pdf: bytes
    field: FieldSpec
    appearance: Appearance | None = None
    reason: str = ""
    location: str = ""
    #: The caller's name for the document, handed back in its :class:`Outcome`.
    key: str = ""
    #: Empty signature fields to add in the same revision, for signatures to come (the
    #: organisation's seal). Needed after a certification: it lets later signers sign only
    #: fields that already exist.
    reserve: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What happened to one document of a batch: its signed bytes, or why it was refused."""

    key: str
    pdf: bytes | None = None
    refusal: SigningRefused | None = None
    signed_at: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def signing_now() -> datetime.datetime:
    return datetime.datetime.now(SIGNING_TIME_ZONE).replace(microsecond=0)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- reading the document ------------------------------------------------------------------


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    if not isinstance(pdf, bytes | bytearray) or not pdf.lstrip()[:5] == b"%PDF-":
        raise NotAPdf()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        writer.root  # noqa: B018 - parse the catalogue now, not in the middle of signing
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise NotAPdf() from exc
    if writer.prev.encrypted:
        raise NotAPdf(_("The PDF is encrypted; the layer signs unencrypted documents only."))
    return writer


def _forbids_changes(writer: IncrementalPdfFileWriter) -> bool:
    """Whether a certification signature of the document forbids every change."""
    try:
        perms = writer.prev.root.get("/Perms")
        if perms is None or "/DocMDP" not in perms:
            return False
        refs = perms["/DocMDP"].get("/Reference", [])
        for ref in refs:
            params = ref.get("/TransformParams", {})
            if int(params.get("/P", MDPPerm.FILL_FORMS.value)) == MDPPerm.NO_CHANGES.value:
                return True
    except (KeyError, TypeError, ValueError, PdfError):
        return False
    return False


def _check_field(writer: IncrementalPdfFileWriter, spec: FieldSpec) -> bool:
    """Whether the field already exists (empty); refuses a signed, misnamed or misplaced one."""
    name = (spec.name or "").strip()
    if not name or "." in name:
        raise FieldInvalid(_("A signature field needs a name without dots."))
    existing = list(fields.enumerate_sig_fields(writer.prev, with_name=name))
    if existing:
        _name, value, _ref = existing[0]
        if value is not None:
            raise FieldAlreadySigned(
                _("The signature field “%(name)s” is already signed.") % {"name": name}
            )
        return True
    if spec.box is None:
        raise FieldInvalid(
            _("The document has no signature field “%(name)s” and no box was given.")
            % {"name": name}
        )
    pages = int(writer.prev.root["/Pages"]["/Count"])
    if not -pages <= spec.page < pages:
        raise FieldInvalid(
            _("The document has %(count)d pages; page %(page)d does not exist.")
            % {"count": pages, "page": spec.page + 1 if spec.page >= 0 else spec.page}
        )
    return False


def _refusal(exc: BaseException) -> SigningRefused:
    """The refusal for an error raised while pyHanko signed a document."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SigningRefused):
            return seen
        if isinstance(seen, TimestampRequestError):
            return TimestampUnavailable()
        if isinstance(seen, cv_errors.RevokedError):
            return CertificateRevoked()
        if isinstance(seen, cv_errors.PathBuildingError | cv_errors.PathValidationError):
            return CertificateUntrusted()
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, SigningError) and "forbids all changes" in str(exc):
        return ModificationNotAllowed()
    return SigningRefused(
        _("The document could not be signed: %(error)s") % {"error": str(exc) or type(exc).__name__}
    )


def _sig_field(spec: FieldSpec) -> fields.SigFieldSpec:
    """pyHanko's field spec; its box is typed in whole points, PDF takes any number."""
    box: Any = spec.box
    return fields.SigFieldSpec(spec.name, on_page=spec.page, box=box)


# --- signing -------------------------------------------------------------------------------


class _VietnamTimePdfSigner(signers.PdfSigner):
    """pyHanko's PDF signer with the signing time fixed by the caller (Vietnam time)."""

    def __init__(self, *args: Any, signing_time: datetime.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signing_time = signing_time

    def init_signing_session(
        self, pdf_out: Any, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self.signing_time
        return session


@dataclass(frozen=True)
class _Options:
    certify: bool
    long_term: bool
    timestamper: TimeStamper | None
    context: ValidationContext | None
    signer_name: str
    organisation: str


async def _sign_one(document: Document, key: KeySession, options: _Options) -> Outcome:
    marker = batch_member()
    try:
        writer = _writer(document.pdf)
        if _forbids_changes(writer):
            raise ModificationNotAllowed()
        exists = _check_field(writer, document.field)
        for spare in document.reserve:
            if _check_field(writer, spare) or spare.name == document.field.name:
                raise FieldInvalid(
                    _("The signature field “%(name)s” already exists.") % {"name": spare.name}
                )
            fields.append_signature_field(writer, _sig_field(spare))
        when = signing_now()
        style = stamp_style(
            document.appearance,
            render_lines(
                document.appearance,
                signer=options.signer_name,
                organisation=options.organisation,
                time=when.isoformat(),
            )
            if document.appearance is not None
            else "",
        )
        meta = signers.PdfSignatureMetadata(
            field_name=document.field.name,
            md_algorithm=DIGEST,
            subfilter=SigSeedSubFilter.PADES,
            reason=document.reason or None,
            location=document.location or None,
            certify=options.certify,
            docmdp_permissions=MDPPerm.FILL_FORMS,
            embed_validation_info=options.long_term,
            validation_context=options.context,
            use_pades_lta=options.long_term and options.timestamper is not None,
        )
        field_spec = None
        if not exists and document.field.box is not None:
            field_spec = _sig_field(document.field)
        pdf_signer = _VietnamTimePdfSigner(
            meta,
            key.signer,
            timestamper=options.timestamper,
            stamp_style=style,
            new_field_spec=field_spec,
            signing_time=when,
        )
        output = await pdf_signer.async_sign_pdf(writer)
        return Outcome(key=document.key, pdf=output.getvalue(), signed_at=when)
    except Exception as exc:  # each document carries its own refusal
        if key.csc is not None and not marker.arrived:
            key.csc.drop()
        return Outcome(key=document.key, refusal=_refusal(exc))


async def _sign_all(
    documents: Sequence[Document],
    *,
    credential: SigningCredential,
    pin: str | None,
    options: _Options,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    async with open_key(credential, pin=pin) as key:
        if key.csc is None:
            for document in documents:
                outcomes.append(await _sign_one(document, key, options))
            return outcomes
        for start in range(0, len(documents), key.max_batch):
            chunk = documents[start : start + key.max_batch]
            key.csc.expect(len(chunk))
            outcomes.extend(
                await asyncio.gather(*(_sign_one(document, key, options) for document in chunk))
            )
    return outcomes


def sign_batch(
    documents: Sequence[Document],
    *,
    credential: SigningCredential,
    as_user: AbstractBaseUser | None = None,
    as_unit: OrgUnit | None = None,
    pin: str | None = None,
    certify: bool = False,
    timestamp: bool = False,
    timestamper: TimeStamper | None = None,
    long_term: bool = True,
    validation: ValidationContext | None = None,
) -> list[Outcome]:
    """Sign every document with one opening of ``credential``'s key; one outcome each.

    Raises a :class:`SigningRefused` when the key cannot be used at all (wrong owner,
    unfit certificate, wrong PIN, token absent, service down): then nothing is signed.
    Otherwise each document is signed or refused on its own, in the order given.
    """
    check_credential(credential, as_user=as_user, as_unit=as_unit)
    if timestamp and timestamper is None:
        timestamper = default_timestamper()
        if timestamper is None:
            raise TimestampUnavailable(_("No timestamp service is configured."))
    options = _Options(
        certify=certify,
        long_term=long_term,
        timestamper=timestamper if timestamp else None,
        context=validation or (validation_context() if long_term else None),
        signer_name=credential.subject_name,
        organisation=credential.organisation_name,
    )
    return _run(_sign_all(documents, credential=credential, pin=pin, options=options))


def sign_pdf(
    pdf: bytes,
    *,
    credential: SigningCredential,
    field: FieldSpec,
    appearance: Appearance | None = None,
    as_user: AbstractBaseUser | None = None,
    as_unit: OrgUnit | None = None,
    pin: str | None = None,
    reason: str = "",
    location: str = "",
    certify: bool = False,
    timestamp: bool = False,
    timestamper: TimeStamper | None = None,
    long_term: bool = True,
    validation: ValidationContext | None = None,
    reserve: Sequence[FieldSpec] = (),
) -> bytes:
    """Sign ``pdf`` as the credential's owner in ``field``; the signed PDF, or a refusal."""
    document = Document(
        pdf=pdf,
        field=field,
        appearance=appearance,
        reason=reason,
        location=location,
        reserve=tuple(reserve),
    )
    [outcome] = sign_batch(
        [document],
        credential=credential,
        as_user=as_user,
        as_unit=as_unit,
        pin=pin,
        certify=certify,
        timestamp=timestamp,
        timestamper=timestamper,
        long_term=long_term,
        validation=validation,
    )
    if outcome.refusal is not None:
        raise outcome.refusal
    assert outcome.pdf is not None  # noqa: S101 - an outcome without refusal has its bytes
    return outcome.pdf


# --- form filling --------------------------------------------------------------------------

_ALIGN = {
    "left": layout.AxisAlignment.ALIGN_MIN,
    "centre": layout.AxisAlignment.ALIGN_MID,
    "right": layout.AxisAlignment.ALIGN_MAX,
}


def fill_fields(
    pdf: bytes,
    values: Mapping[str, str],
    *,
    font_path: str | None = None,
    font_size: int = 12,
    text_colour: tuple[float, float, float] | None = None,
    align: str = "left",
) -> bytes:
    """Fill empty text fields (number, date of issue) in one incremental update.

    ``align`` places the text in its field: "left", "centre" or "right"; the text's
    baseline is the field's bottom edge.

    Earlier approval signatures, and certification signatures that allow form filling,
    stay valid: pyHanko's validator reports the change as form filling.
    """
    writer = _writer(pdf)
    if _forbids_changes(writer):
        raise ModificationNotAllowed()
    path = font_path or default_font_path()
    if not path:
        raise FieldInvalid(_("The font for form fields is not configured (SIGNING_STAMP_FONT)."))
    style = TextBoxStyle(
        font=GlyphAccumulatorFactory(pdf_ready_font(path)),
        font_size=font_size,
        text_color=text_colour,
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=_ALIGN[align],
            y_align=layout.AxisAlignment.ALIGN_MIN,
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
    for name, value in values.items():
        try:
            populate_static_text_field(writer, name, style, value)
        except (FormFillingError, KeyError) as exc:
            raise FieldInvalid(
                _("The document has no empty text field “%(name)s”.") % {"name": name}
            ) from exc
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


__all__ = [
    "SIGNING_TIME_ZONE",
    "Document",
    "Outcome",
    "fill_fields",
    "sign_batch",
    "sign_pdf",
    "signing_now",
]
