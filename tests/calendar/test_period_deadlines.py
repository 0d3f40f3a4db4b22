"""Deadlines the services set end where the Civil Code says (Điều 147-148), end to end.

A posting of the eligible list and the decision's time limit of a Gia đình văn hóa dossier
(10 calendar days each in the seeded rules) landing on 2/9 or in Tết end on the next
working day; a deadline in months pauses and resumes in calendar days.
"""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time
from freezegun.api import _freeze_time

from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.services import (
    deadline_check,
    deadline_pause,
    deadline_resume,
    deadline_start,
)
from approvals.exceptions import DeadlinePassed
from approvals.regulations.models import Regulation, ValueType
from approvals.regulations.services import RuleSpec, regulation_version_create, rules_in_force
from tests.nominations.conftest import Commune
from workflows.nominations.exceptions import PostingNotOver
from workflows.nominations.models import Dossier, DossierState, Title
from workflows.nominations.services import (
    candidates_register,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_submit,
    meeting_record,
    posting_open,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune(org) -> Commune:
    return Commune(org, households=3)


def _at(day: date) -> _freeze_time:
    """Today is ``day`` (morning in Vietnam)."""
    return freeze_time(f"{day.isoformat()} 02:00")


def _posted(c: Commune, *, year: int, created: date, posted: date) -> Dossier:
    """A Gia đình văn hóa dossier whose list was posted on ``posted``."""
    with _at(created):
        dossier = dossier_create(
            user=c.village_head,
            title=Title.CULTURAL_FAMILY,
            year=year,
            proposing_unit=c.village,
            on=created,
        )
        candidates_register(dossier=dossier, user=c.village_head, households=c.households)
        meeting_record(
            dossier=dossier,
            user=c.village_head,
            held_on=created,
            invited=40,
            present=32,
            votes={cand.pk: 30 for cand in dossier.candidates.all()},
            chaired_by="Ngô Văn Bình",
        )
    with _at(posted):
        posting_open(dossier=dossier, user=c.village_head, on=posted)
    dossier.refresh_from_db()
    return dossier


def test_the_seeded_posting_and_decision_periods_are_ten_calendar_days():
    # the end-to-end tests below rest on these rules
    rules = rules_in_force("cultural_titles", on=date(2026, 1, 1))
    for key in ("cultural_family.posting_period", "cultural_family.decision_period"):
        period = rules.period(key)
        assert (period.length, period.day_kind) == (10, DayKind.CALENDAR), key


def test_a_posting_whose_tenth_day_is_2_9_2027_runs_to_monday_6_9(commune):
    # given: the list posted on Monday 23/8/2027; its 10th day is Thursday 2/9, National
    # Day, followed by Friday 3/9 (holiday) and the weekend
    c = commune
    dossier = _posted(c, year=2027, created=date(2027, 8, 20), posted=date(2027, 8, 23))

    # then: the posting runs to the end of the next working day
    assert dossier.posting_deadline.due_on == date(2027, 9, 6)

    # and the list cannot be sent on before that day has ended
    with _at(date(2027, 9, 6)), pytest.raises(PostingNotOver) as refused:
        dossier_submit(dossier=dossier, user=c.village_head, on=date(2027, 9, 6))
    assert "06/09/2027" in str(refused.value)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.POSTING
    with _at(date(2027, 9, 7)):
        dossier_submit(dossier=dossier, user=c.village_head, on=date(2027, 9, 7))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_a_posting_and_a_decision_limit_ending_on_days_off_around_tet_2026(commune):
    # given: the list posted on Wednesday 21/1/2026; its 10th day is Saturday 31/1
    c = commune
    dossier = _posted(c, year=2026, created=date(2026, 1, 19), posted=date(2026, 1, 21))
    assert dossier.posting_deadline.due_on == date(2026, 2, 2)
    with _at(date(2026, 2, 2)), pytest.raises(PostingNotOver):
        dossier_submit(dossier=dossier, user=c.village_head, on=date(2026, 2, 2))

    # when: sent to the commune on Friday 6/2; 10 days later is Monday 16/2, in Tết
    # (14/2 - 22/2)
    with _at(date(2026, 2, 6)):
        dossier_submit(dossier=dossier, user=c.village_head, on=date(2026, 2, 6))
        dossier_accept(dossier=dossier, user=c.officer)
    dossier.refresh_from_db()

    # then: the commune has until the end of Monday 23/2, the first working day after Tết
    assert dossier.decision_deadline.due_on == date(2026, 2, 23)
    deadline_check(deadline=dossier.decision_deadline, on=date(2026, 2, 23))
    with pytest.raises(DeadlinePassed):
        deadline_check(deadline=dossier.decision_deadline, on=date(2026, 2, 24))

    # and a decision signed on 23/2 is on time: no reason for lateness is asked
    with _at(date(2026, 2, 23)):
        dossier_decide(dossier=dossier, user=c.chairman, on=date(2026, 2, 23))
    dossier.refresh_from_db()
    assert dossier.signature_id is not None
    assert dossier.late_reason == ""


# --- deadlines in months -------------------------------------------------------------------


def _start_months(length: int, started_on: date) -> Deadline:
    return deadline_start(
        subject_type="testapp.document",
        subject_id="7",
        purpose="appeal",
        length=length,
        day_kind=DayKind.MONTHS,
        started_on=started_on,
    )


def test_a_deadline_in_months_ends_on_the_corresponding_day_or_the_next_working_day():
    # given / when: one month from 31/3/2025 is 30/4, a holiday (30/4, 1/5, 2/5 off)
    deadline = _start_months(1, date(2025, 3, 31))

    # then
    assert deadline.due_on == date(2025, 5, 5)
    assert deadline.day_kind == DayKind.MONTHS
    assert deadline.remaining(date(2025, 4, 30)) == 5  # calendar days


def test_a_paused_deadline_in_months_is_lengthened_by_the_calendar_days_paused():
    # given: one month from 15/1/2025: Saturday 15/2, so Monday 17/2
    deadline = _start_months(1, date(2025, 1, 15))
    assert deadline.due_on == date(2025, 2, 17)

    # when: paused from 20/1 to 24/1
    deadline_pause(deadline=deadline, on=date(2025, 1, 20))
    deadline_resume(deadline=deadline, on=date(2025, 1, 24))

    # then: 4 calendar days later than 15/2: Wednesday 19/2
    deadline.refresh_from_db()
    assert deadline.paused_days_total == 4
    assert deadline.due_on == date(2025, 2, 19)


def test_a_rule_in_months_is_a_valid_period(org):
    # when
    regulation_version_create(
        regulation=Regulation.objects.get(code="document_work"),
        label="Thử thời hạn tính bằng tháng",
        effective_from=date(2030, 1, 1),
        legal_basis="Bộ luật Dân sự 2015, Điều 147-148",
        rules=[RuleSpec("appeal.period", {"length": 3, "day_kind": "months"}, ValueType.PERIOD)],
        user=org.director_a,
    )

    # then
    period = rules_in_force("document_work", on=date(2030, 1, 1)).period("appeal.period")
    assert (period.length, period.unit) == (3, DayKind.MONTHS)
