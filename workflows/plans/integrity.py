"""Check that every signed plan still has the content its signature covers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from workflows.plans.documents import verify_signature
from workflows.plans.models import Plan, PlanRevision, canonical_content


@dataclass(frozen=True)
class PlanProblem:
    """One signed plan whose content no longer agrees with its signature."""

    kind: str
    message: str
    plan_id: int


def plans_verify() -> list[PlanProblem]:
    """Every signed plan whose signed revision was changed (empty when all are intact)."""
    problems: list[PlanProblem] = []
    plans = (
        Plan.objects.filter(signature__isnull=False)
        .select_related("signature", "signature__signer", "kind", "issuing_agency")
        .order_by("pk")
    )
    for plan in plans.iterator(chunk_size=200):
        signature = plan.signature
        assert signature is not None  # noqa: S101 - filtered above
        params = {"id": plan.pk, "revision": signature.revision, "summary": plan.subject_summary}
        try:
            revision = plan.revisions.get(number=int(signature.revision))
        except (PlanRevision.DoesNotExist, ValueError):
            problems.append(
                PlanProblem(
                    kind="revision_missing",
                    plan_id=plan.pk,
                    message=_(
                        "Plan id %(id)s (“%(summary)s”): the signed revision %(revision)s "
                        "no longer exists."
                    )
                    % params,
                )
            )
            continue
        digest = hashlib.sha256(canonical_content(revision.content)).hexdigest()
        if digest != revision.content_sha256:
            problems.append(
                PlanProblem(
                    kind="revision_edited",
                    plan_id=plan.pk,
                    message=_(
                        "Plan id %(id)s (“%(summary)s”): the content of signed revision "
                        "%(revision)s was changed in the database after it was written."
                    )
                    % params,
                )
            )
        elif not verify_signature(plan):
            problems.append(
                PlanProblem(
                    kind="signed_content_changed",
                    plan_id=plan.pk,
                    message=_(
                        "Plan id %(id)s (“%(summary)s”): revision %(revision)s no longer "
                        "renders to the document that was signed."
                    )
                    % params,
                )
            )
    problems += issued_files_verify()
    return problems


#: The issued documents: the plans' and the recognition decisions' (by audit subject type).
PLANS = "plans.plan"
DECISIONS = "nominations.dossier"


def issued_files_verify(subject_type: str = PLANS) -> list[PlanProblem]:
    """Every issued plan's and decision's PDF: unchanged since stored, and each of its
    digital signatures intact and trusted to the site's trust roots (pyHanko's validator)."""
    from approvals.signing.exceptions import SigningRefused
    from approvals.signing.models import SignedFile, SignedStage
    from approvals.signing.validation import validate_pdf

    problems: list[PlanProblem] = []
    rows = SignedFile.objects.filter(subject_type=subject_type, stage=SignedStage.ISSUED).order_by(
        "pk"
    )
    for row in rows.iterator(chunk_size=200):
        plan_id = int(row.subject_id)
        try:
            data = row.read()
        except OSError:
            data = b""
        noun = _("Plan") if subject_type == PLANS else _("Decision")
        params = {"id": plan_id, "name": row.name, "noun": noun}
        if hashlib.sha256(data).hexdigest() != row.sha256:
            problems.append(
                PlanProblem(
                    kind="issued_file_changed",
                    plan_id=plan_id,
                    message=_(
                        "%(noun)s id %(id)s: the issued PDF “%(name)s” is missing or was "
                        "changed after it was stored."
                    )
                    % params,
                )
            )
            continue
        try:
            reports = validate_pdf(data)
        except SigningRefused as exc:
            reports, reason = [], str(exc)
        else:
            reason = "; ".join(
                f"{r.field_name}: {', '.join(r.reasons)}" for r in reports if not r.bottom_line
            )
            if len([r for r in reports if r.kind == "signature"]) < 2 and not reason:
                reason = _("it does not carry both the signer's and the agency's signatures")
        if reason:
            problems.append(
                PlanProblem(
                    kind="issued_signature_invalid",
                    plan_id=plan_id,
                    message=_("%(noun)s id %(id)s: the issued PDF “%(name)s” does not validate: ")
                    % params
                    + reason,
                )
            )
    return problems


__all__ = ["DECISIONS", "PLANS", "PlanProblem", "issued_files_verify", "plans_verify"]
