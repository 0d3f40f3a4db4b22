"""Reads of reports that depend on the user: what they may see, do, and the history in words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from approvals.audit.models import AuditEvent
from approvals.organisation.models import Action
from approvals.organisation.resolver import Decision, decide
from approvals.organisation.selectors import action_scopes
from examples.movement_report.models import MovementReport, ReportState
from examples.movement_report.services import (
    APPROVE,
    DRAFT,
    NEXT_STEP,
    REVIEW,
    SUBMIT,
    step_unit,
)


def report_list_visible(*, user: Any, day: datetime.date) -> QuerySet[MovementReport]:
    """Reports of the units where ``user`` drafts, or sent to units where they review or approve."""
    scopes = action_scopes(user=user, action_codes=[DRAFT, SUBMIT, REVIEW, APPROVE], day=day)
    visible = (
        scopes[DRAFT].q("unit")
        | scopes[SUBMIT].q("unit")
        | scopes[REVIEW].q("recipient")
        | scopes[APPROVE].q("recipient")
    )
    reports: QuerySet[MovementReport] = MovementReport.objects.filter(visible).select_related(
        "unit", "recipient"
    )
    return reports


def report_get_visible(*, user: Any, pk: int, day: datetime.date) -> MovementReport:
    """One report ``user`` may see; ``MovementReport.DoesNotExist`` otherwise."""
    report: MovementReport = report_list_visible(user=user, day=day).get(pk=pk)
    return report


def report_next_step(*, report: MovementReport, user: Any) -> Decision | None:
    """The engine's answer for the step the report waits for (None when it is approved)."""
    if report.state not in NEXT_STEP:
        return None
    action, _service = NEXT_STEP[report.state]
    return decide(user, action, report, unit=step_unit(report))


@dataclass(frozen=True)
class HistoryLine:
    """One audit event in words."""

    at: datetime.datetime
    who: str
    action: str
    to_state: str
    comment: str


def report_history(*, report: MovementReport) -> list[HistoryLine]:
    """The report's audit events, oldest first, labelled with the actions' names."""
    events = list(AuditEvent.objects.for_subject("movement_report.movementreport", str(report.pk)))
    english = (get_language() or "vi").startswith("en")
    names = {
        code: (name_en or name) if english else name
        for code, name, name_en in Action.objects.filter(
            code__in={e.action for e in events}
        ).values_list("code", "name", "name_en")
    }
    states = dict(ReportState.choices)
    return [
        HistoryLine(
            at=e.created_at,
            who=e.actor_label,
            action=names.get(e.action, e.action),
            to_state=str(states.get(e.to_state, e.to_state)),
            comment=e.comment,
        )
        for e in events
    ]
