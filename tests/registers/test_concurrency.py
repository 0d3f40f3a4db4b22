"""Numbering under concurrency, on PostgreSQL: row locks, several connections.

Each worker thread gets its own database connection from Django and closes it at the end.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction

from approvals.audit.models import AuditEvent
from approvals.exceptions import InvalidTransition
from approvals.registers.models import Register, RegisterEntry
from approvals.registers.services import ISSUE_NUMBER, number_issue, register_for
from approvals.regulations.models import RegulationVersion
from tests.testapp.models import Document

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

#: Data migrations these tests need; a transactional test before them may have flushed it.
SEED_MIGRATIONS = (
    "approvals.organisation.migrations.0002_default_roles",
    "approvals.registers.migrations.0002_seed_kinds_and_actions",
)

WORKERS = 8
TOTAL = 1000
ISSUE_DAY = datetime.date(2024, 6, 3)


@pytest.fixture(autouse=True)
def seeded(transactional_db):
    """Restore the seeded data (idempotently) that a flush by an earlier test removed.

    ``serialized_rollback`` is not used: it clashes with rows that ``post_migrate``
    handlers (django-guardian's anonymous user) re-create after each flush.
    """
    for name in SEED_MIGRATIONS:
        import_module(name).seed(django_apps, None)
    if not RegulationVersion.objects.filter(regulation__code="document_work").exists():
        import_module("approvals.regulations.migrations.0002_seed_defaults").seed(django_apps, None)


class Rollback(Exception):
    """Raised on purpose to roll a worker's transaction back."""


def run_workers(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(worker_index)`` in ``count`` threads started together; return the errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def issue_one(org, clerk, kind) -> RegisterEntry:
    return number_issue(
        agency=org.dept_a,
        kind=kind,
        issued_on=ISSUE_DAY,
        user=clerk,
        subject_summary="Văn bản thử tải",
    )


def test_eight_workers_issue_1000_numbers_without_gap_or_duplicate(
    org, clerk, kinds, register_2024
):
    # given
    per_worker = TOTAL // WORKERS
    plan, report = kinds["plan"], kinds["report"]

    def work(index: int) -> None:
        kind = plan if index % 2 else report  # both kinds share the register's sequence
        for _ in range(per_worker):
            issue_one(org, clerk, kind)

    # when
    errors = run_workers(WORKERS, work)
    # then
    assert errors == []
    numbers = list(
        RegisterEntry.objects.filter(register=register_2024)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, TOTAL + 1))
    register_2024.refresh_from_db()
    assert register_2024.next_number == TOTAL + 1
    assert AuditEvent.objects.filter(action=ISSUE_NUMBER).count() == TOTAL
    assert RegisterEntry.objects.values("symbol").distinct().count() == TOTAL


def test_rolled_back_workers_leave_no_gap(org, clerk, kinds, register_2024):
    # given: every third issue of the odd workers is rolled back after taking its number
    per_worker = TOTAL // WORKERS
    plan = kinds["plan"]
    committed = [0] * WORKERS

    def work(index: int) -> None:
        for step in range(per_worker):
            try:
                with transaction.atomic():
                    issue_one(org, clerk, plan)
                    if index % 2 and step % 3 == 0:
                        raise Rollback
            except Rollback:
                continue
            committed[index] += 1

    # when
    errors = run_workers(WORKERS, work)
    # then
    assert errors == []
    total = sum(committed)
    assert total < TOTAL
    numbers = list(
        RegisterEntry.objects.filter(register=register_2024)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, total + 1))
    register_2024.refresh_from_db()
    assert register_2024.next_number == total + 1
    assert AuditEvent.objects.filter(action=ISSUE_NUMBER).count() == total


def test_workers_rolling_a_year_over_at_once_end_with_one_register(
    org, clerk, kinds, register_2024
):
    # given
    years = range(2025, 2030)

    def work(index: int) -> None:
        kind = kinds["plan"] if index % 2 else kinds["report"]
        for year in years:
            register_for(agency=org.dept_a, kind=kind, year=year)

    # when
    errors = run_workers(WORKERS, work)
    # then
    assert errors == []
    for year in years:
        register = Register.objects.get(agency=org.dept_a, year=year)
        assert register.kind_links.count() == 2


def test_first_numbers_of_a_new_year_issued_at_once_roll_over_once(
    org, clerk, kinds, register_2024
):
    # given
    new_year = datetime.date(2025, 1, 2)

    def work(index: int) -> None:
        number_issue(
            agency=org.dept_a,
            kind=kinds["plan"] if index % 2 else kinds["report"],
            issued_on=new_year,
            user=clerk,
            subject_summary="Văn bản đầu năm",
        )

    # when
    errors = run_workers(WORKERS, work)
    # then
    assert errors == []
    register = Register.objects.get(agency=org.dept_a, year=2025)
    numbers = sorted(register.entries.values_list("number", flat=True))
    assert numbers == list(range(1, WORKERS + 1))


def test_one_document_numbered_by_several_workers_at_once_gets_one_number(
    org, clerk, kinds, register_2024
):
    # given
    document = Document.objects.create(unit=org.dept_a, author=org.drafter_a, title="Kế hoạch")

    def work(index: int) -> None:
        number_issue(
            agency=org.dept_a,
            kind=kinds["plan"],
            issued_on=ISSUE_DAY,
            user=clerk,
            subject_summary="Kế hoạch",
            subject=document,
        )

    # when
    errors = run_workers(WORKERS, work)
    # then
    assert len(errors) == WORKERS - 1
    assert all(isinstance(error, InvalidTransition) for error in errors)
    assert RegisterEntry.objects.for_subject(document).count() == 1
    register_2024.refresh_from_db()
    assert register_2024.next_number == 2
