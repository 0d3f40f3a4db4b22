"""One reminder pass, and marking notifications read.

:func:`reminders_run` finds the running deadlines that are due soon or overdue, asks the
registered process who holds each step, and sends each holder a reminder on the working
days the regulation data says (and, once overdue, the head of the unit an escalation).
What was sent is claimed in the ``ReminderSent`` ledger, whose unique constraint makes a
second pass, or a concurrent one, send nothing again. The pass reads in a fixed number of
queries whatever the number of deadlines, and writes in one transaction: an e-mail that
fails takes its ledger row, notification and audit event back out, so the next pass
tries it again.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from approvals.audit.services import EventSpec, SubjectRef, audit_record, audit_record_many
from approvals.calendar.models import Deadline
from approvals.calendar.window import WorkingCalendar
from approvals.exceptions import ValidationFailed
from approvals.notifications.models import (
    CHOOSABLE_KINDS,
    Notification,
    NotificationKind,
    NotificationPreference,
    ReminderSent,
)
from approvals.notifications.notices import mail_text
from approvals.notifications.registry import StepHolding, step_provider
from approvals.organisation.holders import unit_heads_many
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import user_label
from approvals.regulations.services import RuleSet, rules_in_force

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from django.contrib.auth.models import AbstractBaseUser

__all__ = [
    "REGULATION",
    "RunReport",
    "notification_mark_read",
    "preferences_set",
    "reminder_schedule",
    "reminders_run",
]

logger = logging.getLogger(__name__)

#: The regulation whose rules time reminders (seeded unconfirmed: not a legal fact).
REGULATION = "reminders"
BEFORE_KEY = "reminder.working_days_before_due"
AFTER_KEY = "escalation.working_days_after_due"

ACTION_REMINDER = "approvals_notifications.reminder_sent"
ACTION_ESCALATION = "approvals_notifications.escalation_sent"
ACTION_READ = "approvals_notifications.mark_read"


@dataclass(frozen=True)
class ReminderSchedule:
    """Working days before the due day to remind, and after it to escalate."""

    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass
class RunReport:
    """What one pass did."""

    day: datetime.date
    skipped: str = ""
    deadlines_checked: int = 0
    reminders_sent: int = 0
    escalations_sent: int = 0
    emails_sent: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        """Notifications sent in the pass (reminders and escalations)."""
        return self.reminders_sent + self.escalations_sent


@dataclass(frozen=True)
class _Item:
    """One notification to send: a stage of one deadline to one user."""

    deadline: Deadline
    kind: str
    stage: str
    recipient_id: int
    holding: StepHolding
    overdue: bool

    @property
    def key(self) -> tuple[int, str, int, str]:
        return (self.deadline.pk, self.kind, self.recipient_id, self.stage)


def _days(rules: RuleSet, key: str) -> tuple[int, ...]:
    value = rules.get(key)
    if not isinstance(value, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value
    ):
        raise ValidationFailed(
            _("The rule “%(key)s” must list whole numbers of working days above zero.")
            % {"key": key}
        )
    return tuple(sorted(set(value)))


def reminder_schedule(on: datetime.date, unit: OrgUnit | None = None) -> ReminderSchedule:
    """The reminder and escalation days in force on ``on`` for ``unit`` (two queries).

    A province (or any unit) may set its own days in a version of the regulation under
    its jurisdiction; without one the national version applies.
    """
    rules = rules_in_force(REGULATION, on=on, unit=unit)
    return ReminderSchedule(before=_days(rules, BEFORE_KEY), after=_days(rules, AFTER_KEY))


@dataclass(frozen=True)
class _Schedules:
    """The national schedule and each jurisdiction's, for one pass."""

    national: ReminderSchedule
    by_jurisdiction: dict[int, ReminderSchedule]

    @property
    def all(self) -> list[ReminderSchedule]:
        return [self.national, *self.by_jurisdiction.values()]

    def for_unit(self, unit: OrgUnit) -> ReminderSchedule:
        """The schedule of the deepest jurisdiction at or above ``unit``: its rules are
        already layered over those of every jurisdiction above it."""
        for unit_id in reversed(unit.ancestor_ids):
            if unit_id in self.by_jurisdiction:
                return self.by_jurisdiction[unit_id]
        return self.national


