"""The date of an act: one rule for every act a process records with a date.

A meeting, the start of a posting, an objection, an appraisal, a decision, its issue and a
report each carry the day they happened. The engine takes that day only when

- it is not after today in the site's time zone (an act cannot be recorded before it
  happens), and
- it is not before today by more than the grace the regulation ``act_dates`` sets for the
  act's kind (a village's meeting is entered from its minutes some days later; a posting
  starts the day it is recorded, so its grace is 0).

The grace is a period rule (``act_dates.<kind>_grace``), counted from the act's day as
:func:`approvals.calendar.periods.period_end` counts every period (the first day is not
counted; a last day off moves to the next working day). A province or unit may set its
own graces with a version of the regulation for its jurisdiction.

A decision made on paper before it is entered is not an act dated today: the processes
record it with an explicit action of its own ("nhập quyết định đã ban hành trên giấy"),
which checks the signer's authority on the act's day instead of this grace.
"""

from __future__ import annotations

import contextlib
import datetime
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.calendar.periods import period_end
from approvals.exceptions import ValidationFailed
from approvals.regulations.services import rules_in_force

if TYPE_CHECKING:
    from collections.abc import Iterator

    from approvals.organisation.models import OrgUnit

#: The regulation holding the graces.
ACT_DATES = "act_dates"


class ActKind(models.TextChoices):
    """The kinds of dated act; each has its grace ``act_dates.<value>_grace``."""

    MEETING = "meeting", gettext_lazy("meeting")
    POSTING_START = "posting_start", gettext_lazy("start of the public posting")
    OBJECTION = "objection", gettext_lazy("objection")
    APPRAISAL = "appraisal", gettext_lazy("appraisal")
    DECISION = "decision", gettext_lazy("decision")
    ISSUE = "issue", gettext_lazy("issue of a document")
    REPORT = "report", gettext_lazy("report")


class ActDateRefused(ValidationFailed):
    """The date stated for an act is after today, or earlier than its grace allows."""

    code = "act_date_refused"
    default_message = gettext_lazy("The date of the act is not accepted.")


#: The rule holding each kind's grace, in the regulation ``act_dates``.
GRACE_KEYS: dict[str, str] = {
    ActKind.MEETING: "act_dates.meeting_grace",
    ActKind.POSTING_START: "act_dates.posting_start_grace",
    ActKind.OBJECTION: "act_dates.objection_grace",
    ActKind.APPRAISAL: "act_dates.appraisal_grace",
    ActKind.DECISION: "act_dates.decision_grace",
    ActKind.ISSUE: "act_dates.issue_grace",
    ActKind.REPORT: "act_dates.report_grace",
}


def grace_key(kind: str) -> str:
    """The rule key of the grace for acts of ``kind``."""
    return GRACE_KEYS[kind]


#: The day :func:`recorded_as_of` records history on, in this thread or task.
_AS_OF: ContextVar[datetime.date | None] = ContextVar("approvals_acts_as_of", default=None)


@contextlib.contextmanager
def recorded_as_of(day: datetime.date) -> Iterator[None]:
    """Within the block, acts are judged as if today were ``day``.

    For building history that did not happen in this system: the demo's past cycles and
    a migration of an earlier system's records. No page or API enters it; a user records
    a past paper decision with its own action instead.
    """
    token = _AS_OF.set(day)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def act_today() -> datetime.date:
    """Today in the site's time zone: the day an act recorded now is recorded on."""
    return _AS_OF.get() or timezone.localdate()


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def act_date_check(
    kind: str,
    stated: datetime.date | None,
    *,
    unit: OrgUnit | None = None,
    today: datetime.date | None = None,
) -> datetime.date:
    """The day of an act of ``kind`` (``stated``, or today when none is stated), or refuse.

    Raises :class:`ActDateRefused` naming the act, the stated day and the limit when the
    day is after today or before today by more than the grace in force for ``unit``.
    """
    now = today or act_today()
    label = ActKind(kind).label
    if stated is None:
        return now
    if stated > now:
        raise ActDateRefused(
            _(
                "The %(act)s is dated %(date)s, which is after today (%(today)s): an act "
                "is recorded on or after the day it happens."
            )
            % {"act": label, "date": _fmt(stated), "today": _fmt(now)},
            kind=kind,
            stated=stated.isoformat(),
            today=now.isoformat(),
        )
    if stated == now:
        return stated
    grace = rules_in_force(ACT_DATES, on=now, unit=unit).period(grace_key(kind))
    if grace.length == 0:
        raise ActDateRefused(
            _(
                "The %(act)s is dated %(date)s, before today (%(today)s): the regulations "
                "allow no earlier date for it; it takes today's date."
            )
            % {"act": label, "date": _fmt(stated), "today": _fmt(now)},
            kind=kind,
            stated=stated.isoformat(),
            today=now.isoformat(),
        )
    last_day = period_end(stated, grace)
    if last_day < now:
        raise ActDateRefused(
            _(
                "The %(act)s is dated %(date)s: an act of that day could be recorded until "
                "%(last)s (%(length)s %(unit)s after it, as the regulations set); it is now "
                "%(today)s."
            )
            % {
                "act": label,
                "date": _fmt(stated),
                "last": _fmt(last_day),
                "length": grace.length,
                "unit": str(grace.unit.label).lower(),
                "today": _fmt(now),
            },
            kind=kind,
            stated=stated.isoformat(),
            today=now.isoformat(),
            last_day=last_day.isoformat(),
        )
    return stated


__all__ = [
    "ACT_DATES",
    "GRACE_KEYS",
    "ActDateRefused",
    "ActKind",
    "act_date_check",
    "act_today",
    "grace_key",
    "recorded_as_of",
]
