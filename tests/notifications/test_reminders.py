"""Reminder passes with a frozen clock, across Tết 2027: timing, escalation, once only."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from approvals.audit.models import AuditEvent
from approvals.audit.services import chain_verify
from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.services import deadline_complete, deadline_pause
from approvals.exceptions import ValidationFailed
from approvals.notifications.models import Notification, NotificationKind, ReminderSent
from approvals.notifications.services import reminder_schedule, reminders_run
from approvals.notifications.tasks import send_reminders
from approvals.regulations.models import Regulation, Rule
from approvals.regulations.services import RuleSpec, regulation_version_create
from tests.notifications.conftest import SUBJECT_TYPE, D, at, case_deadline

pytestmark = pytest.mark.django_db


def days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(n) for n in range((last - first).days + 1)]


def sent_by_day(first: datetime.date, last: datetime.date) -> dict[str, tuple[int, int]]:
    """Run one pass a day (frozen clock) and keep the days something was sent."""
    out = {}
    for day in days(first, last):
        with freeze_time(at(day)):
            report = reminders_run()
        assert report.day == day
        if report.sent:
            out[day.isoformat()] = (report.reminders_sent, report.escalations_sent)
    return out


def test_the_timing_comes_from_unconfirmed_regulation_rules():
    schedule = reminder_schedule(D(2027, 1, 1))
    assert schedule.before == (1, 3)
    assert schedule.after == (1,)
    rules = Rule.objects.filter(version__regulation__code="reminders")
    assert rules.count() == 2
    assert not rules.filter(confirmed=True).exists()


def test_reminders_and_escalation_across_tet_2027(cases, org):
    # given a step of 4 working days started on Friday 29/01/2027: Tết closes 04-10/02,
    # so it is due on Thursday 11/02/2027
    deadline = case_deadline(1, started_on=D(2027, 1, 29), length=4)
    assert deadline.due_on == D(2027, 2, 11)
    # when a pass runs every day from 28/01 to 16/02
    sent = sent_by_day(D(2027, 1, 28), D(2027, 2, 16))
    # then the drafter is reminded 3 and 1 working days before the due day - 01/02 and
    # 03/02, the last working day before Tết, not on a day of Tết - and the head of the
    # division is alerted the first working day after the due day (Friday 12/02), when
    # the drafter is told the step is overdue; nothing else, and nothing twice
    assert sent == {
        "2027-02-01": (1, 0),
        "2027-02-03": (1, 0),
        "2027-02-12": (1, 1),
    }
    rows = ReminderSent.objects.filter(deadline=deadline).order_by("sent_on", "kind")
    assert [(r.sent_on, r.kind, r.recipient_id, r.stage) for r in rows] == [
        (D(2027, 2, 1), NotificationKind.REMINDER, org.drafter_a.pk, "before:3"),
        (D(2027, 2, 3), NotificationKind.REMINDER, org.drafter_a.pk, "before:1"),
        (D(2027, 2, 12), NotificationKind.ESCALATION, org.office_head_a.pk, "after:1"),
        (D(2027, 2, 12), NotificationKind.REMINDER, org.drafter_a.pk, "after:1"),
    ]
    escalation = Notification.objects.get(kind=NotificationKind.ESCALATION)
    assert escalation.recipient == org.office_head_a
    assert escalation.subject_type == SUBJECT_TYPE
    assert escalation.deadline == deadline
    # one audit event per notification sent, by the system, and the chain holds
    events = AuditEvent.objects.filter(action__startswith="approvals_notifications.")
    assert sorted(events.values_list("action", "to_state")) == [
        ("approvals_notifications.escalation_sent", "after:1"),
        ("approvals_notifications.reminder_sent", "after:1"),
        ("approvals_notifications.reminder_sent", "before:1"),
        ("approvals_notifications.reminder_sent", "before:3"),
    ]
    assert not events.filter(actor__isnull=False).exists()
    assert chain_verify().ok


def test_no_pass_sends_anything_on_a_holiday_or_a_weekend(cases):
    # a step due on the first working day after Tết: 1 working day before is 03/02
    case_deadline(2, started_on=D(2027, 2, 1), length=2)
    for day in (D(2027, 2, 4), D(2027, 2, 8), D(2027, 2, 10), D(2027, 2, 13)):
        with freeze_time(at(day)):
            report = reminders_run()
        assert report.skipped == "day_off", day
        assert report.sent == 0
    assert not ReminderSent.objects.exists()


def test_national_day_2026_with_calendar_days_and_the_weekend_before(cases, org):
    # 10 calendar days from Monday 24/08/2026 end on Thursday 03/09/2026; 29/08-02/09 is
    # a weekend, the swap day 31/08 and the National Day holiday
    deadline = case_deadline(3, started_on=D(2026, 8, 24), length=10, kind=DayKind.CALENDAR)
    assert deadline.due_on == D(2026, 9, 3)
    sent = sent_by_day(D(2026, 8, 24), D(2026, 9, 8))
    # one working day before 03/09 is Friday 28/08; escalation on Friday 04/09
    assert sent == {"2026-08-26": (1, 0), "2026-08-28": (1, 0), "2026-09-04": (1, 1)}


def test_a_second_pass_the_same_day_sends_nothing_new(cases):
    case_deadline(4, started_on=D(2027, 1, 29), length=4)
    with freeze_time(at(D(2027, 2, 1))):
        first = reminders_run()
    with freeze_time(at(D(2027, 2, 1), hour=15)):
        second = reminders_run()
    assert (first.sent, first.emails_sent) == (1, 1)
    assert (second.sent, second.emails_sent) == (0, 0)
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == ReminderSent.objects.count() == 1


def test_a_late_pass_sends_only_the_most_recent_stage(cases):
    # the server was down until the due day: one reminder, not the missed ones as well
    case_deadline(5, started_on=D(2027, 1, 29), length=4)
    with freeze_time(at(D(2027, 2, 11))):
        report = reminders_run()
    assert report.reminders_sent == 1
    assert list(ReminderSent.objects.values_list("stage", flat=True)) == ["before:1"]


def test_paused_and_completed_deadlines_are_not_reminded(cases):
    paused = case_deadline(6, started_on=D(2027, 1, 29), length=4)
    done = case_deadline(7, started_on=D(2027, 1, 29), length=4)
    deadline_pause(deadline=paused, on=D(2027, 1, 29))
    deadline_complete(deadline=done, on=D(2027, 1, 29))
    sent = sent_by_day(D(2027, 1, 29), D(2027, 2, 19))
    assert sent == {}
    assert not ReminderSent.objects.exists()
    assert not mail.outbox


def test_the_email_is_in_vietnamese(cases, org):
    case_deadline(8, started_on=D(2027, 1, 29), length=4)
    with freeze_time(at(D(2027, 2, 1))):
        reminders_run()
    with freeze_time(at(D(2027, 2, 12))):
        reminders_run()
    assert len(mail.outbox) == 3  # reminder, overdue reminder, escalation
    first = next(m for m in mail.outbox if m.subject.startswith("Nhắc việc"))
    assert first.to == ["hoa.nt@example.vn"]
    assert first.subject == "Nhắc việc: trình hồ sơ — Hồ sơ số 8"
    assert "Kính gửi đồng chí Nguyễn Thị Hoa," in first.body
    assert "Hồ sơ số 8 đang chờ đồng chí xử lý: trình hồ sơ tại Văn phòng Sở LĐTBXH." in first.body
    assert "Thời hạn kết thúc ngày 11/02/2027 (còn 3 ngày làm việc)." in first.body
    assert "Xem tại: http://127.0.0.1:8000/cases/8/" in first.body
    late = next(m for m in mail.outbox if m.subject.startswith("Chậm xử lý"))
    assert late.to == ["nam.dv@example.vn"]
    assert "đã hết hạn ngày 11/02/2027" in late.body
    assert "Người đang xử lý: Nguyễn Thị Hoa." in late.body
    overdue = next(m for m in mail.outbox if m.subject.startswith("Quá hạn"))
    assert overdue.to == ["hoa.nt@example.vn"]
    assert "người đứng đầu đơn vị đã được thông báo" in overdue.body


class FailingBackend:
    """An e-mail backend whose server refuses every message."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_failed_email_leaves_no_trace_and_the_next_pass_retries(cases, settings):
    case_deadline(9, started_on=D(2027, 1, 29), length=4)
    settings.EMAIL_BACKEND = "tests.notifications.test_reminders.FailingBackend"
    with freeze_time(at(D(2027, 2, 1))):
        report = reminders_run()
    assert (report.sent, report.failed) == (0, 1)
    assert "hoa.nt@example.vn" in report.failures[0]
    assert not ReminderSent.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="approvals_notifications.").exists()
    # the server is back: the next pass the same day sends it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time(at(D(2027, 2, 1), hour=10)):
        report = reminders_run()
    assert (report.sent, report.failed, report.emails_sent) == (1, 0, 1)
    assert ReminderSent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_user_without_an_email_gets_the_notification_in_the_site_only(cases, org):
    org.drafter_a.email = ""
    org.drafter_a.save(update_fields=["email"])
    case_deadline(10, started_on=D(2027, 1, 29), length=4)
    with freeze_time(at(D(2027, 2, 1))):
        report = reminders_run()
    assert (report.reminders_sent, report.emails_sent) == (1, 0)
    notification = Notification.objects.get()
    assert notification.recipient == org.drafter_a
    assert notification.emailed_at is None
    assert not mail.outbox


