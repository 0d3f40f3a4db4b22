"""Dates of a bloc's acts (:mod:`approvals.acts`), with the clock around 30/04 to 01/05/2025.

Opening the covenant and declaring it in effect are the leader's decisions, dated the day
they are recorded; a covenant is signed at the bloc's conference and entered later, like a
meeting, within 30 calendar days (a last day off moves to the next working day); a
cross-inspection is a meeting too. A refused date changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from approvals.acts import ActDateRefused
from approvals.audit.models import AuditEvent, Signature
from approvals.calendar.models import Deadline
from approvals.calendar.workdays import is_working_day
from tests.emulation.test_bloc_year import COVENANT, CRITERIA
from workflows.emulation.models import BlocYear, BlocYearState, CovenantSignature, Inspection
from workflows.emulation.services import (
    bloc_year_create,
    covenant_open,
    covenant_sign,
    covenant_take_effect,
    criteria_set,
    drafts_update,
    inspection_record,
)

D = datetime.date
YEAR = 2025
pytestmark = pytest.mark.django_db


def drafted(p: Any) -> BlocYear:
    by = bloc_year_create(
        user=p.heads["BDT"],
        bloc=p.bloc,
        year=YEAR,
        leader=p.leader,
        deputy=p.deputy,
        members=p.members,
        theme="Đoàn kết, kỷ cương, đổi mới, sáng tạo",
    )
    drafts_update(
        bloc_year=by,
        user=p.heads["BDT"],
        rules_text="Quy chế hoạt động Khối",
        plan_text=f"Kế hoạch hoạt động Khối năm {YEAR}",
        covenant_text=COVENANT,
    )
    criteria_set(bloc_year=by, user=p.heads["BDT"], criteria=CRITERIA)
    return by


def events() -> int:
    return AuditEvent.objects.count()


def signer(p: Any, code: str) -> Any:
    return p.deputy_tttt if code == "TTTT" else p.heads[code]


def test_the_covenant_opens_on_the_day_it_is_recorded(vinh_phuc, clock) -> None:
    p = vinh_phuc
    clock.to(D(YEAR, 3, 28))
    by = drafted(p)
    before = events()
    for stated in (D(YEAR, 3, 29), D(YEAR, 3, 27)):  # tomorrow; yesterday (no grace)
        with pytest.raises(ActDateRefused) as refused:
            covenant_open(bloc_year=by, user=p.heads["BDT"], on=stated)
        assert f"{stated:%d/%m/%Y}" in str(refused.value)
    by.refresh_from_db()
    assert (by.state, by.signature_deadline_id) == (BlocYearState.DRAFTING, None)
    assert not Deadline.objects.filter(subject_type="emulation.blocyear").exists()
    assert events() == before

    covenant_open(bloc_year=by, user=p.heads["BDT"])
    by.refresh_from_db()
    assert by.state == BlocYearState.SIGNING
    assert by.signature_deadline.started_on == D(YEAR, 3, 28)


def test_a_signature_at_the_conference_is_entered_within_a_meetings_grace(vinh_phuc, clock):
    """Signed on Monday 31/03: 30 calendar days end on 30/04, a holiday; 01/05 and 02/05
    are off and then the weekend, so it may be entered until Monday 05/05."""
    p = vinh_phuc
    assert not any(is_working_day(D(YEAR, 5, d)) for d in (1, 2, 3, 4))
    assert not is_working_day(D(YEAR, 4, 30))
    clock.to(D(YEAR, 3, 28))
    by = drafted(p)
    covenant_open(bloc_year=by, user=p.heads["BDT"])

    # the first refused day
    clock.to(D(YEAR, 5, 6))
    before = events()
    with pytest.raises(ActDateRefused) as refused:
        covenant_sign(bloc_year=by, user=p.heads["YT"], unit=p.units["YT"], on=D(YEAR, 3, 31))
    assert "05/05/2025" in str(refused.value)
    assert refused.value.params["last_day"] == "2025-05-05"
    assert not CovenantSignature.objects.exists()
    assert not Signature.objects.filter(subject_type="emulation.blocyear").exists()
    assert events() == before

    # the last accepted day; a signature dated after it is refused
    clock.to(D(YEAR, 5, 5))
    with pytest.raises(ActDateRefused):
        covenant_sign(bloc_year=by, user=p.heads["YT"], unit=p.units["YT"], on=D(YEAR, 5, 6))
    signed = covenant_sign(bloc_year=by, user=p.heads["YT"], unit=p.units["YT"], on=D(YEAR, 3, 31))
    assert signed.signed_on == D(YEAR, 3, 31)
    assert not signed.late  # the deadline of the opening on 28/03 had not passed on 31/03
    assert timezone.localtime(signed.signature.signed_at).date() == D(YEAR, 5, 5)

    # the others sign today; the leader declares the covenant in effect today only
    for code in p.units:
        if code != "YT":
            covenant_sign(bloc_year=by, user=signer(p, code), unit=p.units[code])
    before = events()
    with pytest.raises(ActDateRefused):
        covenant_take_effect(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 5, 2))
    by.refresh_from_db()
    assert (by.state, by.effective_on, by.effective_recorded_at) == (
        BlocYearState.SIGNING,
        None,
        None,
    )
    assert events() == before
    covenant_take_effect(bloc_year=by, user=p.heads["BDT"])
    by.refresh_from_db()
    assert (by.state, by.effective_on) == (BlocYearState.IN_EFFECT, D(YEAR, 5, 5))
    assert timezone.localtime(by.effective_recorded_at).date() == D(YEAR, 5, 5)

    # a cross-inspection held tomorrow is refused; one held today is recorded
    inspection = {
        "bloc_year": by,
        "user": p.heads["GDĐT"],
        "inspecting": p.units["GDĐT"],
        "inspected": p.units["KHCN"],
        "findings": "Triển khai đầy đủ.",
    }
    with pytest.raises(ActDateRefused):
        inspection_record(**inspection, held_on=D(YEAR, 5, 6))
    assert not Inspection.objects.exists()
    assert inspection_record(**inspection, held_on=D(YEAR, 5, 5)).held_on == D(YEAR, 5, 5)
