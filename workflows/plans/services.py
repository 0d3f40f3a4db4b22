"""Every change to a plan goes through these services.

Each runs in one transaction, locks the plan row (so two leaders pressing "sign"
together leave one signature), checks the state and the actor's authority through the
engine, and writes its audit event.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record, signature_record
from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.services import deadline_complete, deadline_start
from approvals.calendar.workdays import add_days
from approvals.exceptions import (
    ActionNotPermitted,
    InvalidTransition,
    RegulationNotFound,
    ValidationFailed,
)
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import require
from approvals.registers.models import DocumentKind
from approvals.registers.services import number_issue
from approvals.regulations.services import rules_in_force
from approvals.steps import service_atomic
from approvals.transitions import transition_perform
from workflows.plans import esign
from workflows.plans.content import validate_content
from workflows.plans.models import (
    REVIEW_STEPS,
    Consultation,
    ConsultationStatus,
    Dispatch,
    Plan,
    PlanApproval,
    PlanAttachment,
    PlanRevision,
    PlanState,
    ReportDue,
    ReportPeriod,
    StepDecision,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

DRAFT = "plans.draft_plan"
REVIEW = "plans.review_plan"
FORMAT = "plans.check_plan_format"
ANSWER = "plans.answer_consultation"
SIGN = "plans.sign_plan"
ISSUE = "plans.issue_plan"
ACKNOWLEDGE = "plans.acknowledge_plan"
REPORT = "plans.submit_report"
CLOSE = "plans.close_plan"

PROCESSING = "plan_processing"

#: Who acts at each step, and at which unit the right is checked.
STEP_ACTION: dict[str, str] = {
    PlanState.DIVISION_REVIEW: REVIEW,
    PlanState.FORMAT_CHECK: FORMAT,
    PlanState.CONSULTATION: REVIEW,
    PlanState.SIGNATURE: SIGN,
}


def step_unit(plan: Plan, step: str) -> OrgUnit:
    if step in (PlanState.FORMAT_CHECK, PlanState.SIGNATURE):
        return plan.issuing_agency
    return plan.drafting_unit


def _locked(plan: Plan) -> Plan:
    locked: Plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("issuing_agency", "drafting_unit", "kind", "author")
        .get(pk=plan.pk)
    )
    return locked


def _today() -> datetime.date:
    return timezone.localdate()


def _required_steps(plan: Plan) -> list[str]:
    steps: list[str] = [PlanState.DIVISION_REVIEW, PlanState.FORMAT_CHECK]
    if plan.needs_consultation:
        steps.append(PlanState.CONSULTATION)
    return steps


def _approved_steps(plan: Plan, revision: PlanRevision) -> set[str]:
    return set(
        PlanApproval.objects.filter(
            plan=plan, revision=revision, decision=StepDecision.APPROVED
        ).values_list("step", flat=True)
    )


def _next_step(plan: Plan, revision: PlanRevision) -> str:
    """The first required step without an approval of ``revision``, else the signature."""
    approved = _approved_steps(plan, revision)
    for step in _required_steps(plan):
        if step not in approved:
            return step
    return PlanState.SIGNATURE


# --- drafting ------------------------------------------------------------------------------


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


@service_atomic()
def plan_edit(*, plan: Plan, user: Any, content: dict[str, Any]) -> PlanRevision:
    """Save a new revision of a draft; only its drafter may, and never after signature."""
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
    previous = locked.current_revision
    if content == previous.content:
        return previous
    revision = _new_revision(locked, content, user)
    audit_record(
        actor=user,
        action="plans.edit_plan",
        subject=locked,
        from_state=PlanState.DRAFT,
        to_state=PlanState.DRAFT,
        content_hash=revision.content_sha256,
        payload={"revision": revision.number},
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
    return locked


def _on_enter(plan: Plan, revision: PlanRevision, user: Any) -> None:
    if plan.state == PlanState.CONSULTATION:
        _open_consultation(plan, revision, user)
    _step_clock(plan, user)


#: The regulation and rule giving each step's time limit (none: the step has no clock, e.g.
#: the draft, which is the drafter's own time, and the consultation, which has its own).
STEP_PERIODS: dict[str, tuple[str, str]] = {
    PlanState.DIVISION_REVIEW: (PROCESSING, "division_review.period"),
    PlanState.FORMAT_CHECK: (PROCESSING, "format_check.period"),
    PlanState.SIGNATURE: (PROCESSING, "signature.period"),
    PlanState.SIGNED: ("document_work", "numbering.after_signature_period"),
}
STEP_PURPOSE = "step:"


def _step_clock(plan: Plan, user: Any, *, on: datetime.date | None = None) -> None:
    """Stop the clock of the step the plan left and start the one of the step it entered."""
    day = on or _today()
    for running in (
        Deadline.objects.for_subject(subject_type="plans.plan", subject_id=str(plan.pk))
        .filter(completed_on__isnull=True, purpose__startswith=STEP_PURPOSE)
        .select_for_update()
    ):
        if running.purpose == f"{STEP_PURPOSE}{plan.state}":
            return  # still at that step (e.g. a consultation closed straight away)
        deadline_complete(deadline=running, on=max(day, running.started_on), user=user, locked=True)
    source = STEP_PERIODS.get(str(plan.state))
    if source is None:
        return
    code, key = source
    try:
        period = rules_in_force(code, on=day, unit=plan.issuing_agency).period(key)
    except RegulationNotFound:
        return  # an agency without such a rule keeps no clock on this step
    deadline_start(
        subject_type="plans.plan",
        subject_id=plan.pk,
        purpose=f"{STEP_PURPOSE}{plan.state}",
        length=period.length,
        day_kind=period.day_kind,
        started_on=day,
        user=user,
    )


def step_deadline(plan: Plan) -> Deadline | None:
    """The running time limit of the plan's current step, if it has one."""
    found: Deadline | None = (
        Deadline.objects.for_subject(subject_type="plans.plan", subject_id=str(plan.pk))
        .filter(completed_on__isnull=True, purpose=f"{STEP_PURPOSE}{plan.state}")
        .first()
    )
    return found


