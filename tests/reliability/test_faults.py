"""Faults injected inside a transition, a bulk decision and a dispatch: an exception in a
signal handler or a database error at each step. Afterwards state, audit trail and
registers agree with what they were before, the chain and registers verify, and the same
action retried without the fault completes (the number is not consumed by the failure).

A worker killed with SIGKILL while it holds the plan's row lock (PostgreSQL): nothing it
wrote is committed, the lock is released, and the retry succeeds.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models.signals import post_save

from approvals.audit.models import AuditEvent, Signature
from approvals.audit.services import chain_verify
from approvals.calendar.models import Deadline
from approvals.registers.integrity import registers_verify
from approvals.registers.models import Register, RegisterEntry
from tests.nominations.timeline import timeline, today_is  # noqa: F401  (fixture)
from tests.plans.conftest import new_plan, province, province_tx, to_signature
from workflows.plans.models import Dispatch, Plan, PlanApproval, PlanState, ReportDue
from workflows.plans.services import plan_approve, plan_issue, plan_sign, plan_submit

__all__ = ["province", "province_tx"]

ROOT = Path(__file__).resolve().parents[2]


class Injected(Exception):
    """The fault raised by a signal handler."""


def _raise(**_: Any) -> None:
    raise Injected


def _db_error(**_: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM table_that_does_not_exist_fault_injection")


FAULTS = {"signal-handler-raises": (_raise, Injected), "database-error": (_db_error, DatabaseError)}


@contextmanager
def fault_on_save(model: Any, fault: str) -> Iterator[type[BaseException]]:
    handler, expected = FAULTS[fault]
    uid = f"fault-injection-{model.__name__}"
    post_save.connect(handler, sender=model, dispatch_uid=uid, weak=False)
    try:
        yield expected
    finally:
        post_save.disconnect(sender=model, dispatch_uid=uid)


def snapshot() -> dict[str, Any]:
    """Everything a half-done action could have left behind."""
    return {
        "plans": sorted(Plan.objects.values_list("pk", "state", "revision_number")),
        "approvals": PlanApproval.objects.count(),
        "events": AuditEvent.objects.count(),
        "signatures": Signature.objects.count(),
        "entries": RegisterEntry.objects.count(),
        "counters": sorted(Register.objects.values_list("pk", "next_number")),
        "dispatches": Dispatch.objects.count(),
        "reports": ReportDue.objects.count(),
    }


def assert_sound() -> None:
    report = chain_verify()
    assert report.ok, report.message
    assert registers_verify() == []


# --- a review transition --------------------------------------------------------------------

#: Saved in this order: the decision, the plan's transition (then its audit event), the
#: clock of the next step (after the event).
STEPS_OF_APPROVE = [PlanApproval, Plan, Deadline]


@pytest.mark.django_db
@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("model", STEPS_OF_APPROVE, ids=lambda m: f"on-save-of-{m.__name__}")
def test_a_fault_inside_a_review_leaves_nothing_and_the_retry_completes(province, model, fault):
    p = province
    plan = new_plan(p)
    plan_submit(plan=plan, user=plan.author)
    before = snapshot()

    with fault_on_save(model, fault) as expected, pytest.raises(expected):
        plan_approve(plan=Plan.objects.get(pk=plan.pk), user=p.user("cvp.ldtbxh"))

    assert snapshot() == before
    assert_sound()
    plan_approve(plan=Plan.objects.get(pk=plan.pk), user=p.user("cvp.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.FORMAT_CHECK
    assert_sound()


# --- a dispatch: number, dispatches, reports, transition --------------------------------------

#: Saved in this order: the number (then its event), the transition, the next clock.
STEPS_OF_ISSUE = [RegisterEntry, Plan, Deadline]


@pytest.mark.django_db
@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("model", STEPS_OF_ISSUE, ids=lambda m: f"on-save-of-{m.__name__}")
def test_a_fault_inside_a_dispatch_consumes_no_number(province, model, fault, clock):
    p = province
    plan = to_signature(p, new_plan(p))
    plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    clerk = p.user("vanthu.ldtbxh")
    day = datetime.date(2024, 6, 3)
    clock.to(day)  # an issue is dated the day it is recorded (approvals.acts)
    before = snapshot()

    with fault_on_save(model, fault) as expected, pytest.raises(expected):
        plan_issue(plan=Plan.objects.get(pk=plan.pk), user=clerk, issued_on=day)

    assert snapshot() == before
    assert_sound()
    issued = plan_issue(plan=Plan.objects.get(pk=plan.pk), user=clerk, issued_on=day)
    assert issued.register_entry.number == 1  # the failed attempt's number was not consumed
    assert issued.state == PlanState.IN_FORCE
    assert Dispatch.objects.filter(plan=plan).count() == plan.recipient_units.count()
    assert_sound()


# --- a bulk decision: number, thousands of candidates, events, transition ---------------------


@pytest.mark.usefixtures("timeline")
@pytest.mark.django_db
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_at_the_end_of_a_bulk_decision_recognises_nobody(org, fault):
    from tests.nominations.conftest import Commune
    from workflows.nominations.models import Candidate, CandidateState, Dossier, Title
    from workflows.nominations.services import (
        candidates_register,
        decision_issue,
        dossier_accept,
        dossier_create,
        dossier_decide,
        dossier_submit,
        meeting_record,
        posting_open,
    )

    d = datetime.date
    c = Commune(org, households=300)
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=d(2026, 10, 1),
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    today_is(d(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=d(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(d(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=d(2026, 10, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=d(2026, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(d(2026, 10, 26))
    dossier_decide(dossier=dossier, user=c.chairman, on=d(2026, 10, 26))
    before = snapshot()
    states_before = sorted(Candidate.objects.values_list("pk", "state"))

    # the dossier is saved by its transition, after the number and the 300 recognitions
    with fault_on_save(Dossier, fault) as expected, pytest.raises(expected):
        decision_issue(dossier=Dossier.objects.get(pk=dossier.pk), user=c.clerk, on=d(2026, 10, 26))

    assert snapshot() == before
    assert sorted(Candidate.objects.values_list("pk", "state")) == states_before
    assert_sound()
    decision_issue(dossier=Dossier.objects.get(pk=dossier.pk), user=c.clerk, on=d(2026, 10, 26))
    recognised = Candidate.objects.filter(dossier=dossier, state=CandidateState.RECOGNISED)
    assert recognised.count() == 300
    dossier.refresh_from_db()
    assert dossier.register_entry.number == 1
    assert_sound()


# --- a worker killed while holding the row lock ----------------------------------------------

WORKER = """
import sys, time, django
django.setup()
from django.db import transaction
from django.contrib.auth import get_user_model
from workflows.plans.models import Plan
from workflows.plans.services import plan_approve
head = get_user_model().objects.get(username="cvp.ldtbxh")
with transaction.atomic():
    plan_approve(plan=Plan(pk=int(sys.argv[1])), user=head)
    print("LOCKED", flush=True)
    time.sleep(600)