def test_a_subject_type_without_a_provider_is_skipped(cases):
    Deadline.objects.create(
        subject_type="other.thing",
        subject_id="1",
        purpose="x",
        day_kind=DayKind.WORKING,
        length=1,
        started_on=D(2027, 1, 29),
        due_on=D(2027, 2, 1),
    )
    with freeze_time(at(D(2027, 2, 1))):
        report = reminders_run()
    assert report.deadlines_checked == 1
    assert report.sent == 0


def test_a_broken_rule_is_refused_with_its_name(cases):
    Rule.objects.filter(key="reminder.working_days_before_due").update(value=[0, "x"])
    with pytest.raises(ValidationFailed, match=r"reminder\.working_days_before_due"):
        reminder_schedule(D(2027, 2, 1))


def _many(count: int, start: int) -> None:
    """``count`` deadlines due on 11/02/2027, all at their 1-day reminder on 03/02."""
    Deadline.objects.bulk_create(
        Deadline(
            subject_type=SUBJECT_TYPE,
            subject_id=str(start + n),
            purpose="review",
            day_kind=DayKind.WORKING,
            length=4,
            started_on=D(2027, 1, 29),
            due_on=D(2027, 2, 11),
        )
        for n in range(count)
    )


def _pass_queries(count: int, start: int) -> tuple[int, int, int]:
    _many(count, start)
    with freeze_time(at(D(2027, 2, 3))), CaptureQueriesContext(connection) as ctx:
        report = reminders_run()
    assert report.reminders_sent == count
    selects = sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))
    return len(ctx.captured_queries), selects, report.sent


