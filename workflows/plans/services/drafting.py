"""Drafting a plan: creating it, editing its revisions, submitting and withdrawing it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ActionNotPermitted, InvalidTransition, ValidationFailed
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import require
from approvals.registers.models import DocumentKind
from approvals.steps import service_atomic
from approvals.transitions import transition_perform
from workflows.plans.consulting import consulted_check
from workflows.plans.content import validate_content
from workflows.plans.models import REVIEW_STEPS, Plan, PlanRevision, PlanState
from workflows.plans.services.clock import _step_clock
from workflows.plans.services.consultation import _on_enter
from workflows.plans.services.notices import plan_step_notify
from workflows.plans.services.steps import DRAFT, _locked, _next_step

if TYPE_CHECKING:
    from collections.abc import Sequence


@service_atomic()
def plan_create(
    *,
    user: Any,
    issuing_agency: OrgUnit,
    drafting_unit: OrgUnit,
    kind: DocumentKind,
    year: int,
    content: dict[str, Any],
    needs_consultation: bool = False,
    consulted_agencies: Sequence[OrgUnit] = (),
    consultation_working_days: int = 0,
    recipient_units: Sequence[OrgUnit] = (),
    basis_plans: Sequence[Plan] = (),
    replaces: Plan | None = None,
) -> Plan:
    """Start a draft with its first revision."""
    require(user, DRAFT, unit=drafting_unit)
    standing = issuing_agency.standing_agency
    if not drafting_unit.is_within(issuing_agency) and not (
        standing is not None and drafting_unit.is_within(standing)
    ):
        raise ValidationFailed(
            _("The drafting unit %(unit)s does not belong to the issuing agency %(agency)s.")
            % {"unit": drafting_unit.name, "agency": issuing_agency.name}
        )
    if needs_consultation and (not consulted_agencies or consultation_working_days <= 0):
        raise ValidationFailed(
            _("A consultation needs the agencies to consult and the working days they have.")
        )
    consulted_check(consulted_agencies, issuing_agency=issuing_agency, drafting_unit=drafting_unit)
    content = validate_content(content)
    plan: Plan = Plan.objects.create(
        issuing_agency=issuing_agency,
        drafting_unit=drafting_unit,
        kind=kind,
        author=user,
        year=year,
        subject_summary=content["subject_summary"].strip(),
        needs_consultation=needs_consultation,
        consultation_working_days=consultation_working_days,
        replaces=replaces,
    )
    plan.consulted_agencies.set(consulted_agencies)
    plan.recipient_units.set(recipient_units)
    plan.basis_plans.set(basis_plans)
    revision = _new_revision(plan, content, user)
    audit_record(
        actor=user,
        action=DRAFT,
        subject=plan,
        to_state=PlanState.DRAFT,
        content_hash=revision.content_sha256,
        payload={"revision": revision.number},
    )
    return plan


def _new_revision(plan: Plan, content: dict[str, Any], user: Any) -> PlanRevision:
    plan.revision_number += 1
    plan.subject_summary = content["subject_summary"].strip()
    revision = PlanRevision.objects.create(
        plan=plan, number=plan.revision_number, content=content, created_by=user
    )
    Plan.objects.filter(pk=plan.pk).update(
        revision_number=plan.revision_number, subject_summary=plan.subject_summary
    )
    return revision


@dataclass(frozen=True)
class Addressing:
    """Who a draft goes to and who is consulted on it: the drafter may change them with the
    text while the plan is a draft (``None`` in :func:`plan_edit` keeps them)."""

    needs_consultation: bool
    consulted_agencies: Sequence[OrgUnit]
    consultation_working_days: int
    recipient_units: Sequence[OrgUnit]


def _addressing_set(plan: Plan, addressing: Addressing) -> list[str]:
    """Apply ``addressing`` to ``plan``; the names of the fields that changed."""
    if addressing.needs_consultation and (
        not addressing.consulted_agencies or addressing.consultation_working_days <= 0
    ):
        raise ValidationFailed(
            _("A consultation needs the agencies to consult and the working days they have.")
        )
    consulted_check(
        addressing.consulted_agencies,
        issuing_agency=plan.issuing_agency,
        drafting_unit=plan.drafting_unit,
    )
    changed = []
    if addressing.needs_consultation != plan.needs_consultation:
        changed.append("needs_consultation")
    if addressing.consultation_working_days != plan.consultation_working_days:
        changed.append("consultation_working_days")
    if changed:
        plan.needs_consultation = addressing.needs_consultation
        plan.consultation_working_days = addressing.consultation_working_days
        plan.save(update_fields=["needs_consultation", "consultation_working_days"])
    for name, units in (
        ("consulted_agencies", addressing.consulted_agencies),
        ("recipient_units", addressing.recipient_units),
    ):
        related = getattr(plan, name)
        if set(related.values_list("pk", flat=True)) != {u.pk for u in units}:
            related.set(units)
            changed.append(name)
    return changed


@service_atomic()
def plan_edit(
    *, plan: Plan, user: Any, content: dict[str, Any], addressing: Addressing | None = None
) -> PlanRevision:
    """Save a new revision of a draft (and its addressing, when given); only its drafter may,
    and never after signature."""
    locked = _locked(plan)
    if locked.state != PlanState.DRAFT:
        if locked.state in (PlanState.SIGNED, PlanState.IN_FORCE, PlanState.CLOSED):
            raise InvalidTransition(
                _(
                    "A signed document cannot be edited; issue a new document that replaces "
                    "or amends it."
                )
            )
        raise InvalidTransition(
            _("The plan can only be edited while it is with its drafter (now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    if user.pk != locked.author_id:
        raise ActionNotPermitted(_("Only the drafter of this plan can edit it."))
    require(user, DRAFT, unit=locked.drafting_unit)
    content = validate_content(content)
    changed = _addressing_set(locked, addressing) if addressing is not None else []
    previous = locked.current_revision
    if content == previous.content and not changed:
        return previous
    revision = _new_revision(locked, content, user) if content != previous.content else previous
    audit_record(
        actor=user,
        action="plans.edit_plan",
        subject=locked,
        from_state=PlanState.DRAFT,
        to_state=PlanState.DRAFT,
        content_hash=revision.content_sha256,
        payload={"revision": revision.number, "addressing_changed": changed},
    )
    plan.revision_number = revision.number
    return revision


@service_atomic()
def plan_submit(*, plan: Plan, user: Any, comment: str = "") -> Plan:
    """Submit the draft: to the step that returned it, else to the first review."""
    locked = _locked(plan)
    if user.pk != locked.author_id:
        raise ActionNotPermitted(_("Only the drafter of this plan can submit it."))
    revision = locked.current_revision
    # back to the review that returned it; after the signature or a first submission, to
    # the first review whose approval of this revision is missing
    if locked.returned_from in REVIEW_STEPS:
        target = locked.returned_from
    else:
        target = _next_step(locked, revision)
    locked.returned_from = ""  # saved with the transition
    transition_perform(
        obj=locked,
        transition="submit",
        user=user,
        action=DRAFT,
        comment=comment,
        unit=locked.drafting_unit,
        payload={"revision": revision.number},
        to=target,
    )
    _on_enter(locked, revision, user)
    plan_step_notify(locked, actor=user)
    return locked


@service_atomic()
def plan_withdraw(*, plan: Plan, user: Any, comment: str = "") -> Plan:
    """The drafter withdraws the plan before it is signed."""
    locked = _locked(plan)
    if user.pk != locked.author_id:
        raise ActionNotPermitted(_("Only the drafter of this plan can withdraw it."))
    if locked.state not in (PlanState.DRAFT, *REVIEW_STEPS, PlanState.SIGNATURE):
        raise InvalidTransition(_("A signed plan cannot be withdrawn."))
    transition_perform(
        obj=locked,
        transition="withdraw",
        user=user,
        action=DRAFT,
        comment=comment,
        unit=locked.drafting_unit,
    )
    _step_clock(locked, user)
    return locked