"""


def lock_now(pk: int) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {Plan._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT", [pk])


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_holding_the_lock_commits_nothing(seeded, province_tx):
    p = province_tx
    plan = new_plan(p)
    plan_submit(plan=plan, user=plan.author)
    before = snapshot()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url()}
    worker = subprocess.Popen(  # noqa: S603 - our interpreter, a fixed script
        [sys.executable, "-c", WORKER, str(plan.pk)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = worker.stdout.readline()
        assert line.strip() == "LOCKED", worker.stderr.read()
        # the row is locked by the worker now: a non-waiting lock attempt fails
        with pytest.raises(DatabaseError):
            lock_now(plan.pk)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()
        worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL

    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '20s'")
    assert snapshot() == before
    plan_approve(plan=Plan.objects.get(pk=plan.pk), user=p.user("cvp.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.FORMAT_CHECK
    assert_sound()


# --- a lost broker ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lost_broker_breaks_no_transition_and_the_enqueue_fails_loudly(
    province, monkeypatch, clock
):
    """No transition enqueues work: with every enqueue failing as if the broker were gone,
    a plan still walks from draft to dispatch. The reminder pass itself is pulled from the
    deadlines by the next run, so a pass lost with the broker is not lost (see
    tests/notifications/test_reminders.py: a late pass, a failed e-mail retried, one reminder
    when passes overlap)."""
    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    from approvals.notifications.tasks import send_reminders

    enqueued: list[str] = []

    def broker_gone(self: Any, *args: Any, **kwargs: Any) -> None:
        enqueued.append(self.name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", broker_gone)
    p = province

    with pytest.raises(OperationalError):
        send_reminders.delay()
    plan = to_signature(p, new_plan(p))
    plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    clock.to(datetime.date(2024, 6, 3))  # an issue is dated the day it is recorded
    issued = plan_issue(
        plan=Plan.objects.get(pk=plan.pk),
        user=p.user("vanthu.ldtbxh"),
        issued_on=datetime.date(2024, 6, 3),
    )

    assert issued.state == PlanState.IN_FORCE
    assert enqueued == ["approvals.notifications.send_reminders"]  # only the explicit call
    assert_sound()