def _open_consultation(plan: Plan, revision: PlanRevision, user: Any) -> None:
    """Ask each consulted agency about ``revision``; answers already given on it still count."""
    today = _today()
    existing = {c.agency_id: c for c in Consultation.objects.filter(plan=plan, revision=revision)}
    for agency in plan.consulted_agencies.all():
        consultation = existing.get(agency.pk)
        if consultation is not None and consultation.status in (
            ConsultationStatus.ANSWERED,
            ConsultationStatus.LATE,
        ):
            continue
        deadline = deadline_start(
            subject_type="plans.plan",
            subject_id=plan.pk,
            purpose=f"consultation:{agency.pk}:r{revision.number}",
            length=plan.consultation_working_days,
            day_kind=DayKind.WORKING,
            started_on=today,
            user=user,
        )
        if consultation is None:
            Consultation.objects.create(
                plan=plan, revision=revision, agency=agency, deadline=deadline
            )
        else:  # asked again after a return of the same revision
            consultation.status = ConsultationStatus.PENDING
            consultation.deadline = deadline
            consultation.save(update_fields=["status", "deadline"])
    if not Consultation.objects.filter(
        plan=plan, revision=revision, status=ConsultationStatus.PENDING
    ).exists():
        _close_consultation(plan, user=user, on=today)


# --- reviews -------------------------------------------------------------------------------


def _review_state(plan: Plan) -> str:
    if plan.state not in STEP_ACTION:
        raise InvalidTransition(
            _("The plan is not waiting for a review or a signature (now: %(state)s).")
            % {"state": plan.get_state_display()}
        )
    return str(plan.state)


def _check_revision(plan: Plan, seen_revision: int | None) -> None:
    if seen_revision is not None and seen_revision != plan.revision_number:
        raise InvalidTransition(
            _(
                "You are looking at revision %(seen)s, but the plan is now at revision "
                "%(current)s. Reload it and review the changes."
            )
            % {"seen": seen_revision, "current": plan.revision_number}
        )


@service_atomic()
def plan_approve(
    *, plan: Plan, user: Any, comment: str = "", seen_revision: int | None = None
) -> Plan:
    """Approve the current revision at the division review or the format check."""
    locked = _locked(plan)
    step = _review_state(locked)
    if step not in (PlanState.DIVISION_REVIEW, PlanState.FORMAT_CHECK):
        raise InvalidTransition(
            _("At “%(step)s” the plan is not approved this way.")
            % {"step": locked.get_state_display()}
        )
    _check_revision(locked, seen_revision)
    revision = locked.current_revision
    PlanApproval.objects.create(
        plan=locked,
        step=step,
        revision=revision,
        decision=StepDecision.APPROVED,
        user=user,
        comment=comment.strip(),
    )
    target = _next_step(locked, revision)
    transition_perform(
        obj=locked,
        transition="advance",
        user=user,
        action=STEP_ACTION[step],
        comment=comment,
        unit=step_unit(locked, step),
        payload={"revision": revision.number, "step": step},
        to=target,
    )
    _on_enter(locked, revision, user)
    return locked


