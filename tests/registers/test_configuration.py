"""Document kinds, register configuration and roll-over; the database guards each rule."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from approvals.audit.models import AuditEvent
from approvals.exceptions import ActionNotPermitted, ValidationFailed
from approvals.registers import services
from approvals.registers.exceptions import RegisterEntryPermanent
from approvals.registers.models import DocumentKind, Register, RegisterEntry, RegisterKind
from approvals.registers.selectors import place_date_line, place_name_of
from approvals.registers.services import (
    CONFIGURE_REGISTER,
    number_issue,
    register_configure,
    register_for,
)
from tests.registers.conftest import ISSUE_DAY

#: Phụ lục III of Decree 30/2020 (shared/reference/DOMAIN.md §3.3).
DECREE_30_ABBREVIATIONS = {
    "NQ",
    "QĐ",
    "CT",
    "QC",
    "QyĐ",
    "TC",
    "TB",
    "HD",
    "CTr",
    "KH",
    "PA",
    "ĐA",
    "DA",
    "BC",
    "BB",
    "TTr",
    "HĐ",
    "CĐ",
    "BGN",
    "BTT",
    "GUQ",
    "GM",
    "GGT",
    "GNP",
    "PG",
    "PC",
    "PB",
    "SY",
    "TrS",
    "SL",
}


def test_all_decree_30_abbreviations_are_seeded(db):
    # when
    seeded = set(
        DocumentKind.objects.exclude(abbreviation="").values_list("abbreviation", flat=True)
    )
    # then
    assert seeded == DECREE_30_ABBREVIATIONS


def test_official_letter_is_seeded_without_abbreviation(kinds):
    # when
    letter = kinds["official_letter"]
    # then
    assert (letter.name, letter.abbreviation) == ("Công văn", "")
    assert letter.is_official_letter


@pytest.mark.parametrize(
    ("code", "abbreviation", "name"),
    [
        ("plan", "KH", "Kế hoạch"),
        ("decision", "QĐ", "Quyết định (cá biệt)"),
        ("report", "BC", "Báo cáo"),
        ("submission_memo", "TTr", "Tờ trình"),
        ("minutes", "BB", "Biên bản"),
        ("notice", "TB", "Thông báo"),
        ("guidance", "HD", "Hướng dẫn"),
        ("programme", "CTr", "Chương trình"),
        ("scheme", "ĐA", "Đề án"),
        ("invitation", "GM", "Giấy mời"),
    ],
)
def test_common_kinds_have_english_codes(kinds, code, abbreviation, name):
    # then
    assert (kinds[code].abbreviation, kinds[code].name) == (abbreviation, name)


def test_abbreviation_is_unique(db):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentKind.objects.create(code="plan_copy", abbreviation="KH", name="Kế hoạch 2")


def test_configure_creates_register_with_its_kinds_and_one_audit_event(org, clerk, kinds):
    # when
    register = register_configure(
        agency=org.dept_a,
        year=2024,
        name=" Sổ văn bản đi 2024 ",
        kinds=[kinds["plan"], kinds["report"], kinds["plan"]],
        user=clerk,
    )
    # then
    assert (register.name, register.year, register.next_number) == ("Sổ văn bản đi 2024", 2024, 1)
    assert not register.confidential
    assert not register.is_closed
    assert set(register.kinds.all()) == {kinds["plan"], kinds["report"]}
    assert (
        AuditEvent.objects.filter(
            action=CONFIGURE_REGISTER,
            subject_type="approvals_registers.register",
            subject_id=str(register.pk),
        ).count()
        == 1
    )


def test_kind_already_configured_is_refused(org, clerk, kinds, register_2024):
    # when / then
    with pytest.raises(ValidationFailed, match="“Kế hoạch \\(KH\\)” is already in the register"):
        register_configure(
            agency=org.dept_a, year=2024, name="Sổ kế hoạch", kinds=[kinds["plan"]], user=clerk
        )
    assert Register.objects.filter(agency=org.dept_a, year=2024).count() == 1


def test_same_kind_may_be_configured_in_another_year_series_or_agency(
    org, clerk, kinds, register_2024, committee, committee_clerk
):
    # when
    register_configure(agency=org.dept_a, year=2025, name="2025", kinds=[kinds["plan"]], user=clerk)
    register_configure(
        agency=org.dept_a,
        year=2024,
        name="Mật",
        kinds=[kinds["plan"]],
        confidential=True,
        user=clerk,
    )
    register_configure(
        agency=committee, year=2024, name="BCĐ", kinds=[kinds["plan"]], user=committee_clerk
    )
    # then
    assert RegisterKind.objects.filter(kind=kinds["plan"]).count() == 4


def test_database_refuses_a_kind_in_two_registers(org, kinds, register_2024):
    # given: a second register written around the service
    other = Register.objects.create(agency=org.dept_a, year=2024, name="Khác")
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterKind.objects.create(register=other, kind=kinds["plan"])


def test_register_kind_clean_refuses_a_kind_in_another_register(org, kinds, register_2024):
    # given
    other = Register.objects.create(agency=org.dept_a, year=2024, name="Khác")
    link = RegisterKind(register=other, kind=kinds["report"])
    # when / then
    with pytest.raises(ValidationError, match="already in the register"):
        link.full_clean()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("name", "  ", "needs a name"), ("kinds", [], "at least one"), ("year", 24, "valid year")],
)
def test_configure_refuses_bad_input(org, clerk, kinds, field, value, message):
    # given
    arguments = {"agency": org.dept_a, "year": 2024, "name": "Sổ", "kinds": [kinds["plan"]]}
    arguments[field] = value
    # when / then
    with pytest.raises(ValidationFailed, match=message):
        register_configure(**arguments, user=clerk)
    assert not Register.objects.exists()


def test_configure_needs_the_role(org, kinds):
    # when / then
    with pytest.raises(ActionNotPermitted):
        register_configure(
            agency=org.dept_a, year=2024, name="Sổ", kinds=[kinds["plan"]], user=org.drafter_a
        )
    assert not Register.objects.exists()


def test_register_for_rolls_over_only_once(org, clerk, kinds, register_2024):
    # when
    first = register_for(agency=org.dept_a, kind=kinds["plan"], year=2025)
    second = register_for(agency=org.dept_a, kind=kinds["report"], year=2025)
    # then
    assert first == second
    assert first.next_number == 1
    assert Register.objects.filter(year=2025).count() == 1


def test_roll_over_from_the_latest_configured_year(org, clerk, kinds, register_2024):
    # given: nothing was issued in 2025 and 2026 has no register yet
    # when
    register = register_for(agency=org.dept_a, kind=kinds["plan"], year=2026)
    # then
    assert register.year == 2026
    assert register.rolled_over_from == register_2024
    assert register.name == "Sổ văn bản đi 2026"


def test_losing_a_roll_over_race_reads_the_winners_register(
    org, clerk, kinds, register_2024, monkeypatch
):
    # given: another worker rolls the grouping over between our check and our insert
    real_latest = services._latest_configured_year

    def winner_first(**kwargs):
        latest = real_latest(**kwargs)
        services._roll_over(agency=org.dept_a, from_year=2024, to_year=2025, confidential=False)
        return latest

    monkeypatch.setattr(services, "_latest_configured_year", winner_first)
    # when
    register = register_for(agency=org.dept_a, kind=kinds["report"], year=2025)
    # then
    assert Register.objects.filter(agency=org.dept_a, year=2025).count() == 1
    assert register == Register.objects.get(agency=org.dept_a, year=2025)


def test_earlier_year_than_any_configuration_is_not_configured(org, clerk, kinds, register_2024):
    # when / then
    with pytest.raises(services.RegisterNotConfigured, match="in 2023"):
        register_for(agency=org.dept_a, kind=kinds["plan"], year=2023)


def test_entries_are_never_deleted(org, clerk, kinds, register_2024):
    # given
    entry = number_issue(
        agency=org.dept_a,
        kind=kinds["plan"],
        issued_on=ISSUE_DAY,
        user=clerk,
        subject_summary="Kế hoạch",
    )
    # when / then
    with pytest.raises(RegisterEntryPermanent):
        entry.delete()
    with pytest.raises(RegisterEntryPermanent):
        RegisterEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Register.objects.filter(pk=register_2024.pk).delete()
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()


def test_number_is_unique_in_a_register(org, clerk, kinds, register_2024):
    # given
    entry = number_issue(
        agency=org.dept_a,
        kind=kinds["plan"],
        issued_on=ISSUE_DAY,
        user=clerk,
        subject_summary="Kế hoạch",
    )
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.create(
            register=register_2024,
            number=entry.number,
            symbol="01/KH-X",
            kind=kinds["plan"],
            subject_summary="Trùng",
            issued_on=ISSUE_DAY,
            issued_by=clerk,
        )


def test_date_line_of_a_department_uses_the_province_place(org):
    # when
    february = place_date_line(agency=org.dept_a, day=datetime.date(2024, 2, 5))
    march = place_date_line(agency=org.dept_a, day=datetime.date(2024, 3, 15))
    # then
    assert place_name_of(org.dept_a) == "Bắc Giang"
    assert february == "Bắc Giang, ngày 05 tháng 02 năm 2024"
    assert march == "Bắc Giang, ngày 15 tháng 3 năm 2024"
