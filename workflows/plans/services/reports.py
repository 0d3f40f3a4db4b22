"""The plan in force: the reports owed on it, their submission, and the plan's closure."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.services import audit_record
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import require
from approvals.steps import service_atomic
from approvals.transitions import transition_perform
from workflows.plans.models import Plan, PlanState, ReportDue, ReportPeriod
from workflows.plans.services.notices import Outcome, plan_step_notify
from workflows.plans.services.steps import CLOSE, REPORT, _locked

if TYPE_CHECKING:
    from collections.abc import Sequence


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
def report_submit(
    *,
    report: ReportDue,
    user: Any,
    text: str,
    on: datetime.date | None = None,
    inputs: Sequence[ReportDue] = (),
) -> ReportDue:
    """A unit sends its periodic report; a compiled report names the reports it rolls up.

    ``on`` is the report's date: today, or a day within the grace the regulation
    ``act_dates`` gives reports (:func:`approvals.acts.act_date_check`); the moment it is
    recorded is kept beside it. A refused date changes nothing."""
    locked = ReportDue.objects.select_for_update().select_related("plan").get(pk=report.pk)
    if locked.submitted_on is not None:
        raise InvalidTransition(_("This report was already submitted."))
    if locked.plan.state != PlanState.IN_FORCE:
        raise InvalidTransition(_("Reports are only taken while the plan is in force."))
    if not text.strip():
        raise ValidationFailed(_("The report is empty."))
    day = act_date_check(ActKind.REPORT, on, unit=locked.unit)
    authority = require(user, REPORT, unit=locked.unit)
    locked.submitted_on = day
    locked.submitted_recorded_at = timezone.now()
    locked.submitted_by = user
    locked.text = text.strip()
    locked.save(update_fields=["submitted_on", "submitted_recorded_at", "submitted_by", "text"])
    ReportDue.objects.filter(pk__in=[r.pk for r in inputs]).update(compiled_into=locked)
    audit_record(
        actor=user,
        action=REPORT,
        subject=locked.plan,
        authority=authority,
        payload={
            "unit": locked.unit_id,
            "period": locked.period,
            "late": locked.late,
            "submitted_on": day.isoformat(),
        },
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
    plan_step_notify(locked, actor=user, outcome=Outcome.CLOSED, comment=comment)
    return locked
