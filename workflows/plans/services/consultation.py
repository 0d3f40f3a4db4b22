"""The steering committee's consultation: asking the agencies, their answers, the close."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.calendar.choices import DayKind
from approvals.calendar.services import deadline_complete, deadline_start
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.resolver import require
from approvals.steps import service_atomic
from workflows.plans.models import (
    Consultation,
    ConsultationStatus,
    Plan,
    PlanApproval,
    PlanRevision,
    PlanState,
    StepDecision,
)
from workflows.plans.services.clock import _step_clock
from workflows.plans.services.notices import plan_step_notify
from workflows.plans.services.steps import ANSWER, _locked, _next_step, _today


def _on_enter(plan: Plan, revision: PlanRevision, user: Any) -> None:
    if plan.state == PlanState.CONSULTATION:
        _open_consultation(plan, revision, user)
    _step_clock(plan, user)


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
        plan_step_notify(plan, actor=None, on=day)
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
            plan_step_notify(plan, actor=None, on=day)
            closed.append(plan)
    return closed
