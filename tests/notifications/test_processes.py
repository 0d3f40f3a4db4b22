"""The plan and dossier providers: the real holders of a step are reminded, heads alerted."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from freezegun import freeze_time

from approvals.notifications.models import Notification, NotificationKind, ReminderSent
from approvals.notifications.registry import step_provider
from approvals.notifications.services import reminders_run
from tests.notifications.conftest import at
from tests.notifications.test_reminders import sent_by_day
from tests.plans.conftest import new_plan, to_signature
from tests.plans.test_consultation import consulted_plan
from workflows.nominations.models import DossierState, Title
from workflows.nominations.services import (
    candidates_register,
    dossier_create,
    dossier_return,
    dossier_submit,
    meeting_record,
    posting_open,
)
from workflows.plans.services import plan_return, plan_sign, plan_submit, step_deadline

pytestmark = pytest.mark.django_db
D = datetime.date


def test_plan_and_dossier_register_their_providers():
    assert step_provider("plans.plan") is not None
    assert step_provider("nominations.dossier") is not None


def submitted_dossier(c, submitted_on):
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 8, 3),
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    # each act is recorded on its day (approvals.acts)
    with freeze_time(at(D(2026, 8, 5))):
        meeting_record(
            dossier=dossier,
            user=c.village_head,
            held_on=D(2026, 8, 5),
            invited=40,
            present=32,
            votes={cand.pk: 30 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
        )
    with freeze_time(at(D(2026, 8, 6))):
        posting_open(dossier=dossier, user=c.village_head, on=D(2026, 8, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=submitted_on)
    dossier.refresh_from_db()
    return dossier


def recipients(kind):
    return sorted(
        get_user_model()
        .objects.filter(pk__in=Notification.objects.filter(kind=kind).values("recipient_id"))
        .values_list("username", flat=True)
    )


def test_a_dossier_under_appraisal_reminds_the_culture_officer_and_alerts_the_chairman(
    commune,
):
    c = commune
    # submitted on Monday 24/08/2026: the 10-day decision limit ends on 03/09, after the
    # weekend, the swap day 31/08 and the National Day holidays 01-02/09
    dossier = submitted_dossier(c, D(2026, 8, 24))
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.decision_deadline.due_on == D(2026, 9, 3)
    sent = sent_by_day(D(2026, 8, 24), D(2026, 9, 8))
    assert sent == {"2026-08-26": (1, 0), "2026-08-28": (1, 0), "2026-09-04": (1, 1)}
    # the culture officer appraises at the commune; the commune chairman heads it
    assert recipients(NotificationKind.REMINDER) == ["vhxh_x"]
    assert recipients(NotificationKind.ESCALATION) == ["ct_x"]
    escalation = Notification.objects.get(kind=NotificationKind.ESCALATION)
    assert escalation.subject_type == "nominations.dossier"
    assert escalation.subject_id == str(dossier.pk)
    assert escalation.url == f"/nominations/{dossier.pk}/"
    assert "thẩm định" in escalation.title
    assert "Xã Tân Dĩnh" in escalation.body


def test_a_dossier_back_with_its_village_is_not_reminded_while_its_clock_is_paused(commune):
    c = commune
    dossier = submitted_dossier(c, D(2026, 8, 24))
    # returned for supplement on 25/08: the decision clock stops
    with freeze_time(at(D(2026, 8, 25))):
        dossier_return(
            dossier=dossier, user=c.officer, comment="Thiếu biên bản họp", on=D(2026, 8, 25)
        )
    assert sent_by_day(D(2026, 8, 25), D(2026, 9, 30)) == {}
    # back at the commune on Monday 05/10/2026: the clock runs again (due 14/10)
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 5))
    dossier.refresh_from_db()
    assert dossier.decision_deadline.due_on == D(2026, 10, 14)
    with freeze_time(at(D(2026, 10, 13))):
        report = reminders_run()
    assert report.reminders_sent == 1
    assert ReminderSent.objects.get().stage == "before:1"


def test_plan_consultation_reminds_the_consulted_agencies_until_the_plan_goes_back(province):
    p = province
    with freeze_time(at(D(2024, 4, 1))):  # a Monday; five working days: due 08/04
        plan, _vhttdl, _bcd = consulted_plan(p)
    # 3 working days before 08/04 is Wednesday 03/04
    with freeze_time(at(D(2024, 4, 3))):
        report = reminders_run()
    assert report.reminders_sent == 4  # two people for each consulted agency
    # Sở VHTTDL: its director and deputy; the committee: its secretary and standing deputy
    assert recipients(NotificationKind.REMINDER) == ["gd.vhttdl", "pgd.vhttdl", "thuky.bcd"]
    # the director of Sở VHTTDL is reminded twice: for his department and as the
    # committee's standing deputy
    rows = ReminderSent.objects.filter(recipient__username="gd.vhttdl")
    assert rows.count() == 2
    # the division head returns the plan: the consultations close, nothing is reminded
    with freeze_time(at(D(2024, 4, 4))):
        plan_return(plan=plan, user=p.user("cvp.ldtbxh"), comment="Sửa mục III")
    assert sent_by_day(D(2024, 4, 4), D(2024, 4, 15)) == {}


def test_plan_step_clocks_remind_the_step_holders_and_stop_when_it_goes_back(province):
    p = province
    with freeze_time(at(D(2024, 4, 1))):  # Monday; the division review has 3 working days
        plan = new_plan(p)
        plan_submit(plan=plan, user=plan.author)
    plan.refresh_from_db()
    deadline = step_deadline(plan)
    assert deadline.due_on == D(2024, 4, 4)
    sent = sent_by_day(D(2024, 4, 1), D(2024, 4, 5))
    # the chief of the office reviews for the office; as its head holds the step, the
    # director of the department above is alerted the first working day after the due day
    assert sent == {"2024-04-01": (1, 0), "2024-04-03": (1, 0), "2024-04-05": (1, 1)}
    assert recipients(NotificationKind.REMINDER) == ["cvp.ldtbxh"]
    assert recipients(NotificationKind.ESCALATION) == ["gd.ldtbxh"]
    link = Notification.objects.filter(kind=NotificationKind.ESCALATION).get().url
    assert link == f"/plans/{plan.pk}/"
    # returned to its drafter: the step's clock stops and nobody is reminded any more
    with freeze_time(at(D(2024, 4, 8))):
        plan_return(plan=plan, user=p.user("cvp.ldtbxh"), comment="Bổ sung mục II")
    before = ReminderSent.objects.count()
    assert sent_by_day(D(2024, 4, 8), D(2024, 4, 30)) == {}
    assert ReminderSent.objects.count() == before


def test_a_signed_plan_reminds_the_records_clerk_to_number_it(province):
    p = province
    with freeze_time(at(D(2024, 4, 1))):
        plan = new_plan(p)
        to_signature(p, plan)
        plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    plan.refresh_from_db()
    deadline = step_deadline(plan)
    assert deadline is not None
    holding = step_provider("plans.plan")([deadline], D(2024, 4, 1))[deadline.pk]
    assert holding.holder_ids == {p.user("vanthu.ldtbxh").pk}
