"""Signing the plan, numbering and dispatching it, and the recipients' acknowledgement."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.services import audit_record, signature_record
from approvals.calendar.periods import period_end
from approvals.checkpoints.tasks import checkpoint_after_issue
from approvals.exceptions import InvalidTransition
from approvals.organisation.resolver import require
from approvals.registers.services import number_issue
from approvals.regulations.services import rules_in_force
from approvals.steps import service_atomic
from approvals.transitions import transition_perform
from workflows.plans import esign
from workflows.plans.models import Dispatch, Plan, PlanState
from workflows.plans.services.clock import _step_clock
from workflows.plans.services.notices import Outcome, plan_step_notify
from workflows.plans.services.reports import _open_reports
from workflows.plans.services.steps import (
    ACKNOWLEDGE,
    ISSUE,
    SIGN,
    _approved_steps,
    _check_revision,
    _locked,
    _required_steps,
)


@esign.refusal_recorded(esign.SIGN_REFUSED)
@service_atomic()
def plan_sign(
    *,
    plan: Plan,
    user: Any,
    comment: str = "",
    seen_revision: int | None = None,
    pin: str | None = None,
) -> Plan:
    """Sign the current revision: every review must have approved exactly this revision.

    The revision's PDF gets the signer's digital signature (:mod:`workflows.plans.esign`);
    ``pin`` unlocks a token whose PIN is not in the environment."""
    locked = _locked(plan)
    if locked.state != PlanState.SIGNATURE:
        raise InvalidTransition(
            _("The plan is not waiting for a signature (now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    _check_revision(locked, seen_revision)
    revision = locked.current_revision
    approved = _approved_steps(locked, revision)
    stale = [s for s in _required_steps(locked) if s not in approved]
    if stale:
        raise InvalidTransition(
            _("Revision %(rev)s has not been approved at: %(steps)s.")
            % {
                "rev": revision.number,
                "steps": ", ".join(str(PlanState(s).label) for s in stale),
            }
        )
    authority = require(user, SIGN, locked, unit=locked.issuing_agency)
    content = esign.sign_revision(locked, revision, authority=authority, signer=user, pin=pin)
    signature = signature_record(
        subject=locked,
        content=content,
        user=user,
        action_code=SIGN,
        revision=str(revision.number),
        comment=comment,
        unit=locked.issuing_agency,
        authority=authority,
    )
    locked.signature = signature  # saved with the transition
    transition_perform(
        obj=locked,
        transition="sign",
        user=user,
        action=SIGN,
        comment=comment,
        unit=locked.issuing_agency,
        payload={"revision": revision.number},
        authority=authority,
    )
    _step_clock(locked, user)
    plan_step_notify(locked, actor=user, outcome=Outcome.SIGNED, comment=comment)
    return locked


@esign.refusal_recorded(esign.ISSUE_REFUSED)
@service_atomic()
def plan_issue(*, plan: Plan, user: Any, issued_on: datetime.date | None = None) -> Plan:
    """Number and date the signed plan, dispatch it to its recipients, file it, open reports.

    ``issued_on`` is the issue's date: today, or a day the regulation ``act_dates`` still
    accepts (:func:`approvals.acts.act_date_check`); a refused date changes nothing."""
    locked = _locked(plan)
    if locked.state != PlanState.SIGNED:
        raise InvalidTransition(
            _("Only a signed plan can be numbered and dispatched (now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    day = act_date_check(ActKind.ISSUE, issued_on, unit=locked.issuing_agency)
    authority = require(user, ISSUE, locked, unit=locked.issuing_agency)
    rules = rules_in_force("document_work", on=day, unit=locked.issuing_agency)
    period = rules.period("numbering.after_signature_period")
    signed_on = timezone.localtime(locked.signature.signed_at).date() if locked.signature else day
    latest = period_end(signed_on, period)
    if day > latest:
        # Decree 30/2020: numbered at the latest on the next working day; record it, do not block.
        late_note = _("numbered after the legal time limit (%(date)s)") % {
            "date": f"{latest:%d/%m/%Y}"
        }
    else:
        late_note = ""
    entry = number_issue(
        agency=locked.issuing_agency,
        kind=locked.kind,
        issued_on=day,
        user=user,
        subject_summary=locked.subject_summary,
        subject=locked,
        drafting_unit=locked.drafting_unit,
    )
    locked.register_entry = entry  # saved with the transition
    issued = esign.issue_document(locked, entry=entry, day=day)
    recipients = list(locked.recipient_units.all())
    Dispatch.objects.bulk_create(
        Dispatch(plan=locked, unit=unit, sent_on=day) for unit in recipients
    )
    _open_reports(locked, day)
    transition_perform(
        obj=locked,
        transition="issue",
        user=user,
        action=ISSUE,
        comment=late_note,
        unit=locked.issuing_agency,
        payload={"symbol": entry.symbol, "issued_on": day.isoformat()},
        authority=authority,
        content_hash=hashlib.sha256(issued).hexdigest(),
    )
    _step_clock(locked, user, on=day)
    plan_step_notify(locked, actor=user, outcome=Outcome.ISSUED, recipients=recipients, on=day)
    checkpoint_after_issue()
    return locked


@service_atomic()
def dispatch_acknowledge(*, dispatch: Dispatch, user: Any) -> Dispatch:
    """A recipient unit confirms it received the plan."""
    locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if locked.acknowledged_at is not None:
        raise InvalidTransition(_("Receipt was already acknowledged."))
    authority = require(user, ACKNOWLEDGE, unit=locked.unit)
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = user
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=user,
        action=ACKNOWLEDGE,
        subject=locked.plan,
        authority=authority,
        payload={"unit": locked.unit_id},
    )
    return locked
