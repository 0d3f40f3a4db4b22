"""Reading an uploaded PDF and turning the validator's reports into a verdict for people.

:func:`read_upload` refuses what cannot be checked (no file, an empty one, one over
``VERIFY_MAX_BYTES``, one that is no PDF) with :class:`VerificationRefused`, whose ``code`` is
stable; :func:`verify_pdf` validates the signatures against the site's trust roots and refuses
a damaged PDF and a PDF without any signature the same way.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.exceptions import ValidationFailed
from approvals.signing.exceptions import NotAPdf
from approvals.signing.validation import SignatureReport, validate_pdf

logger = logging.getLogger(__name__)

#: Signing times are shown in Vietnam time, whatever the server's zone.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
TIME_FORMAT = "%d/%m/%Y %H:%M"
PDF_MAGIC = b"%PDF-"
#: A PDF's header may follow a few bytes of junk; readers look this far for it.
HEADER_WINDOW = 1024

VALID = "valid"
INVALID = "invalid"
VERDICT_LABELS: dict[str, Promise] = {
    VALID: gettext_lazy("Valid"),
    INVALID: gettext_lazy("Not valid"),
}
KIND_LABELS: dict[str, Promise] = {
    "signature": gettext_lazy("Digital signature"),
    "document_timestamp": gettext_lazy("Document timestamp"),
}


class VerificationRefused(ValidationFailed):
    """The upload cannot be checked; ``code`` says why, the message says it to the person."""

    code = "verification_refused"

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(message, field="file")
        self.code = code


def max_bytes() -> int:
    return int(settings.VERIFY_MAX_BYTES)


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file that may be a PDF, or a refusal naming the problem."""
    if upload is None:
        raise VerificationRefused("file_missing", _("Choose the PDF file to verify."))
    size = int(getattr(upload, "size", 0) or 0)
    limit = max_bytes()
    if size > limit:
        raise VerificationRefused(
            "file_too_large",
            _("The file is %(size)s MB; at most %(limit)s MB are accepted.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
        )
    upload.seek(0)
    data = bytes(upload.read(limit + 1))
    upload.seek(0)
    if not data:
        raise VerificationRefused("file_empty", _("The file is empty."))
    if len(data) > limit:  # the declared size understated it
        raise VerificationRefused(
            "file_too_large",
            _("The file is larger than %(limit)s MB.") % {"limit": f"{limit / 1_048_576:.0f}"},
        )
    if PDF_MAGIC not in data[:HEADER_WINDOW]:
        raise VerificationRefused(
            "not_a_pdf", _("The file is not a PDF document; only PDF files can be verified.")
        )
    return data


@dataclass(frozen=True)
class SignatureLine:
    """One signature of the file as the page and the API show it."""

    number: int
    report: SignatureReport

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.report.kind, self.report.kind))

    @property
    def signed_at(self) -> datetime.datetime | None:
        moment = self.report.signing_time
        return moment.astimezone(VIETNAM) if moment is not None else None

    @property
    def signed_at_display(self) -> str:
        moment = self.signed_at
        return moment.strftime(TIME_FORMAT) if moment is not None else ""

    @property
    def revoked_at_display(self) -> str:
        moment = self.report.revoked_at
        return moment.astimezone(VIETNAM).strftime(TIME_FORMAT) if moment is not None else ""

    @property
    def ok(self) -> bool:
        return self.report.bottom_line

    @property
    def title(self) -> str:
        """``Signature 2 (Nguyễn Văn An)``: how the verdict's reasons name this signature."""
        who = self.report.signer_name or self.report.field_name
        return _("Signature %(number)d (%(who)s)") % {"number": self.number, "who": who}


@dataclass(frozen=True)
class Verification:
    """Every signature of the file, and what they mean together."""

    sha256: str
    size: int
    signatures: list[SignatureLine] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return VALID if self.signatures and all(s.ok for s in self.signatures) else INVALID

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])

    @property
    def reasons(self) -> list[str]:
        """Why the document is not valid, each reason naming its signature; empty when valid."""
        found: list[str] = []
        for line in self.signatures:
            if line.ok:
                continue
            reasons = line.report.reasons or [_("The signature could not be confirmed.")]
            found.extend(
                _("%(signature)s: %(reason)s") % {"signature": line.title, "reason": reason}
                for reason in reasons
            )
        return found

    @property
    def summary(self) -> str:
        if self.verdict == VALID:
            return _(
                "Every signature is intact, made with a trusted certificate that was not "
                "revoked, and the document was changed after it only in the ways it allows."
            )
        return _("At least one signature of this document cannot be trusted.")


def verify_pdf(data: bytes, *, allow_fetching: bool = False) -> Verification:
    """Validate every signature of ``data`` against the site's trust roots."""
    try:
        reports = validate_pdf(data, allow_fetching=allow_fetching)
    except NotAPdf as exc:
        raise VerificationRefused(
            "damaged_pdf", _("The PDF file is damaged and cannot be read.")
        ) from exc
    except Exception as exc:  # an untrusted file may break the reader in any way
        logger.warning("verification: unreadable PDF", exc_info=True)
        raise VerificationRefused(
            "damaged_pdf", _("The PDF file is damaged and cannot be read.")
        ) from exc
    if not reports:
        raise VerificationRefused(
            "no_signatures", _("This PDF carries no digital signature: there is nothing to verify.")
        )
    return Verification(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        signatures=[SignatureLine(number, report) for number, report in enumerate(reports, 1)],
    )


def may_fetch(user: Any) -> bool:
    """Whether this check may fetch revocation data: signed-in users, when the site allows it."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    return authenticated and bool(getattr(settings, "SIGNING_ALLOW_FETCHING", False))


__all__ = [
    "INVALID",
    "VALID",
    "SignatureLine",
    "Verification",
    "VerificationRefused",
    "read_upload",
    "verify_pdf",
]
