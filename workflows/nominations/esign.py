"""The recognition decision's digital signatures (Decree 30/2020 Phụ lục I).

The PDF signed at the decision step and issued at numbering is made and signed in
:mod:`workflows.nominations.decision_pdf`; its names are re-exported here.

- :func:`decisions_sign`: the leader's batch (ký hàng loạt): each decision checked on its
  own, every passing one signed with one opening of the key (one PIN, one remote
  authorisation), then each recorded in its own transaction with its own outcome.
- :func:`issued_pdf`: the decision's PDF as handed out: issued, else signed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.exceptions import ApprovalError
from approvals.signing.documents import Document, sign_batch
from approvals.signing.enrol import usable_credential
from approvals.signing.exceptions import CredentialMissing, SigningRefused
from workflows.documents import esign as shared
from workflows.documents.esign import SEAL_FIELD, SIGNER_FIELD, stamp_style
from workflows.nominations.decision_pdf import (
    ISSUE_REFUSED,
    PRESIGNED,
    SIGN_REFUSED,
    content_digest,
    decision_spec,
    decision_to_sign,
    fillable_layout,
    issue_decision,
    refusal_recorded,
    sign_decision,
)
from workflows.nominations.models import Dossier as DossierModel
from workflows.nominations.recognition import SUBJECT, issued_pdf
from workflows.nominations.services import decision_checks, dossier_decide

if TYPE_CHECKING:
    import datetime

    from workflows.nominations.models import Dossier


# --- batch signing (ký hàng loạt) ----------------------------------------------------------


@dataclass(frozen=True)
class BatchOutcome:
    """One decision of a batch: signed, or refused and why."""

    dossier: Dossier
    refusal: str = ""

    @property
    def ok(self) -> bool:
        return not self.refusal


def decisions_sign(
    dossiers: Sequence[Dossier],
    *,
    user: Any,
    pin: str | None = None,
    late_reason: str = "",
    on: datetime.date | None = None,
    decide: Callable[..., Any] | None = None,
) -> list[BatchOutcome]:
    """Sign several decisions with one opening of the user's key.

    Each decision's own checks run first; a refused one is left out. The others are signed
    together (one token login / PIN entry, one remote authorisation), then each is recorded
    by ``decide`` (the flow's step; by default the service) in its own transaction, with its
    own signature record and audit event. A problem of the key itself (wrong PIN, token
    absent, no certificate) refuses the whole batch: raised, recorded on each decision.
    """
    step = decide or (lambda d, u, **kw: dossier_decide(dossier=d, user=u, **kw))
    fresh = DossierModel.objects.select_related(
        "deciding_unit", "proposing_unit", "decision_deadline"
    ).in_bulk([d.pk for d in dossiers])
    dossiers = [fresh[d.pk] for d in dossiers if d.pk in fresh]
    outcomes: dict[int, BatchOutcome] = {}
    documents: list[Document] = []
    digests: dict[int, str] = {}
    for dossier in dossiers:
        try:
            # The decision's day is an act's date: a refused one is left out before signing.
            day = act_date_check(ActKind.DECISION, on, unit=dossier.deciding_unit)
            _deadline, authority = decision_checks(dossier, user, day, late_reason)
            document = decision_to_sign(
                dossier, authority=authority, signer=user, key=str(dossier.pk)
            )
        except ApprovalError as exc:
            outcomes[dossier.pk] = BatchOutcome(dossier, str(exc))
            continue
        documents.append(document)
        digests[dossier.pk] = content_digest(dossier)
    by_pk = {d.pk: d for d in dossiers}
    if documents:
        credential = usable_credential(user)
        try:
            if credential is None:
                raise CredentialMissing(
                    _("You have no valid signing certificate registered; ask the administrator.")
                )
            appearance = stamp_style(credential, "{signer}", "{time}")
            signed = sign_batch(
                [replace(d, appearance=appearance) for d in documents],
                credential=credential,
                as_user=user,
                pin=pin or None,
            )
        except SigningRefused as exc:
            for document in documents:
                shared.record_refusal(
                    by_pk[int(document.key)],
                    user,
                    SIGN_REFUSED,
                    exc,
                    subject_type=SUBJECT,
                    model=DossierModel,
                )
            raise
        for outcome in signed:
            dossier = by_pk[int(outcome.key)]
            if outcome.refusal is not None or outcome.pdf is None:
                refusal = outcome.refusal or SigningRefused(_("The decision was not signed."))
                shared.record_refusal(
                    dossier, user, SIGN_REFUSED, refusal, subject_type=SUBJECT, model=DossierModel
                )
                outcomes[dossier.pk] = BatchOutcome(dossier, str(refusal))
                continue
            token = PRESIGNED.set({dossier.pk: (digests[dossier.pk], outcome.pdf)})
            try:
                step(dossier, user, on=on, late_reason=late_reason)
            except ApprovalError as exc:
                outcomes[dossier.pk] = BatchOutcome(dossier, str(exc))
            else:
                outcomes[dossier.pk] = BatchOutcome(dossier)
            finally:
                PRESIGNED.reset(token)
    return [outcomes[d.pk] for d in dossiers]


__all__ = [
    "ISSUE_REFUSED",
    "SEAL_FIELD",
    "SIGNER_FIELD",
    "SIGN_REFUSED",
    "SUBJECT",
    "BatchOutcome",
    "decision_spec",
    "decision_to_sign",
    "decisions_sign",
    "fillable_layout",
    "issue_decision",
    "issued_pdf",
    "refusal_recorded",
    "sign_decision",
]
