"""Issuing and voiding numbers, closing registers: gap-free, unique, audited."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from approvals.audit.models import AuditEvent
from approvals.exceptions import (
    ActionNotPermitted,
    InvalidTransition,
    RegisterClosed,
    RegisterEntryVoided,
    RegisterNotConfigured,
    ValidationFailed,
)
from approvals.registers.models import EntryStatus, Register, RegisterEntry, RegisterKind
from approvals.registers.selectors import register_entries
from approvals.registers.services import (
    CLOSE_REGISTER,
    ISSUE_NUMBER,
    VOID_NUMBER,
    number_issue,
    number_void,
    register_close,
    register_configure,
)
from tests.registers.conftest import ISSUE_DAY
from tests.testapp.models import Document

ENTRY_TYPE = "approvals_registers.registerentry"


def issue(org, clerk, kind, *, day=ISSUE_DAY, summary="Về việc tổ chức Phong trào", **extra):
    return number_issue(
        agency=org.dept_a,
        kind=kind,
        issued_on=day,
        user=clerk,
        subject_summary=summary,
        **extra,
    )


@pytest.fixture
def document(org):
    """A plan drafted in department A, to be numbered."""
    return Document.objects.create(unit=org.dept_a, author=org.drafter_a, title="Kế hoạch")


def audit_events(entry, action):
    return AuditEvent.objects.filter(
        action=action, subject_type=ENTRY_TYPE, subject_id=str(entry.pk)
    )


def test_numbering_starts_at_01_and_increments(org, clerk, kinds, register_2024):
    # when
    first = issue(org, clerk, kinds["plan"])
    second = issue(org, clerk, kinds["plan"])
    # then
    assert (first.number, first.symbol) == (1, "01/KH-LĐTBXH")
    assert (second.number, second.symbol) == (2, "02/KH-LĐTBXH")
    assert first.number_line == "Số: 01/KH-LĐTBXH"
    register_2024.refresh_from_db()
    assert register_2024.next_number == 3


def test_number_ten_and_above_has_no_leading_zero(org, clerk, kinds, register_2024):
    # given
    Register.objects.filter(pk=register_2024.pk).update(next_number=10)
    # when
    entry = issue(org, clerk, kinds["report"])
    # then
    assert entry.symbol == "10/BC-LĐTBXH"


def test_entry_records_the_issue(org, clerk, kinds, register_2024, document):
    # when
    entry = issue(
        org,
        clerk,
        kinds["plan"],
        subject=document,
        drafting_unit=org.division_a,
        summary="  Triển khai Phong trào năm 2024  ",
    )
    # then
    assert entry.register == register_2024
    assert entry.kind == kinds["plan"]
    assert entry.issued_on == ISSUE_DAY
    assert entry.issued_by == clerk
    assert entry.drafting_unit == org.division_a
    assert entry.subject_summary == "Triển khai Phong trào năm 2024"
    assert entry.status == EntryStatus.ISSUED
    assert (entry.subject_type, entry.subject_id) == ("testapp.document", str(document.pk))


def test_two_kinds_in_one_register_share_one_sequence(org, clerk, kinds, register_2024):
    # when
    plan = issue(org, clerk, kinds["plan"])
    report = issue(org, clerk, kinds["report"])
    plan_again = issue(org, clerk, kinds["plan"])
    # then
    assert [plan.symbol, report.symbol, plan_again.symbol] == [
        "01/KH-LĐTBXH",
        "02/BC-LĐTBXH",
        "03/KH-LĐTBXH",
    ]


def test_kinds_in_separate_registers_have_separate_sequences(org, clerk, kinds, register_2024):
    # given: decisions have their own register (the agency head's choice)
    register_configure(
        agency=org.dept_a,
        year=2024,
        name="Sổ quyết định 2024",
        kinds=[kinds["decision"]],
        user=clerk,
    )
    issue(org, clerk, kinds["plan"])
    # when
    decision = issue(org, clerk, kinds["decision"])
    # then
    assert decision.symbol == "01/QĐ-LĐTBXH"


def test_steering_committee_numbers_its_own_plans(committee, committee_clerk, kinds):
    # given
    register_configure(
        agency=committee,
        year=2024,
        name="Sổ văn bản đi BCĐ 2024",
        kinds=[kinds["plan"]],
        user=committee_clerk,
    )
    Register.objects.filter(agency=committee).update(next_number=30)
    # when
    entry = number_issue(
        agency=committee,
        kind=kinds["plan"],
        issued_on=ISSUE_DAY,
        user=committee_clerk,
        subject_summary="Thực hiện Phong trào năm 2024",
    )
    # then
    assert entry.symbol == "30/KH-BCĐ"


def test_official_letter_symbol_names_the_drafting_unit(org, clerk, kinds):
    # given
    register_configure(
        agency=org.dept_a,
        year=2024,
        name="Sổ công văn 2024",
        kinds=[kinds["official_letter"]],
        user=clerk,
    )
    # when
    entry = issue(org, clerk, kinds["official_letter"], drafting_unit=org.division_a)
    # then
    assert entry.symbol == "01/LĐTBXH-VP"


def test_official_letter_without_drafting_unit_is_refused(org, clerk, kinds):
    # given
    register_configure(
        agency=org.dept_a,
        year=2024,
        name="Sổ công văn 2024",
        kinds=[kinds["official_letter"]],
        user=clerk,
    )
    # when / then
    with pytest.raises(ValidationFailed, match="drafting unit"):
        issue(org, clerk, kinds["official_letter"])
    assert not RegisterEntry.objects.exists()


def test_new_year_rolls_the_grouping_over_and_starts_at_01(org, clerk, kinds, register_2024):
    # given
    issue(org, clerk, kinds["plan"])
    issue(org, clerk, kinds["report"])
    # when
    first_2025 = issue(org, clerk, kinds["report"], day=datetime.date(2025, 1, 2))
    plan_2025 = issue(org, clerk, kinds["plan"], day=datetime.date(2025, 1, 3))
    # then
    assert first_2025.symbol == "01/BC-LĐTBXH"
    assert plan_2025.symbol == "02/KH-LĐTBXH"
    new = first_2025.register
    assert new != register_2024
    assert (new.year, new.name, new.rolled_over_from) == (2025, "Sổ văn bản đi 2025", register_2024)
    assert set(new.kinds.all()) == {kinds["plan"], kinds["report"]}
    assert Register.objects.filter(agency=org.dept_a, year=2025).count() == 1


def test_roll_over_keeps_each_register_of_the_grouping(org, clerk, kinds, register_2024):
    # given
    register_configure(
        agency=org.dept_a,
        year=2024,
        name="Sổ quyết định 2024",
        kinds=[kinds["decision"]],
        user=clerk,
    )
    # when
    decision = issue(org, clerk, kinds["decision"], day=datetime.date(2025, 1, 2))
    plan = issue(org, clerk, kinds["plan"], day=datetime.date(2025, 1, 2))
    # then
    assert decision.number == plan.number == 1
    assert Register.objects.filter(agency=org.dept_a, year=2025).count() == 2


def test_a_year_configured_explicitly_is_not_rolled_over(org, clerk, kinds, register_2024):
    # given: 2025 was configured with plans only
    register_configure(
        agency=org.dept_a, year=2025, name="Sổ 2025", kinds=[kinds["plan"]], user=clerk
    )
    # when / then
    with pytest.raises(RegisterNotConfigured, match="“Báo cáo \\(BC\\)” in 2025"):
        issue(org, clerk, kinds["report"], day=datetime.date(2025, 2, 1))


def test_not_configured_is_refused_naming_agency_kind_and_year(org, clerk, kinds):
    # when / then
    with pytest.raises(RegisterNotConfigured) as caught:
        issue(org, clerk, kinds["plan"])
    message = str(caught.value)
    assert "Sở Lao động - TB&XH" in message
    assert "Kế hoạch (KH)" in message
    assert "2024" in message
    assert not Register.objects.exists()


def test_kind_outside_the_grouping_is_refused(org, clerk, kinds, register_2024):
    # when / then
    with pytest.raises(RegisterNotConfigured, match="Tờ trình"):
        issue(org, clerk, kinds["submission_memo"])


def test_classified_documents_have_their_own_series(org, clerk, kinds, register_2024):
    # given
    register_configure(
        agency=org.dept_a,
        year=2024,
        name="Sổ văn bản mật 2024",
        kinds=[kinds["plan"]],
        confidential=True,
        user=clerk,
    )
    issue(org, clerk, kinds["plan"])
    issue(org, clerk, kinds["plan"])
    # when
    classified = issue(org, clerk, kinds["plan"], confidential=True)
    # then
    assert classified.number == 1
    assert classified.register.confidential


def test_classified_without_a_classified_register_is_refused(org, clerk, kinds, register_2024):
    # when / then
    with pytest.raises(RegisterNotConfigured, match="classified"):
        issue(org, clerk, kinds["plan"], confidential=True)


def test_closed_register_is_refused(org, clerk, kinds, register_2024):
    # given
    issue(org, clerk, kinds["plan"])
    register_close(register=register_2024, user=clerk, reason="Khóa sổ cuối năm")
    # when / then
    with pytest.raises(RegisterClosed, match="Khóa sổ cuối năm"):
        issue(org, clerk, kinds["plan"])
    register_2024.refresh_from_db()
    assert register_2024.next_number == 2
    assert RegisterEntry.objects.count() == 1


def test_user_without_the_role_is_refused_and_nothing_written(org, kinds, register_2024):
    # given: the drafter holds no role that may issue numbers
    events_before = AuditEvent.objects.count()
    # when / then
    with pytest.raises(ActionNotPermitted, match="Cấp số văn bản"):
        issue(org, org.drafter_a, kinds["plan"])
    register_2024.refresh_from_db()
    assert register_2024.next_number == 1
    assert not RegisterEntry.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_clerk_of_another_agency_is_refused(org, committee_clerk, kinds, register_2024):
    # when / then
    with pytest.raises(ActionNotPermitted):
        issue(org, committee_clerk, kinds["plan"])
    assert not RegisterEntry.objects.exists()


def test_blank_subject_summary_is_refused(org, clerk, kinds, register_2024):
    # when / then
    with pytest.raises(ValidationFailed, match="subject summary"):
        issue(org, clerk, kinds["plan"], summary="   ")
    register_2024.refresh_from_db()
    assert register_2024.next_number == 1


def test_issue_date_before_the_last_issued_is_refused(org, clerk, kinds, register_2024):
    # given
    issue(org, clerk, kinds["plan"], day=datetime.date(2024, 5, 10))
    # when / then
    with pytest.raises(ValidationFailed, match="order of issue"):
        issue(org, clerk, kinds["plan"], day=datetime.date(2024, 5, 9))
    register_2024.refresh_from_db()
    assert register_2024.next_number == 2


def test_document_numbered_twice_is_refused(org, clerk, kinds, register_2024, document):
    # given
    issue(org, clerk, kinds["plan"], subject=document)
    # when / then
    with pytest.raises(InvalidTransition, match="already has the number 01/KH-LĐTBXH"):
        issue(org, clerk, kinds["plan"], subject=document)


def test_failure_after_allocation_leaves_no_gap(org, clerk, kinds, register_2024):
    # given: the caller's transaction fails after the number was taken
    taken: list[int] = []

    def issue_then_fail() -> None:
        with transaction.atomic():
            taken.append(issue(org, clerk, kinds["plan"]).number)
            raise RuntimeError("dispatch failed")

    with pytest.raises(RuntimeError, match="dispatch failed"):
        issue_then_fail()
    assert taken == [1]
    # when
    entry = issue(org, clerk, kinds["plan"])
    # then
    assert entry.number == 1
    assert RegisterEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action=ISSUE_NUMBER).count() == 1


def test_each_issue_writes_exactly_one_audit_event(org, clerk, kinds, register_2024):
    # when
    entry = issue(org, clerk, kinds["plan"])
    # then
    events = list(audit_events(entry, ISSUE_NUMBER))
    assert len(events) == 1
    event = events[0]
    assert event.actor == clerk
    assert event.to_state == EntryStatus.ISSUED
    assert event.payload["symbol"] == "01/KH-LĐTBXH"
    assert event.payload["number"] == 1


# --- void ----------------------------------------------------------------------------------


def test_void_keeps_the_entry_with_its_reason(org, clerk, kinds, register_2024):
    # given
    entry = issue(org, clerk, kinds["plan"])
    # when
    voided = number_void(entry=entry, user=clerk, reason="Sai trích yếu")
    # then
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VOID
    assert entry.void_reason == "Sai trích yếu"
    assert entry.voided_by == clerk
    assert entry.voided_at is not None
    assert voided.is_void


def test_voided_number_is_never_reused(org, clerk, kinds, register_2024):
    # given
    first = issue(org, clerk, kinds["plan"])
    number_void(entry=first, user=clerk, reason="Hỏng số")
    # when
    second = issue(org, clerk, kinds["plan"])
    # then
    assert second.number == 2
    assert [(e.number, e.status) for e in register_entries(register=register_2024)] == [
        (1, EntryStatus.VOID),
        (2, EntryStatus.ISSUED),
    ]


def test_void_twice_is_refused(org, clerk, kinds, register_2024):
    # given
    entry = issue(org, clerk, kinds["plan"])
    number_void(entry=entry, user=clerk, reason="Hỏng số")
    # when / then
    with pytest.raises(RegisterEntryVoided, match="already voided: Hỏng số"):
        number_void(entry=entry, user=clerk, reason="Lần nữa")
    assert audit_events(entry, VOID_NUMBER).count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_void_without_reason_is_refused(org, clerk, kinds, register_2024, reason):
    # given
    entry = issue(org, clerk, kinds["plan"])
    # when / then
    with pytest.raises(ValidationFailed, match="reason is required"):
        number_void(entry=entry, user=clerk, reason=reason)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ISSUED


def test_void_by_a_user_without_the_role_is_refused(org, clerk, kinds, register_2024):
    # given
    entry = issue(org, clerk, kinds["plan"])
    # when / then
    with pytest.raises(ActionNotPermitted):
        number_void(entry=entry, user=org.drafter_a, reason="Hỏng số")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ISSUED
    assert not audit_events(entry, VOID_NUMBER).exists()


def test_void_in_a_closed_register_is_refused(org, clerk, kinds, register_2024):
    # given
    entry = issue(org, clerk, kinds["plan"])
    register_close(register=register_2024, user=clerk, reason="Khóa sổ")
    # when / then
    with pytest.raises(RegisterClosed):
        number_void(entry=entry, user=clerk, reason="Hỏng số")


def test_each_void_writes_exactly_one_audit_event(org, clerk, kinds, register_2024):
    # given
    entry = issue(org, clerk, kinds["plan"])
    # when
    number_void(entry=entry, user=clerk, reason="Hỏng số")
    # then
    events = list(audit_events(entry, VOID_NUMBER))
    assert len(events) == 1
    assert (events[0].from_state, events[0].to_state) == ("issued", "void")
    assert events[0].comment == "Hỏng số"


def test_a_voided_document_can_be_numbered_again(org, clerk, kinds, register_2024, document):
    # given
    first = issue(org, clerk, kinds["plan"], subject=document)
    number_void(entry=first, user=clerk, reason="Sai thể thức")
    # when
    second = issue(org, clerk, kinds["plan"], subject=document)
    # then
    assert second.number == 2
    assert RegisterEntry.objects.for_subject(document).issued().get() == second


# --- close ---------------------------------------------------------------------------------


def test_close_records_reason_and_one_audit_event(org, clerk, kinds, register_2024):
    # when
    closed = register_close(register=register_2024, user=clerk, reason="Khóa sổ cuối năm")
    # then
    assert closed.is_closed
    assert closed.closed_reason == "Khóa sổ cuối năm"
    events = AuditEvent.objects.filter(
        action=CLOSE_REGISTER,
        subject_type="approvals_registers.register",
        subject_id=str(register_2024.pk),
    )
    assert events.count() == 1


def test_close_twice_is_refused(org, clerk, kinds, register_2024):
    # given
    register_close(register=register_2024, user=clerk, reason="Khóa sổ")
    # when / then
    with pytest.raises(RegisterClosed, match="already closed"):
        register_close(register=register_2024, user=clerk, reason="Khóa sổ")


def test_close_without_reason_or_role_is_refused(org, clerk, kinds, register_2024):
    # when / then
    with pytest.raises(ValidationFailed):
        register_close(register=register_2024, user=clerk, reason="")
    with pytest.raises(ActionNotPermitted):
        register_close(register=register_2024, user=org.drafter_a, reason="Khóa sổ")
    register_2024.refresh_from_db()
    assert not register_2024.is_closed


def test_closed_year_still_rolls_over_to_the_next(org, clerk, kinds, register_2024):
    # given
    register_close(register=register_2024, user=clerk, reason="Khóa sổ cuối năm 2024")
    # when
    entry = issue(org, clerk, kinds["plan"], day=datetime.date(2025, 1, 2))
    # then
    assert entry.number == 1
    assert not entry.register.is_closed


# --- statements ----------------------------------------------------------------------------


def test_a_number_takes_a_fixed_number_of_statements(
    org, clerk, kinds, register_2024, django_assert_max_num_queries
):
    # given one number issued (the register it came from is remembered on PostgreSQL)
    issue(org, clerk, kinds["plan"])
    # then the next one (tests read the action rules and the rules uncached): the
    # service's savepoint, the permission (2), the rules (2), the register (elsewhere than
    # PostgreSQL), then under its lock the counter with the reads after it and the entry
    # with its audit event, one round trip each on PostgreSQL (before: 14 statements on
    # PostgreSQL, 16 on SQLite)
    budget = 8 if connection.vendor == "postgresql" else 13
    with django_assert_max_num_queries(budget):
        entry = issue(org, clerk, kinds["plan"])
    assert entry.number == 2
    assert list(audit_events(entry, ISSUE_NUMBER).values_list("payload__number", flat=True)) == [2]


def test_a_kind_moved_to_another_register_is_numbered_from_that_register(
    org, clerk, kinds, register_2024
):
    # given plans numbered from the 2024 register (which this process then remembers)
    assert issue(org, clerk, kinds["plan"]).register == register_2024
    # when plans are moved to a register of their own
    RegisterKind.objects.filter(register=register_2024, kind=kinds["plan"]).delete()
    plans = register_configure(
        agency=org.dept_a, year=2024, name="Sổ kế hoạch 2024", kinds=[kinds["plan"]], user=clerk
    )
    entry = issue(org, clerk, kinds["plan"])
    # then the next plan takes number 1 of that register; the old one is untouched
    assert (entry.register, entry.number) == (plans, 1)
    register_2024.refresh_from_db()
    assert register_2024.next_number == 2
    assert RegisterEntry.objects.filter(register=register_2024).count() == 1
