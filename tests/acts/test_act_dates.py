"""The date of an act (:mod:`approvals.acts`): never after today, never earlier than its grace."""

from __future__ import annotations

import datetime

import pytest

from approvals.acts import (
    ACT_DATES,
    ActDateRefused,
    ActKind,
    act_date_check,
    grace_key,
    recorded_as_of,
)
from approvals.regulations.models import RegulationVersion, Rule
from approvals.regulations.services import regulations_cache_clear

D = datetime.date
pytestmark = pytest.mark.django_db


def test_no_stated_date_is_today(clock) -> None:
    clock.to(D(2025, 3, 12))
    assert act_date_check(ActKind.MEETING, None) == D(2025, 3, 12)


def test_a_date_after_today_is_refused_with_the_reason(clock) -> None:
    clock.to(D(2026, 12, 7))
    with pytest.raises(ActDateRefused) as refused:
        act_date_check(ActKind.MEETING, D(2099, 1, 1))
    assert "01/01/2099" in str(refused.value)
    assert "07/12/2026" in str(refused.value)
    assert refused.value.code == "act_date_refused"
    assert refused.value.params["kind"] == "meeting"


def test_today_in_the_sites_time_zone(clock) -> None:
    """23:30 UTC on 6 December is 06:30 on 7 December in Hà Nội: the 7th is not the future."""
    clock.to(D(2026, 12, 7), hour=6)  # local time
    assert act_date_check(ActKind.DECISION, D(2026, 12, 7)) == D(2026, 12, 7)


def test_a_posting_cannot_start_in_the_past(clock) -> None:
    clock.to(D(2026, 12, 7))
    with pytest.raises(ActDateRefused, match="06/12/2026"):
        act_date_check(ActKind.POSTING_START, D(2026, 12, 6))
    assert act_date_check(ActKind.POSTING_START, D(2026, 12, 7)) == D(2026, 12, 7)


def test_a_meeting_is_accepted_within_its_grace_and_refused_after(clock) -> None:
    # 30 calendar days from 01/10/2026: the 31st is Saturday 31/10, moved to Monday 02/11.
    clock.to(D(2026, 11, 2))
    assert act_date_check(ActKind.MEETING, D(2026, 10, 1)) == D(2026, 10, 1)
    clock.to(D(2026, 11, 3))
    with pytest.raises(ActDateRefused) as refused:
        act_date_check(ActKind.MEETING, D(2026, 10, 1))
    assert "02/11/2026" in str(refused.value)


def test_a_grace_in_working_days_skips_tet(clock) -> None:
    """An objection received on Friday 24/01/2025, before Tết Ất Tỵ (25/01 to 02/02 off):
    5 working days are 03/02 to 07/02, so it may be entered until Friday 07/02."""
    clock.to(D(2025, 2, 7))
    assert act_date_check(ActKind.OBJECTION, D(2025, 1, 24)) == D(2025, 1, 24)
    clock.to(D(2025, 2, 10))
    with pytest.raises(ActDateRefused):
        act_date_check(ActKind.OBJECTION, D(2025, 1, 24))


def test_a_province_sets_its_own_grace(clock, org) -> None:
    clock.to(D(2026, 12, 7))
    with pytest.raises(ActDateRefused):
        act_date_check(ActKind.DECISION, D(2026, 12, 4), unit=org.commune_x)
    version = RegulationVersion.objects.create(
        regulation=RegulationVersion.objects.filter(regulation__code=ACT_DATES).first().regulation,
        label="Tỉnh cho nhập lùi 5 ngày",
        effective_from=D(2026, 1, 1),
        jurisdiction=org.province,
        legal_basis="Quyết định của UBND tỉnh",
    )
    Rule.objects.create(
        version=version,
        key=grace_key(ActKind.DECISION),
        value={"length": 5, "day_kind": "calendar"},
        value_type="period",
    )
    regulations_cache_clear()
    assert act_date_check(ActKind.DECISION, D(2026, 12, 4), unit=org.commune_x) == D(2026, 12, 4)
    with pytest.raises(ActDateRefused):  # other provinces keep the national default
        act_date_check(ActKind.DECISION, D(2026, 12, 4), unit=None)


def test_every_kind_has_its_grace_seeded(clock) -> None:
    clock.to(D(2024, 1, 2))
    for kind in ActKind:
        rule = Rule.objects.get(version__regulation__code=ACT_DATES, key=grace_key(kind))
        assert not rule.confirmed, "no law sets these graces"
        assert rule.value["length"] >= 0


def test_history_is_recorded_as_of_its_day(clock) -> None:
    """The demo builds past cycles as of their days; outside the block today is back."""
    clock.to(D(2026, 12, 7))
    with recorded_as_of(D(2025, 3, 1)):
        assert act_date_check(ActKind.POSTING_START, D(2025, 3, 1)) == D(2025, 3, 1)
        with pytest.raises(ActDateRefused):
            act_date_check(ActKind.POSTING_START, D(2025, 3, 2))
    with pytest.raises(ActDateRefused):
        act_date_check(ActKind.POSTING_START, D(2025, 3, 1))