@service_atomic()
def plan_return(*, plan: Plan, user: Any, comment: str, seen_revision: int | None = None) -> Plan:
    """Return the plan to its drafter from a review or the signature; the comment is required."""
    locked = _locked(plan)
    step = _review_state(locked)
    if not comment.strip():
        raise ValidationFailed(_("Say what must change: a comment is required to return a plan."))
    _check_revision(locked, seen_revision)
    revision = locked.current_revision
    PlanApproval.objects.create(
        plan=locked,
        step=step,
        revision=revision,
        decision=StepDecision.RETURNED,
        user=user,
        comment=comment.strip(),
    )
    for pending in Consultation.objects.filter(
        plan=locked, revision=revision, status=ConsultationStatus.PENDING
    ).select_related("deadline"):
        pending.status = ConsultationStatus.NOT_ANSWERED
        pending.save(update_fields=["status"])
        deadline_complete(deadline=pending.deadline, on=_today(), user=user)
    transition_perform(
        obj=locked,
        transition="return_to_drafter",
        user=user,
        action=STEP_ACTION[step],
        comment=comment,
        unit=step_unit(locked, step),
        payload={"revision": revision.number, "step": step},
    )
    Plan.objects.filter(pk=locked.pk).update(returned_from=step)
    locked.returned_from = step
    _step_clock(locked, user)
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


# --- consultation --------------------------------------------------------------------------


@service_atomic()
def consultation_answer(
    *, consultation: Consultation, user: Any, answer: str, on: datetime.date | None = None
) -> Consultation:
    """A member agency gives its opinion; a late answer is kept and marked late."""
    day = on or _today()
    plan = _locked(consultation.plan)
    locked = (
        Consultation.objects.select_for_update().select_related("deadline").get(pk=consultation.pk)
    )
    if plan.state != PlanState.CONSULTATION or locked.revision_id != plan.current_revision.pk:
        raise InvalidTransition(
            _("This consultation is closed; the answer can no longer be recorded.")
        )
    if locked.status != ConsultationStatus.PENDING:
        raise InvalidTransition(_("%(agency)s has already answered.") % {"agency": locked.agency})
    if not answer.strip():
        raise ValidationFailed(_("The answer is empty."))
    authority = require(user, ANSWER, unit=locked.agency)
    late = day > locked.deadline.due_on
    locked.status = ConsultationStatus.LATE if late else ConsultationStatus.ANSWERED
    locked.answer = answer.strip()
    locked.answered_by = user
    locked.answered_on = day
    locked.save(update_fields=["status", "answer", "answered_by", "answered_on"])
    deadline_complete(deadline=locked.deadline, on=day, user=user)
    audit_record(
        actor=user,
        action=ANSWER,
        subject=plan,
        comment=locked.answer,
        authority=authority,
        content_hash=plan.current_revision.content_sha256,
        payload={"agency": locked.agency_id, "late": late},
    )
    if not Consultation.objects.filter(
        plan=plan, revision=locked.revision, status=ConsultationStatus.PENDING
    ).exists():
        _close_consultation(plan, user=None, on=day)
    return locked


def _close_consultation(plan: Plan, *, user: Any, on: datetime.date) -> None:
    revision = plan.current_revision
    missing = list(
        Consultation.objects.filter(
            plan=plan, revision=revision, status=ConsultationStatus.PENDING
        ).select_related("agency")
    )
    for consultation in missing:
        consultation.status = ConsultationStatus.NOT_ANSWERED
        consultation.save(update_fields=["status"])
    PlanApproval.objects.create(
        plan=plan,
        step=PlanState.CONSULTATION,
        revision=revision,
        decision=StepDecision.APPROVED,
        user=user,
        comment=", ".join(c.agency.name for c in missing),
    )
    target = _next_step(plan, revision)
    from_state = str(plan.state)
    plan.advance(to=target)
    plan.save()
    audit_record(
        actor=user,
        action="plans.close_consultation",
        subject=plan,
        from_state=from_state,
        to_state=target,
        content_hash=revision.content_sha256,
        payload={"not_answered": [c.agency_id for c in missing]},
    )
    _step_clock(plan, user, on=on)


@service_atomic()
def consultation_close_due(*, on: datetime.date | None = None) -> list[Plan]:
    """Close consultations whose every pending deadline has passed (a periodic job)."""
    day = on or _today()
    closed = []
    for plan_id in Plan.objects.filter(state=PlanState.CONSULTATION).values_list("pk", flat=True):
        plan = Plan.objects.select_for_update().get(pk=plan_id)
        pending = Consultation.objects.filter(
            plan=plan, revision__number=plan.revision_number, status=ConsultationStatus.PENDING
        ).select_related("deadline")
        if pending and all(c.deadline.is_overdue(day) for c in pending):
            _close_consultation(plan, user=None, on=day)
            closed.append(plan)
    return closed


