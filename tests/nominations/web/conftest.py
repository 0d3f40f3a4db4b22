"""Fixtures for the nomination pages: commune X staffed, and a dossier driven to any step."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from approvals.organisation.models import Role, UnitKind
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.nominations.conftest import Commune
from tests.nominations.timeline import today_is
from workflows.nominations.flow_actions import (
    flow_accept,
    flow_decide,
    flow_issue_decision,
    flow_meeting,
    flow_open_posting,
    flow_register,
    flow_start,
    flow_submit,
)
from workflows.nominations.models import Dossier, Title
from workflows.nominations.services import dossier_create

FAMILY = Title.CULTURAL_FAMILY


def today() -> datetime.date:
    return timezone.localdate()


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


class Site:
    """Commune X of the ``commune`` fixture with a provincial committee secretary."""

    def __init__(self, commune: Commune) -> None:
        self.c = commune
        self.today = today()
        org = commune.org
        self.committee = OrgUnitFactory(
            name="Ban Chỉ đạo Phong trào tỉnh",
            code="BCĐ",
            kind=UnitKind.STEERING_COMMITTEE,
            parent=org.province,
        )
        self.secretary = UserFactory(username="thuky_bcd")
        PositionFactory(
            user=self.secretary,
            unit=self.committee,
            role=Role.objects.get(code="committee_secretary"),
        )

    # each step as the person who takes it, through the flow

    def opened(self, *, year: int | None = None) -> Dossier:
        c = self.c
        dossier = dossier_create(
            user=c.village_head,
            title=FAMILY,
            year=year or today().year,
            proposing_unit=c.village,
            on=ago(40),
        )
        flow_start(dossier, c.village_head)
        return dossier

    def registered(self) -> Dossier:
        dossier = self.opened()
        flow_register(dossier, self.c.village_head, households=self.c.households, on=ago(40))
        return dossier

    def back(self, days: int) -> datetime.date:
        """The day ``days`` before the test's today, where the clock is moved for an act
        of that day (:func:`today_is`); :meth:`now` brings it back."""
        day = self.today - datetime.timedelta(days=days)
        today_is(day)
        return day

    def now(self) -> None:
        today_is(self.today)

    def met(self) -> Dossier:
        dossier = self.registered()
        votes = {c.pk: 15 for c in dossier.candidates.all()}
        flow_meeting(
            dossier,
            self.c.village_head,
            held_on=self.back(35),
            invited=20,
            present=15,
            votes=votes,
            chaired_by="Ngô Văn Bình",
        )
        self.now()
        return dossier

    def posted(self, *, days_ago: int = 34) -> Dossier:
        dossier = self.met()
        flow_open_posting(dossier, self.c.village_head, on=self.back(days_ago))
        self.now()
        return dossier

    def submitted(self) -> Dossier:
        dossier = self.posted()
        flow_submit(dossier, self.c.village_head)
        return dossier

    def accepted(self) -> Dossier:
        dossier = self.submitted()
        flow_accept(dossier, self.c.officer)
        return dossier

    def signed(self) -> Dossier:
        dossier = self.accepted()
        flow_decide(dossier, self.c.chairman)
        return dossier

    def decided(self) -> Dossier:
        dossier = self.signed()
        flow_issue_decision(dossier, self.c.clerk)
        return dossier


@pytest.fixture
def web(commune: Commune, timeline: Any) -> Site:
    """The site, its clock frozen (ticking) at 09:00 of today and moved for past acts."""
    today_is(today())
    return Site(commune)


def refreshed(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def page_text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Uploads kept for the background jobs and their result files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
