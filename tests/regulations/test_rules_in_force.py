"""Regulation versions chosen by date and by jurisdiction; seeded defaults."""

from __future__ import annotations

import datetime

import pytest

from approvals.audit.models import AuditEvent
from approvals.exceptions import RegulationNotFound, ValidationFailed
from approvals.regulations.models import Regulation, Rule, ValueType
from approvals.regulations.services import (
    Period,
    RuleSpec,
    regulation_version_create,
    rules_in_force,
)

pytestmark = pytest.mark.django_db


def test_deciding_level_for_villages_changes_with_the_2025_reform():
    # the district chairman decided "Thôn, tổ dân phố văn hóa" before 01/07/2025
    before = rules_in_force("cultural_titles", on=datetime.date(2025, 6, 30))
    after = rules_in_force("cultural_titles", on=datetime.date(2025, 7, 1))
    assert before.unit_kind("cultural_village.deciding_level") == "district"
    assert after.unit_kind("cultural_village.deciding_level") == "commune"
    # and the reform version is a configurable default, not confirmed law
    assert after.rule("cultural_village.deciding_level").confirmed is False
    # rules the reform did not touch carry over
    assert after.period("cultural_family.posting_period") == Period(10, "calendar")
    assert before.version_ids != after.version_ids


def test_seeded_cultural_family_rules():
    rules = rules_in_force("cultural_titles", on=datetime.date(2026, 11, 1))
    assert rules.month_day("cultural_family.review_deadline", 2026) == datetime.date(2026, 11, 25)
    assert rules.rule("cultural_family.review_deadline").confirmed
    # quorum and vote share are unconfirmed for Decree 86: defaults, marked as such
    assert not rules.rule("cultural_family.meeting_quorum_percent").confirmed
    assert rules.unit_kind("cultural_family.deciding_level") == "commune"


def test_nothing_in_force_before_the_first_version():
    with pytest.raises(RegulationNotFound):
        rules_in_force("cultural_titles", on=datetime.date(2023, 12, 31))


def test_unknown_rule_is_a_clear_error():
    rules = rules_in_force("document_work", on=datetime.date(2026, 1, 1))
    with pytest.raises(RegulationNotFound) as exc:
        rules.get("numbering.no_such_rule")
    assert "numbering.no_such_rule" in str(exc.value)
    assert rules.integer("numbering.min_digits") == 2


def test_a_new_version_changes_later_dates_only_and_records_started_under_keep_theirs(org):
    regulation = Regulation.objects.get(code="cultural_titles")
    old = rules_in_force("cultural_titles", on=datetime.date(2026, 11, 1))
    regulation_version_create(
        regulation=regulation,
        label="NĐ sửa đổi (giả định)",
        effective_from=datetime.date(2027, 1, 1),
        legal_basis="Nghị định sửa đổi",
        user=org.director_a,
        rules=[RuleSpec("cultural_family.meeting_quorum_percent", 2 * 33, ValueType.PERCENT)],
    )
    assert AuditEvent.objects.filter(action="approvals_rules.version_create").count() == 1
    new = rules_in_force("cultural_titles", on=datetime.date(2027, 1, 2))
    assert new.percent("cultural_family.meeting_quorum_percent") == 66
    # a dossier started under the old version reads it back by its version ids
    again = rules_in_force("cultural_titles", on=datetime.date(2026, 11, 1))
    assert again.version_ids == old.version_ids
    assert again.percent("cultural_family.meeting_quorum_percent") == old.percent(
        "cultural_family.meeting_quorum_percent"
    )


def test_a_province_overrides_single_rules_for_its_own_units(org):
    regulation = Regulation.objects.get(code="cultural_titles")
    regulation_version_create(
        regulation=regulation,
        label="QĐ của UBND tỉnh Bắc Giang",
        effective_from=datetime.date(2026, 1, 1),
        legal_basis="Quyết định của UBND tỉnh",
        jurisdiction=org.province,
        copy_previous=False,
        user=org.director_a,
        rules=[RuleSpec("cultural_family.approval_percent", 70, ValueType.PERCENT)],
    )
    inside = rules_in_force("cultural_titles", on=datetime.date(2026, 6, 1), unit=org.village_x1)
    national = rules_in_force("cultural_titles", on=datetime.date(2026, 6, 1))
    assert inside.percent("cultural_family.approval_percent") == 70
    assert national.percent("cultural_family.approval_percent") != 70
    # the province's version only overrides: other rules still come from the national one
    assert inside.unit_kind("cultural_family.deciding_level") == "commune"


@pytest.mark.parametrize(
    ("value_type", "value"),
    [
        (ValueType.PERCENT, 101),
        (ValueType.PERIOD, {"length": 10, "day_kind": "lunar"}),
        (ValueType.MONTH_DAY, "02-30"),
        (ValueType.UNIT_KIND, "galaxy"),
        (ValueType.INTEGER, -1),
    ],
)
def test_values_that_do_not_fit_their_type_are_refused(org, value_type, value):
    regulation = Regulation.objects.get(code="document_work")
    count = Rule.objects.count()
    with pytest.raises(ValidationFailed):
        regulation_version_create(
            regulation=regulation,
            label="x",
            effective_from=datetime.date(2030, 1, 1),
            legal_basis="x",
            rules=[RuleSpec("some.rule", value, value_type)],
            user=org.director_a,
        )
    assert Rule.objects.count() == count


def test_version_needs_a_legal_basis(org):
    regulation = Regulation.objects.get(code="document_work")
    with pytest.raises(ValidationFailed):
        regulation_version_create(
            regulation=regulation,
            label="x",
            effective_from=datetime.date(2030, 1, 1),
            legal_basis=" ",
            rules=[],
            user=org.director_a,
        )
