"""Services that start, pause, resume, complete and check deadlines.

Each one runs in a transaction and locks the deadline's row, so concurrent actions on
one deadline queue up; a refusal raises before anything is written.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.periods import Period, period_end
from approvals.calendar.workdays import days_between
from approvals.exceptions import DeadlinePassed, InvalidTransition, ValidationFailed
from approvals.steps import service_atomic

if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterator

    from approvals.audit.services import EventSpec

__all__ = [
    "deadline_check",
    "deadline_complete",
    "deadline_events_together",
    "deadline_pause",
    "deadline_resume",
    "deadline_start",
    "deadline_start_until",
]

_SUBJECT_TYPE = re.compile(r"^\w+\.\w+$")


def _format_day(day: datetime.date) -> str:
    """A date as written in Vietnamese administrative documents: dd/mm/yyyy."""
    return f"{day:%d/%m/%Y}"


def _lock(deadline: Deadline) -> None:
    """Reload ``deadline`` from its row and lock the row until the transaction ends."""
    deadline.refresh_from_db(from_queryset=Deadline.objects.select_for_update())


#: The audit events of the deadlines changed inside :func:`deadline_events_together`.
_PENDING: ContextVar[list[EventSpec] | None] = ContextVar("deadline_events", default=None)


@contextmanager
def deadline_events_together() -> Iterator[None]:
    """Write the audit events of the deadline changes made in the block together at its end.

    For a step that stops one clock and starts the next: one statement appends both
    events, in the order of the changes, instead of one each. Use it inside the step's
    transaction (the events are written in it, before it commits); an error in the block
    writes nothing, and the transaction it leaves rolls the changes back with it.
    """
    pending: list[EventSpec] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    if pending:
        from approvals.audit.services import audit_record_many

        audit_record_many(events=pending)


def _audit(deadline: Deadline, user: Any, verb: str, from_state: str, to_state: str) -> None:
    """Write the audit event of a deadline's state change (``user`` None: the system)."""
    from approvals.audit.services import EventSpec, audit_record

    spec = EventSpec(
        actor=user,
        action=f"approvals_calendar.deadline_{verb}",
        subject=deadline,
        from_state=from_state,
        to_state=to_state,
        payload={
            "subject": f"{deadline.subject_type}:{deadline.subject_id}",
            "purpose": deadline.purpose,
            "due_on": deadline.due_on.isoformat(),
        },
    )
    pending = _PENDING.get()
    if pending is not None:
        pending.append(spec)
        return
    audit_record(
        actor=spec.actor,
        action=spec.action,
        subject=spec.subject,
        from_state=spec.from_state,
        to_state=spec.to_state,
        payload=spec.payload,
    )


def _end_pause(deadline: Deadline, *, paused_on: datetime.date, on: datetime.date) -> None:
    """Count the days paused in (paused_on, on] and push the due day back by them (not saved)."""
    kind = DayKind(deadline.day_kind)
    deadline.paused_days_total += days_between(paused_on, on, kind)
    deadline.paused_on = None
    # Counting from the start again (rather than shifting the old due day) also picks up
    # days off declared since the deadline started.
    deadline.due_on = period_end(
        deadline.started_on,
        Period(length=deadline.length, day_kind=kind),
        paused_days=deadline.paused_days_total,
    )


def deadline_start(
    *,
    subject_type: str,
    subject_id: str | int,
    purpose: str,
    length: int,
    day_kind: DayKind | str,
    started_on: datetime.date,
    user: Any = None,
) -> Deadline:
    """Start a time limit of ``length`` units of ``day_kind``, counted after ``started_on``.

    The due day is :func:`~approvals.calendar.periods.period_end`'s: the start day is not
    counted and a last day off moves to the next working day (Civil Code Điều 147-148).
    """
    if length < 0:
        raise ValidationFailed(_("The length of a deadline cannot be negative."), field="length")
    if day_kind not in DayKind.values:
        raise ValidationFailed(
            _("Unknown kind of days: %(kind)s.") % {"kind": day_kind}, field="day_kind"
        )
    if not _SUBJECT_TYPE.match(subject_type):
        raise ValidationFailed(
            _('The subject type must be written as "app_label.model", not %(value)s.')
            % {"value": subject_type},
            field="subject_type",
        )
    if not str(subject_id) or not purpose:
        raise ValidationFailed(_("A deadline needs a subject id and a purpose."))
    kind = DayKind(day_kind)
    with service_atomic():
        deadline = Deadline.objects.create(
            subject_type=subject_type,
            subject_id=str(subject_id),
            purpose=purpose,
            day_kind=kind,
            length=length,
            started_on=started_on,
            due_on=period_end(started_on, Period(length=length, day_kind=kind)),
        )
        _audit(deadline, user, "start", "", "running")
        return deadline