def _schedules(on: datetime.date) -> _Schedules:
    """Every schedule in force on ``on``: 3 queries, and 3 more per unit with its own version."""
    national = reminder_schedule(on)
    jurisdictions = (
        OrgUnit.objects.filter(
            regulation_versions__regulation__code=REGULATION,
            regulation_versions__effective_from__lte=on,
        )
        .distinct()
        .order_by("pk")
    )
    return _Schedules(
        national=national,
        by_jurisdiction={unit.pk: reminder_schedule(on, unit) for unit in jurisdictions},
    )


def _stages(
    deadline: Deadline, today: datetime.date, schedule: ReminderSchedule, cal: WorkingCalendar
) -> tuple[str, bool] | None:
    """The stage due today for ``deadline`` and whether it is overdue, or None.

    Up to the due day, the reminder whose day is the latest one reached; after it, the
    escalation whose day is the latest one reached. A pass that comes late (the server
    was down) sends only the most recent stage, not every stage it missed. A stage is
    sent once per deadline, even when a pause later moves the due day.
    """
    due = deadline.due_on
    if today <= due:
        for n in schedule.before:  # nearest to the due day first
            if cal.add_working_days(due, -n) <= today:
                return f"before:{n}", False
        return None
    for n in reversed(schedule.after):
        if cal.add_working_days(due, n) <= today:
            return f"after:{n}", True
    return None


def _holdings(deadlines: Sequence[Deadline], today: datetime.date) -> dict[int, StepHolding]:
    by_type: dict[str, list[Deadline]] = {}
    for deadline in deadlines:
        by_type.setdefault(deadline.subject_type, []).append(deadline)
    holdings: dict[int, StepHolding] = {}
    for subject_type, group in sorted(by_type.items()):
        provider = step_provider(subject_type)
        if provider is None:
            continue
        for pk, holding in provider(group, today).items():
            holdings[pk] = holding
    return holdings


def _items(
    due: list[tuple[Deadline, str, bool]],
    holdings: dict[int, StepHolding],
    today: datetime.date,
) -> list[_Item]:
    items: list[_Item] = []
    late = [(d, stage) for d, stage, overdue in due if overdue and d.pk in holdings]
    heads = unit_heads_many(
        [holdings[d.pk].unit for d, _stage in late],
        on=today,
        exclude=[holdings[d.pk].holder_ids for d, _stage in late],
    )
    head_ids = {d.pk: ids for (d, _stage), (_unit, ids) in zip(late, heads, strict=True)}
    for deadline, stage, overdue in due:
        holding = holdings.get(deadline.pk)
        if holding is None:
            continue
        for user_id in sorted(holding.holder_ids):
            items.append(
                _Item(deadline, NotificationKind.REMINDER, stage, user_id, holding, overdue)
            )
        for user_id in sorted(head_ids.get(deadline.pk, frozenset())):
            items.append(
                _Item(deadline, NotificationKind.ESCALATION, stage, user_id, holding, overdue)
            )
    return items


