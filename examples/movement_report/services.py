"""Every change to a report goes through these services.

Each runs in one transaction, locks the report row, asks the engine's resolver whether the
user may act (at the unit the step belongs to), moves the FSM state and writes the audit
event, all through :func:`approvals.transitions.transition_perform`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import DeadlinePassed, ValidationFailed
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import require
from approvals.regulations.services import rules_in_force
from approvals.steps import service_atomic
from approvals.transitions import transition_perform
from examples.movement_report.models import MovementReport, ReportPeriod, ReportState

#: The actions, named like Django permissions; who may take them is data (ActionRule rows).
DRAFT = "movement_report.draft_report"
SUBMIT = "movement_report.submit_report"
REVIEW = "movement_report.review_report"
APPROVE = "movement_report.approve_report"

#: The regulation whose rules this process reads (seeded by migration 0002).
REGULATION = "movement_reporting"


def report_due_on(*, unit: OrgUnit, year: int, period: str, on: datetime.date) -> datetime.date:
    """The day a report of ``period`` is due, by the rules in force for ``unit`` on ``on``."""
    rules = rules_in_force(REGULATION, on=on, unit=unit)
    return rules.month_day(f"{period}.due", year)


def _locked(report: MovementReport) -> MovementReport:
    locked: MovementReport = (
        MovementReport.objects.select_for_update(of=("self",))
        .select_related("unit", "recipient")
        .get(pk=report.pk)
    )
    return locked


@service_atomic()
def report_create(
    *, user: Any, unit: OrgUnit, recipient: OrgUnit, year: int, period: str, text: str
) -> MovementReport:
    """Start a draft; its due date is fixed now, from the rules in force today."""
    require(user, DRAFT, unit=unit)
    if period not in ReportPeriod.values:
        raise ValidationFailed(_("Unknown reporting period “%(period)s”.") % {"period": period})
    if not text.strip():
        raise ValidationFailed(_("Write the results before saving the report."))
    today = timezone.localdate()
    report: MovementReport = MovementReport.objects.create(
        unit=unit,
        recipient=recipient,
        author=user,
        year=year,
        period=period,
        text=text.strip(),
        due_on=report_due_on(unit=unit, year=year, period=period, on=today),
    )
    audit_record(
        actor=user,
        action=DRAFT,
        subject=report,
        to_state=ReportState.DRAFT,
        content_hash=report.content_hash(),
        payload={"due_on": report.due_on.isoformat()},
    )
    return report


@service_atomic()
def report_submit(*, report: MovementReport, user: Any, comment: str = "") -> MovementReport:
    """Send the draft to the division head; refused once its due date has passed."""
    locked = _locked(report)
    authority = require(user, SUBMIT, locked, unit=locked.unit)
    if timezone.localdate() > locked.due_on:
        raise DeadlinePassed(
            _("The report was due on %(date)s; it can no longer be submitted.")
            % {"date": formats.date_format(locked.due_on, "d/m/Y")}
        )
    transition_perform(
        obj=locked,
        transition="submit",
        user=user,
        action=SUBMIT,
        comment=comment,
        unit=locked.unit,
        authority=authority,
    )
    return locked


@service_atomic()
def report_review(*, report: MovementReport, user: Any, comment: str = "") -> MovementReport:
    """The division head that receives the report checks it and sends it on."""
    locked = _locked(report)
    transition_perform(
        obj=locked,
        transition="review",
        user=user,
        action=REVIEW,
        comment=comment,
        unit=locked.recipient,
    )
    return locked


@service_atomic()
def report_approve(*, report: MovementReport, user: Any, comment: str = "") -> MovementReport:
    """The department's director or a deputy approves the report."""
    locked = _locked(report)
    transition_perform(
        obj=locked,
        transition="approve",
        user=user,
        action=APPROVE,
        comment=comment,
        unit=locked.recipient,
    )
    return locked


#: The step each state waits for: the service that takes it and the action it needs.
NEXT_STEP: dict[str, tuple[str, Any]] = {
    ReportState.DRAFT: (SUBMIT, report_submit),
    ReportState.SUBMITTED: (REVIEW, report_review),
    ReportState.REVIEWED: (APPROVE, report_approve),
}


def step_unit(report: MovementReport) -> OrgUnit:
    """Where the right to take the report's next step is checked: the commune, then the
    division it was sent to (the director's rule reaches it from the department above)."""
    return report.unit if report.state == ReportState.DRAFT else report.recipient


def report_step(*, report: MovementReport, user: Any, comment: str = "") -> MovementReport:
    """Take the step the report waits for (what the page's one button does)."""
    if report.state not in NEXT_STEP:
        raise ValidationFailed(_("This report has no step left to take."))
    _action, service = NEXT_STEP[report.state]
    result: MovementReport = service(report=report, user=user, comment=comment)
    return result