# --- signature, issue, dispatch ------------------------------------------------------------


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
    return locked


@esign.refusal_recorded(esign.ISSUE_REFUSED)
@service_atomic()
def plan_issue(*, plan: Plan, user: Any, issued_on: datetime.date | None = None) -> Plan:
    """Number and date the signed plan, dispatch it to its recipients, file it, open reports."""
    day = issued_on or _today()
    locked = _locked(plan)
    if locked.state != PlanState.SIGNED:
        raise InvalidTransition(
            _("Only a signed plan can be numbered and dispatched (now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    authority = require(user, ISSUE, locked, unit=locked.issuing_agency)
    rules = rules_in_force("document_work", on=day, unit=locked.issuing_agency)
    period = rules.period("numbering.after_signature_period")
    signed_on = timezone.localtime(locked.signature.signed_at).date() if locked.signature else day
    latest = add_days(signed_on, period.length, DayKind(period.day_kind))
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
    Dispatch.objects.bulk_create(
        Dispatch(plan=locked, unit=unit, sent_on=day) for unit in locked.recipient_units.all()
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
    return locked


def _open_reports(plan: Plan, day: datetime.date) -> None:
    """Reports owed on the plan: each task's unit reports to the compiling unit, which
    reports on to the issuing agency (division → department office → leadership;
    member agency → standing agency → committee)."""
    content = plan.current_revision.content
    if not content.get("reporting"):
        return
    report_to = content.get("report_to_unit_id")
    compiler = OrgUnit.objects.get(pk=report_to) if report_to else plan.issuing_agency
    unit_ids = {t["unit_id"] for t in content.get("tasks", [])}
    if compiler.pk != plan.issuing_agency_id:
        unit_ids.add(compiler.pk)
    units = OrgUnit.objects.in_bulk(sorted(unit_ids))
    rows: list[ReportDue] = []
    for line in content.get("reporting", []):
        due = datetime.date.fromisoformat(f"{plan.year:04d}-{line['due']}")
        if due < day:
            continue
        for uid in sorted(units):
            recipient = plan.issuing_agency if uid == compiler.pk else compiler
            rows.append(
                ReportDue(
                    plan=plan,
                    unit=units[uid],
                    recipient=recipient,
                    period=ReportPeriod(line["period"]),
                    due_on=due,
                )
            )
    ReportDue.objects.bulk_create(rows)


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


@service_atomic()
def report_submit(
    *,
    report: ReportDue,
    user: Any,
    text: str,
    on: datetime.date | None = None,
    inputs: Sequence[ReportDue] = (),
) -> ReportDue:
    """A unit sends its periodic report; a compiled report names the reports it rolls up."""
    day = on or _today()
    locked = ReportDue.objects.select_for_update().select_related("plan").get(pk=report.pk)
    if locked.submitted_on is not None:
        raise InvalidTransition(_("This report was already submitted."))
    if locked.plan.state != PlanState.IN_FORCE:
        raise InvalidTransition(_("Reports are only taken while the plan is in force."))
    if not text.strip():
        raise ValidationFailed(_("The report is empty."))
    authority = require(user, REPORT, unit=locked.unit)
    locked.submitted_on = day
    locked.submitted_by = user
    locked.text = text.strip()
    locked.save(update_fields=["submitted_on", "submitted_by", "text"])
    ReportDue.objects.filter(pk__in=[r.pk for r in inputs]).update(compiled_into=locked)
    audit_record(
        actor=user,
        action=REPORT,
        subject=locked.plan,
        authority=authority,
        payload={"unit": locked.unit_id, "period": locked.period, "late": locked.late},
    )
    return locked


@service_atomic()
def plan_close(*, plan: Plan, user: Any, comment: str) -> Plan:
    """Close the plan after its final review; every report must be in."""
    locked = _locked(plan)
    if not comment.strip():
        raise ValidationFailed(_("Write the final review's conclusion to close the plan."))
    if locked.state != PlanState.IN_FORCE:
        raise InvalidTransition(
            _("Only a plan in force can be closed (now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    authority = require(user, CLOSE, locked, unit=locked.issuing_agency)
    missing = list(locked.reports.filter(submitted_on__isnull=True).select_related("unit"))
    if missing:
        raise InvalidTransition(
            _("Reports are still missing from: %(units)s.")
            % {"units": ", ".join(sorted({r.unit.name for r in missing}))}
        )
    transition_perform(
        obj=locked,
        transition="close",
        user=user,
        action=CLOSE,
        comment=comment,
        unit=locked.issuing_agency,
        authority=authority,
    )
    return locked


__all__ = [
    "consultation_answer",
    "consultation_close_due",
    "dispatch_acknowledge",
    "plan_approve",
    "plan_close",
    "plan_create",
    "plan_edit",
    "plan_issue",
    "plan_return",
    "plan_sign",
    "plan_submit",
    "plan_withdraw",
    "report_submit",
]


# --- attachments -----------------------------------------------------------------------------

#: What each accepted type starts with; an upload whose bytes do not match its name is refused.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
_ZIP_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _checked_extension(name: str, head: bytes, data: Any) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e for e in settings.PLAN_ATTACHMENT_TYPES if e in _SIGNATURES]
    if extension not in allowed:
        raise ValidationFailed(
            _("Files of type “%(type)s” are not accepted; accepted: %(allowed)s.")
            % {"type": extension or "?", "allowed": ", ".join(allowed)},
            field="file",
        )
    if not head.startswith(_SIGNATURES[extension]):
        raise ValidationFailed(
            _("The file “%(name)s” is not a real %(type)s file.")
            % {"name": name, "type": extension.upper()},
            field="file",
        )
    member = _ZIP_MEMBER.get(extension)
    if member is not None:
        import zipfile

        try:
            with zipfile.ZipFile(data) as archive:
                found = member in archive.namelist()
        except zipfile.BadZipFile:
            found = False
        if not found:
            raise ValidationFailed(
                _("The file “%(name)s” is not a real %(type)s file.")
                % {"name": name, "type": extension.upper()},
                field="file",
            )
    if extension == "pdf" and not _readable_pdf(data):
        # the agency signs every PDF attachment at issue: it must be a PDF that can be read
        raise ValidationFailed(
            _("The file “%(name)s” is a damaged PDF that cannot be read.") % {"name": name},
            field="file",
        )
    return extension


def _readable_pdf(data: Any) -> bool:
    import pypdf
    from pypdf.errors import PyPdfError

    data.seek(0)
    try:
        return len(pypdf.PdfReader(data).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return False
    finally:
        data.seek(0)


@service_atomic()
def plan_attach(*, plan: Plan, user: Any, upload: Any) -> PlanAttachment:
    """The drafter attaches a file to the draft: type checked by content, size capped."""
    locked = _locked(plan)
    if user.pk != locked.author_id:
        raise ActionNotPermitted(_("Only the drafter of this plan can attach files to it."))
    if locked.state != PlanState.DRAFT:
        raise InvalidTransition(_("Files are attached while the plan is a draft."))
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    size = int(getattr(upload, "size", 0) or 0)
    limit = int(settings.PLAN_ATTACHMENT_MAX_BYTES)
    if size <= 0:
        raise ValidationFailed(_("The file is empty."), field="file")
    if size > limit:
        raise ValidationFailed(
            _("The file is %(size)s MB; at most %(limit)s MB are accepted.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = _checked_extension(name, head, upload)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    attachment = PlanAttachment(
        plan=locked,
        original_name=name,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(f"upload.{extension}", upload, save=False)
    attachment.save()
    audit_record(
        actor=user,
        action=DRAFT,
        subject=locked,
        from_state=PlanState.DRAFT,
        to_state=PlanState.DRAFT,
        comment=_("Attached “%(name)s”") % {"name": name},
        content_hash=attachment.sha256,
        payload={"attachment": attachment.pk, "size": size, "type": extension},
    )
    return attachment


@service_atomic()
def plan_detach(*, attachment: PlanAttachment, user: Any) -> PlanAttachment:
    """The drafter removes a file from the draft; the row stays, marked removed."""
    locked = _locked(attachment.plan)
    if user.pk != locked.author_id:
        raise ActionNotPermitted(_("Only the drafter of this plan can remove its files."))
    if locked.state != PlanState.DRAFT:
        raise InvalidTransition(_("Files are removed while the plan is a draft."))
    row = PlanAttachment.objects.select_for_update().get(pk=attachment.pk)
    if row.removed_at is not None:
        raise InvalidTransition(_("This file was already removed."))
    row.removed_at = timezone.now()
    row.save(update_fields=["removed_at"])
    audit_record(
        actor=user,
        action=DRAFT,
        subject=locked,
        from_state=PlanState.DRAFT,
        to_state=PlanState.DRAFT,
        comment=_("Removed “%(name)s”") % {"name": row.original_name},
        content_hash=row.sha256,
        payload={"attachment": row.pk},
    )
    return row