def _format_day(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _texts(
    item: _Item, today: datetime.date, cal: WorkingCalendar, holders: str
) -> tuple[str, str]:
    """Title and body of ``item`` in the active language."""
    holding, deadline = item.holding, item.deadline
    params = {
        "subject": holding.label,
        "step": holding.step,
        "unit": holding.unit.name,
        "due": _format_day(deadline.due_on),
        "holders": holders,
    }
    if item.kind == NotificationKind.ESCALATION:
        title = _("Late: %(step)s — %(subject)s") % params
        body = (
            _(
                "%(subject)s: the step “%(step)s” at %(unit)s was due on %(due)s and is still "
                "waiting. It is held by: %(holders)s. As head of the unit, please see that it is "
                "dealt with."
            )
            % params
        )
    elif item.overdue:
        title = _("Overdue: %(step)s — %(subject)s") % params
        body = (
            _(
                "%(subject)s is waiting for you: %(step)s at %(unit)s. The time limit ended on "
                "%(due)s; the head of the unit has been informed."
            )
            % params
        )
    else:
        left = cal.working_days_between(today, deadline.due_on)
        title = _("Reminder: %(step)s — %(subject)s") % params
        body = (
            _("%(subject)s is waiting for you: %(step)s at %(unit)s.") % params
            + " "
            + ngettext(
                "The time limit ends on %(due)s (%(left)d working day left).",
                "The time limit ends on %(due)s (%(left)d working days left).",
                left,
            )
            % {**params, "left": left}
        )
    return title, body


def _email(user: Any, title: str, body: str, url: str) -> EmailMessage:
    return EmailMessage(
        subject=title, body=mail_text(user_label(user), [body], url), to=[user.email]
    )


def _send(
    messages: dict[tuple[int, str, int, str], EmailMessage],
) -> set[tuple[int, str, int, str]]:
    """Send each message on one connection; return the keys whose sending failed."""
    failed: set[tuple[int, str, int, str]] = set()
    if not messages:
        return failed
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for key, message in messages.items():
            message.connection = connection
            try:
                message.send(fail_silently=False)
            except Exception:  # any backend failure: keep the row out, retry next pass
                logger.exception("Reminder e-mail to %s failed", message.to)
                failed.add(key)
    except Exception:
        logger.exception("Opening the e-mail connection failed")
        failed.update(messages)
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("Closing the e-mail connection failed")
    return failed


def reminders_run(*, now: datetime.datetime | None = None) -> RunReport:
    """One reminder pass for the day of ``now`` (the current time by default).

    Nothing is sent on a day off: the reminders due then go out on the next working day.
    """
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    report = RunReport(day=today)
    cal = WorkingCalendar()
    if not cal.is_working_day(today):
        report.skipped = "day_off"
        return report
    schedules = _schedules(today)
    widest = max((n for schedule in schedules.all for n in schedule.before), default=0)
    horizon = cal.add_working_days(today, widest)
    deadlines = list(Deadline.objects.running().filter(started_on__lte=today, due_on__lte=horizon))
    report.deadlines_checked = len(deadlines)
    # a deadline with a stage under some schedule is asked about; its holding's unit then
    # says which schedule is its own
    possible = [d for d in deadlines if any(_stages(d, today, s, cal) for s in schedules.all)]
    if not possible:
        return report
    holdings = _holdings(possible, today)
    due: list[tuple[Deadline, str, bool]] = []
    for deadline in possible:
        holding = holdings.get(deadline.pk)
        if holding is None:
            continue
        stage = _stages(deadline, today, schedules.for_unit(holding.unit), cal)
        if stage is not None:
            due.append((deadline, *stage))
    if not due:
        return report
    with translation.override(settings.LANGUAGE_CODE):
        _notify(due, holdings, today, cal, moment, report)
    return report


def _notify(
    due: list[tuple[Deadline, str, bool]],
    holdings: dict[int, StepHolding],
    today: datetime.date,
    cal: WorkingCalendar,
    moment: datetime.datetime,
    report: RunReport,
) -> None:
    """Find who to tell about ``due`` deadlines, leave out what was sent, deliver the rest."""
    items = _items(due, holdings, today)
    if not items:
        return
    sent = set(
        ReminderSent.objects.filter(deadline_id__in={i.deadline.pk for i in items}).values_list(
            "deadline_id", "kind", "recipient_id", "stage"
        )
    )
    items = [i for i in items if i.key not in sent]
    if not items:
        return
    users = {
        u.pk: u
        for u in get_user_model()
        .objects.filter(pk__in={i.recipient_id for i in items}, is_active=True)
        .only("pk", "username", "first_name", "last_name", "email", "is_active")
    }
    items = [i for i in items if i.recipient_id in users]
    if items:
        _deliver(items, users, today, cal, moment, report)


def _deliver(
    items: list[_Item],
    users: dict[Any, Any],
    today: datetime.date,
    cal: WorkingCalendar,
    moment: datetime.datetime,
    report: RunReport,
) -> None:
    """Claim, send, notify and audit ``items`` in one transaction."""
    run = uuid.uuid4()
    with transaction.atomic():
        ReminderSent.objects.bulk_create(
            [
                ReminderSent(
                    deadline=i.deadline,
                    kind=i.kind,
                    recipient_id=i.recipient_id,
                    stage=i.stage,
                    run=run,
                    sent_on=today,
                    created_at=moment,
                )
                for i in items
            ],
            ignore_conflicts=True,
        )
        claimed = {
            (deadline_id, kind, recipient_id, stage): pk
            for pk, deadline_id, kind, recipient_id, stage in ReminderSent.objects.filter(
                run=run
            ).values_list("pk", "deadline_id", "kind", "recipient_id", "stage")
        }
        mine = [i for i in items if i.key in claimed]
        holders_text = _holder_names(mine, users)
        texts = {i.key: _texts(i, today, cal, holders_text.get(i.deadline.pk, "")) for i in mine}
        messages = {
            i.key: _email(users[i.recipient_id], *texts[i.key], i.holding.url)
            for i in mine
            if users[i.recipient_id].email
        }
        failed = _send(messages)
        if failed:
            ReminderSent.objects.filter(pk__in=[claimed[key] for key in failed]).delete()
            report.failed += len(failed)
            report.failures += sorted(
                f"{users[key[2]].email} ({key[1]} {key[3]}, deadline {key[0]})" for key in failed
            )
        done = [i for i in mine if i.key not in failed]
        Notification.objects.bulk_create(
            Notification(
                recipient_id=i.recipient_id,
                kind=i.kind,
                subject_type=i.deadline.subject_type,
                subject_id=i.deadline.subject_id,
                subject_label=i.holding.label[:255],
                url=i.holding.url,
                deadline=i.deadline,
                title=texts[i.key][0][:255],
                body=texts[i.key][1],
                created_at=moment,
                emailed_at=moment if i.key in messages else None,
            )
            for i in done
        )
        audit_record_many(events=[_event(i, i.key in messages) for i in done])
    for i in done:
        if i.kind == NotificationKind.ESCALATION:
            report.escalations_sent += 1
        else:
            report.reminders_sent += 1
        if i.key in messages:
            report.emails_sent += 1


def _holder_names(items: Iterable[_Item], users: dict[Any, Any]) -> dict[int, str]:
    """For escalations: who holds each late step, by name (users already loaded)."""
    names: dict[int, str] = {}
    for item in items:
        if item.kind != NotificationKind.ESCALATION:
            continue
        known = [user_label(users[pk]) for pk in sorted(item.holding.holder_ids) if pk in users]
        names[item.deadline.pk] = ", ".join(known) if known else _("nobody holds it")
    return names


def _event(item: _Item, emailed: bool) -> EventSpec:
    deadline = item.deadline
    return EventSpec(
        actor=None,
        action=ACTION_ESCALATION if item.kind == NotificationKind.ESCALATION else ACTION_REMINDER,
        subject=SubjectRef(deadline.subject_type, deadline.subject_id, item.holding.label[:255]),
        to_state=item.stage,
        payload={
            "deadline": deadline.pk,
            "purpose": deadline.purpose,
            "due_on": deadline.due_on.isoformat(),
            "recipient": item.recipient_id,
            "stage": item.stage,
            "emailed": emailed,
        },
    )


def notification_mark_read(
    *, user: AbstractBaseUser | AnonymousUser, notification_ids: Sequence[int] | None = None
) -> int:
    """Mark the user's unread notifications read (all, or those listed); return how many.

    Another user's notifications are never touched: ids that are not the user's are
    ignored.
    """
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise ValidationFailed(_("You must be signed in to mark notifications read."))
    rows = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    with transaction.atomic():
        ids = list(rows.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        audit_record(
            actor=user,
            action=ACTION_READ,
            subject=SubjectRef(
                f"{user._meta.app_label}.{user._meta.model_name}", str(user.pk), user_label(user)
            ),
            payload={"notifications": ids},
        )
    return len(ids)


ACTION_PREFERENCES = "approvals_notifications.set_preferences"


def preferences_set(
    *, user: AbstractBaseUser | AnonymousUser, choices: dict[str, tuple[bool, bool]]
) -> None:
    """Record how the user wants each kind a step sends: ``{kind: (site, email)}``."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise ValidationFailed(_("You must be signed in to choose your notifications."))
    unknown = sorted(set(choices) - set(CHOOSABLE_KINDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown kind of notification: %(kinds)s.") % {"kinds": ", ".join(unknown)}
        )
    with transaction.atomic():
        for kind, (site, email) in sorted(choices.items()):
            NotificationPreference.objects.update_or_create(
                user_id=user.pk, kind=kind, defaults={"site": site, "email": email}
            )
        audit_record(
            actor=user,
            action=ACTION_PREFERENCES,
            subject=SubjectRef(
                f"{user._meta.app_label}.{user._meta.model_name}", str(user.pk), user_label(user)
            ),
            payload={kind: {"site": s, "email": e} for kind, (s, e) in sorted(choices.items())},
        )
