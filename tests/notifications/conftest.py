"""Fixtures: a test subject type whose step the drafter of division A holds."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from approvals.calendar.choices import DayKind
from approvals.calendar.services import deadline_start
from approvals.notifications.registry import (
    StepHolding,
    register_step_provider,
    unregister_step_provider,
)
from approvals.organisation.holders import StepQuery, step_holders_many
from tests.nominations.conftest import commune  # noqa: F401  (fixture)
from tests.plans.conftest import province, province_tx  # noqa: F401  (fixtures)

SUBJECT_TYPE = "testapp.case"
D = datetime.date


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A moment of ``day`` in the site's time zone."""
    return datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())


class CaseSteps:
    """Provider of the test subject: the drafters of division A hold every case's step.

    ``calls`` counts the batches it was asked about (one per pass, whatever the count).
    """

    def __init__(self, org: Any) -> None:
        self.org = org
        self.calls = 0

    def __call__(self, deadlines: Any, day: datetime.date) -> dict[int, StepHolding]:
        self.calls += 1
        holders = step_holders_many(
            [StepQuery(self.org.submit.code, self.org.division_a) for _ in deadlines], on=day
        )
        return {
            d.pk: StepHolding(
                label=f"Hồ sơ số {d.subject_id}",
                url=f"/cases/{d.subject_id}/",
                step="trình hồ sơ",
                unit=self.org.division_a,
                holder_ids=ids,
            )
            for d, ids in zip(deadlines, holders, strict=True)
        }


@pytest.fixture
def cases(org: Any) -> Any:
    """The org fixture with e-mail addresses and the test subject's provider registered."""
    org.drafter_a.email = "hoa.nt@example.vn"
    org.drafter_a.save(update_fields=["email"])
    org.office_head_a.email = "nam.dv@example.vn"
    org.office_head_a.save(update_fields=["email"])
    steps = CaseSteps(org)
    register_step_provider(SUBJECT_TYPE, steps)
    yield steps
    unregister_step_provider(SUBJECT_TYPE)


def case_deadline(
    subject_id: int | str, *, started_on: datetime.date, length: int, kind: str = DayKind.WORKING
) -> Any:
    return deadline_start(
        subject_type=SUBJECT_TYPE,
        subject_id=str(subject_id),
        purpose="review",
        length=length,
        day_kind=kind,
        started_on=started_on,
    )