def deadline_pause(*, deadline: Deadline, on: datetime.date, user: Any = None) -> Deadline:
    """Stop the clock on ``on`` (the object went back to its drafter)."""
    with service_atomic():
        _lock(deadline)
        if deadline.is_completed:
            raise InvalidTransition(_("This deadline is completed; it cannot be paused."))
        if deadline.paused_on is not None:
            raise InvalidTransition(
                _("This deadline is already paused since %(day)s.")
                % {"day": _format_day(deadline.paused_on)}
            )
        if on < deadline.started_on:
            raise ValidationFailed(
                _("A deadline cannot be paused before the day it started (%(day)s).")
                % {"day": _format_day(deadline.started_on)},
                field="on",
            )
        deadline.paused_on = on
        deadline.save(update_fields=["paused_on"])
        _audit(deadline, user, "pause", "running", "paused")
    return deadline


def deadline_resume(*, deadline: Deadline, on: datetime.date, user: Any = None) -> Deadline:
    """Restart the clock on ``on``; the due day moves later by the days spent paused.

    The days that were left when the clock stopped are counted again from the day after
    ``on``, so the paused days of the deadline's kind in (paused_on, on] are added.
    """
    with service_atomic():
        _lock(deadline)
        if deadline.is_completed:
            raise InvalidTransition(_("This deadline is completed; it cannot be resumed."))
        if deadline.paused_on is None:
            raise InvalidTransition(_("This deadline is not paused; it cannot be resumed."))
        if on < deadline.paused_on:
            raise ValidationFailed(
                _("A deadline cannot resume before the day it was paused (%(day)s).")
                % {"day": _format_day(deadline.paused_on)},
                field="on",
            )
        _end_pause(deadline, paused_on=deadline.paused_on, on=on)
        deadline.save(update_fields=["paused_on", "paused_days_total", "due_on"])
        _audit(deadline, user, "resume", "paused", "running")
    return deadline


def deadline_complete(
    *, deadline: Deadline, on: datetime.date, user: Any = None, locked: bool = False
) -> Deadline:
    """Close the deadline on ``on`` (the step was done); a pause in progress ends on ``on``.

    ``locked``: the caller read ``deadline`` with ``select_for_update()`` in the current
    transaction, so its row is not read again.
    """
    with service_atomic():
        if not locked:
            _lock(deadline)
        if deadline.completed_on is not None:
            raise InvalidTransition(
                _("This deadline was already completed on %(day)s.")
                % {"day": _format_day(deadline.completed_on)}
            )
        earliest = deadline.paused_on or deadline.started_on
        if on < earliest:
            raise ValidationFailed(
                _("A deadline cannot be completed before %(day)s.")
                % {"day": _format_day(earliest)},
                field="on",
            )
        was = "paused" if deadline.paused_on is not None else "running"
        if deadline.paused_on is not None:
            _end_pause(deadline, paused_on=deadline.paused_on, on=on)
        deadline.completed_on = on
        deadline.save(update_fields=["paused_on", "paused_days_total", "due_on", "completed_on"])
        _audit(deadline, user, "complete", was, "completed")
    return deadline


def deadline_check(*, deadline: Deadline, on: datetime.date) -> None:
    """Raise ``DeadlinePassed`` if the clock runs and ``on`` is after the due day."""
    with transaction.atomic():
        _lock(deadline)
        if deadline.is_overdue(on):
            raise DeadlinePassed(
                _("The time limit for this step ended on %(day)s.")
                % {"day": _format_day(deadline.due_on)},
                due_on=deadline.due_on,
                purpose=deadline.purpose,
            )


def deadline_start_until(
    *,
    subject_type: str,
    subject_id: str | int,
    purpose: str,
    due_on: datetime.date,
    started_on: datetime.date,
    user: Any = None,
) -> Deadline:
    """Start a time limit ending on a fixed day a rule names (e.g. a yearly cut-off).

    Not a period: the day is kept as given, so reminders and escalations run up to it. It
    is stored as the calendar days from ``started_on`` to ``due_on``.
    """
    if due_on < started_on:
        raise ValidationFailed(
            _("A deadline cannot end (%(due)s) before it starts (%(start)s).")
            % {"due": _format_day(due_on), "start": _format_day(started_on)},
            field="due_on",
        )
    if not _SUBJECT_TYPE.match(subject_type) or not str(subject_id) or not purpose:
        raise ValidationFailed(_("A deadline needs a subject id and a purpose."))
    with service_atomic():
        deadline = Deadline.objects.create(
            subject_type=subject_type,
            subject_id=str(subject_id),
            purpose=purpose,
            day_kind=DayKind.CALENDAR,
            length=(due_on - started_on).days,
            started_on=started_on,
            due_on=due_on,
        )
        _audit(deadline, user, "start", "", "running")
        return deadline