def test_one_pass_reads_in_a_fixed_number_of_queries(cases):
    few, few_selects, _ = _pass_queries(10, 1000)
    ReminderSent.objects.all().delete()
    Notification.objects.all().delete()
    Deadline.objects.all().delete()
    many, many_selects, sent = _pass_queries(200, 2000)
    assert sent == 200
    # reads do not grow with the number of deadlines; writes are bulk inserts, which
    # SQLite (999 parameters a statement) splits in a few batches and PostgreSQL does not
    assert many_selects == few_selects
    assert few <= 20
    assert many <= 30
    if connection.features.max_query_params is None:  # PostgreSQL: one insert per table
        assert many == few
    assert cases.calls == 2  # one provider call per pass


def test_send_reminders_command_prints_the_counts(cases):
    case_deadline(11, started_on=D(2027, 1, 29), length=4)
    out = StringIO()
    with freeze_time(at(D(2027, 2, 1))):
        call_command("send_reminders", stdout=out)
    assert "01/02/2027" in out.getvalue()
    assert "gửi 1 lời nhắc và 0 báo cáo chậm hạn, 1 thư điện tử" in out.getvalue()
    out = StringIO()
    with freeze_time(at(D(2027, 2, 6))):
        call_command("send_reminders", stdout=out)
    assert "không phải ngày làm việc" in out.getvalue()


def test_the_celery_task_runs_a_pass_in_eager_mode(cases, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    case_deadline(12, started_on=D(2027, 1, 29), length=4)
    with freeze_time(at(D(2027, 2, 1))):
        result = send_reminders.delay()
    assert result.successful()
    assert result.get()["reminders_sent"] == 1
    assert ReminderSent.objects.count() == 1


def _own_schedule(unit, before, *, user) -> None:
    """A version of the reminders regulation under ``unit``'s jurisdiction."""
    regulation = Regulation.objects.get(code="reminders")
    regulation_version_create(
        regulation=regulation,
        label="Quy chế nội bộ",
        effective_from=D(2027, 1, 1),
        legal_basis="Quyết định ban hành quy chế làm việc (thử nghiệm)",
        rules=[RuleSpec("reminder.working_days_before_due", before, "list", confirmed=False)],
        user=user,
        jurisdiction=unit,
    )


def test_a_jurisdiction_s_own_days_apply_to_its_units_only(cases, org):
    # the deadline's step is held in division A, due Thursday 11/02/2027 (after Tết)
    deadline = case_deadline(21, started_on=D(2027, 1, 25), length=8)
    assert deadline.due_on == D(2027, 2, 11)
    # department B sets 4 working days before, department A 5 and 2 (escalation national)
    _own_schedule(org.dept_b, [4], user=org.director_a)
    _own_schedule(org.dept_a, [2, 5], user=org.director_a)
    assert reminder_schedule(D(2027, 2, 1), org.division_a).before == (2, 5)
    assert reminder_schedule(D(2027, 2, 1), org.division_b).before == (4,)
    assert reminder_schedule(D(2027, 2, 1)).before == (1, 3)
    # Tết closes 04-10/02: 5 working days before 11/02 is Thursday 28/01, 2 is 02/02;
    # not the national 3 and 1 (01/02, 03/02) nor department B's 4 (29/01)
    assert sent_by_day(D(2027, 1, 25), D(2027, 2, 12)) == {
        "2027-01-28": (1, 0),
        "2027-02-02": (1, 0),
        "2027-02-12": (1, 1),  # overdue: the holder again, and the head
    }
    assert sorted(ReminderSent.objects.values_list("stage", flat=True)) == [
        "after:1",
        "after:1",
        "before:2",
        "before:5",
    ]
