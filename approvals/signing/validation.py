"""Validating the signatures of a PDF with pyHanko, for people and for integrity checks.

:func:`validate_pdf` reports, for each signature (and document timestamp) in the file: who
signed and for which organisation, when, whether it is timestamped, whether the chain ends at
a trusted root, whether the certificate is revoked or was outside its validity when it
signed, whether the document is intact since, and whether later changes were allowed. An
invalid signature carries its reasons, in Vietnamese first.

The validation data embedded in the file (its DSS: certificates, CRLs, OCSP answers) is used
together with the site's own; fetching over the network follows ``SIGNING_ALLOW_FETCHING``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import validation
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import ModificationInfo, SignatureStatus
from pyhanko_certvalidator import ValidationContext

from approvals.signing.exceptions import NotAPdf
from approvals.signing.trust import extra_certificates, known_crls, trust_roots

T = TypeVar("T")


@dataclass(frozen=True)
class SignatureReport:
    """What the validator found about one signature of the file."""

    field_name: str
    #: ``signature`` or ``document_timestamp``.
    kind: str
    signer_name: str = ""
    organisation: str = ""
    #: The timestamp's time when there is a valid one, else the time the signer claimed.
    signing_time: datetime.datetime | None = None
    timestamped: bool = False
    timestamp_valid: bool | None = None
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revoked: bool = False
    revoked_at: datetime.datetime | None = None
    expired_at_signing: bool = False
    #: pyHanko's coverage (``ENTIRE_FILE``, ``ENTIRE_REVISION``…).
    coverage: str = ""
    #: pyHanko's modification level after this signature (``NONE``, ``LTA_UPDATES``,
    #: ``FORM_FILLING``, ``ANNOTATIONS``, ``OTHER``), when it was computed.
    modification_level: str = ""
    changes_allowed: bool = False
    bottom_line: bool = False
    reasons: list[str] = field(default_factory=list)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def _subject(cert: asn1_x509.Certificate | None) -> tuple[str, str]:
    if cert is None:
        return "", ""
    native = cert.subject.native
    return str(native.get("common_name", "")), str(native.get("organization_name", ""))


def _modification(status: ModificationInfo) -> tuple[str, str, bool]:
    coverage = status.coverage.name if status.coverage is not None else ""
    level = status.modification_level
    if status.docmdp_ok is not None:
        allowed = bool(status.docmdp_ok)
    else:  # no DocMDP policy applies (a document timestamp): judge by the level itself
        allowed = level is None or level <= ModificationLevel.FORM_FILLING
    return coverage, level.name if level is not None else "", allowed


def _trust_reasons(status: SignatureStatus, *, expired_at_signing: bool) -> list[str]:
    reasons: list[str] = []
    if not status.intact:
        reasons.append(_("The document was changed after this signature: the signed bytes differ."))
    elif not status.valid:
        reasons.append(_("The cryptographic signature does not match the signed content."))
    if status.revocation_details is not None:
        reasons.append(
            _("The signer's certificate was revoked on %(date)s.")
            % {"date": _when(status.revocation_details.revocation_date)}
        )
    if expired_at_signing:
        reasons.append(_("The signer's certificate was not valid at the signing time."))
    indic = status.trust_problem_indic
    if status.revocation_details is None and not expired_at_signing and status.intact:
        if (
            indic in (AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,)
            or status.validation_path is None
        ):
            reasons.append(_("The certificate does not chain to a trusted root."))
        elif indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE):
            reasons.append(_("The signer's certificate has expired."))
        elif indic is not None:
            reasons.append(
                _("The signer's certificate could not be validated (%(problem)s).")
                % {"problem": getattr(indic, "name", str(indic))}
            )
    return reasons


def _outside_validity(cert: asn1_x509.Certificate | None, moment: datetime.datetime | None) -> bool:
    if cert is None or moment is None:
        return False
    validity = cert["tbs_certificate"]["validity"]
    return not validity["not_before"].native <= moment <= validity["not_after"].native


def off_loop(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)``, in a worker thread when an asyncio loop is running in this one:
    pyHanko's synchronous validators start a loop of their own, which asyncio refuses
    inside a running one (an ASGI view, a notebook, a browser test's Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args).result()


def _report_signature(sig: EmbeddedPdfSignature, context: ValidationContext) -> SignatureReport:
    status = off_loop(validation.validate_pdf_signature, sig, context)
    name, organisation = _subject(status.signing_cert)
    ts = status.timestamp_validity
    ts_valid = bool(ts.valid and ts.intact and ts.trusted) if ts is not None else None
    claimed = status.signer_reported_dt or sig.self_reported_timestamp  # PAdES: the /M entry
    moment = ts.timestamp if ts is not None and ts_valid else claimed
    expired = _outside_validity(status.signing_cert, moment)
    coverage, level, allowed = _modification(status)
    reasons = _trust_reasons(status, expired_at_signing=expired)
    if not allowed:
        reasons.append(_("Changes made to the document after this signature are not allowed."))
    if ts is not None and not ts_valid:
        reasons.append(_("The signature's timestamp is not valid or not trusted."))
    bottom = bool(status.bottom_line) and not expired and not reasons
    return SignatureReport(
        field_name=sig.field_name,
        kind="signature",
        signer_name=name,
        organisation=organisation,
        signing_time=moment,
        timestamped=ts is not None,
        timestamp_valid=ts_valid,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted and not expired,
        revoked=status.revoked,
        revoked_at=(
            status.revocation_details.revocation_date
            if status.revocation_details is not None
            else None
        ),
        expired_at_signing=expired,
        coverage=coverage,
        modification_level=level,
        changes_allowed=allowed,
        bottom_line=bottom,
        reasons=reasons,
    )


def _report_timestamp(sig: EmbeddedPdfSignature, context: ValidationContext) -> SignatureReport:
    status = off_loop(validation.validate_pdf_timestamp, sig, context)
    name, organisation = _subject(status.signing_cert)
    coverage, level, allowed = _modification(status)
    reasons = _trust_reasons(status, expired_at_signing=False)
    if not allowed:
        reasons.append(_("Changes made to the document after this signature are not allowed."))
    ok = bool(status.valid and status.intact and status.trusted) and not reasons
    return SignatureReport(
        field_name=sig.field_name,
        kind="document_timestamp",
        signer_name=name,
        organisation=organisation,
        signing_time=status.timestamp,
        timestamped=True,
        timestamp_valid=ok,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        revoked=status.revoked,
        coverage=coverage,
        modification_level=level,
        changes_allowed=allowed,
        bottom_line=ok,
        reasons=reasons,
    )


def _damaged(sig: EmbeddedPdfSignature, exc: Exception) -> SignatureReport:
    """A signature the validator could not even read: the file was damaged or altered."""
    return SignatureReport(
        field_name=str(getattr(sig, "field_name", "")),
        kind="document_timestamp" if sig.sig_object_type == "/DocTimeStamp" else "signature",
        reasons=[
            _("The file is damaged or was altered; the signature cannot be checked (%(error)s).")
            % {"error": type(exc).__name__}
        ],
    )


def _context(
    reader: PdfFileReader,
    roots: list[asn1_x509.Certificate],
    crls: list[asn1_crl.CertificateList],
    allow_fetching: bool,
) -> ValidationContext:
    kwargs: dict[str, Any] = {
        "trust_roots": roots,
        "other_certs": extra_certificates(),
        "crls": [*known_crls(), *crls],
        "allow_fetching": allow_fetching,
    }
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    except NoDSSFoundError:
        return ValidationContext(**kwargs)


def validate_pdf(
    pdf: bytes,
    trust_roots_: Iterable[asn1_x509.Certificate] | None = None,
    *,
    crls: Iterable[asn1_crl.CertificateList] = (),
    allow_fetching: bool = False,
) -> list[SignatureReport]:
    """One report per signature of ``pdf``, in the order they were made.

    ``trust_roots_`` defaults to the site's (``SIGNING_TRUST_ROOTS``). A PDF without
    signatures gives an empty list; bytes that are no PDF are refused with ``NotAPdf``.
    """
    roots = list(trust_roots_) if trust_roots_ is not None else trust_roots()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise NotAPdf() from exc
    reports = []
    for sig in signatures:
        try:
            context = _context(reader, roots, list(crls), allow_fetching)
            if sig.sig_object_type == "/DocTimeStamp":
                reports.append(_report_timestamp(sig, context))
            else:
                reports.append(_report_signature(sig, context))
        except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
            reports.append(_damaged(sig, exc))
    return reports


__all__ = ["SignatureReport", "validate_pdf"]
