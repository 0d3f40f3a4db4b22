"""Dates of a plan's acts (:mod:`approvals.acts`): its issue and its reports.

An issue is dated the day it is recorded (``act_dates.issue_grace`` is 0); a report may be
entered within 5 working days of its date (``act_dates.report_grace``), counted as the
Civil Code counts periods, so the days off of 2025 (Giỗ Tổ Hùng Vương on Monday 07/04,
30/04 to 02/05, 01/09 and 02/09, as the project's calendar has them) lengthen it. A refused
date changes nothing, through the services and through the API (400 ``act_date_refused``).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.acts import ActDateRefused
from approvals.audit.models import AuditEvent
from approvals.calendar.workdays import is_working_day
from approvals.registers.models import DocumentKind, RegisterEntry
from approvals.registers.services import register_configure
from project.demo.plans import department_plan_content
from tests.plans.conftest import new_plan, to_signature
from workflows.plans.flow_actions import flow_approve, flow_sign, flow_submit
from workflows.plans.models import Dispatch, Plan, PlanState, ReportDue, ReportPeriod
from workflows.plans.services import plan_issue, plan_sign, report_submit

D = datetime.date
YEAR = 2025
pytestmark = pytest.mark.django_db


@pytest.fixture
def p(province: Any) -> Any:
    """The demo province with the department's 2025 register open."""
    register_configure(
        agency=province.dept,
        year=YEAR,
        name=f"Sổ văn bản đi {YEAR}",
        kinds=list(DocumentKind.objects.filter(code__in=["plan", "report"])),
        user=province.user("gd.ldtbxh"),
    )
    cache.clear()  # the API's rate limits count in the cache
    return province


def signed_plan(p: Any, clock: Any, day: datetime.date) -> Plan:
    """A 2025 plan of the department taken through its workflow and signed on ``day``."""
    clock.to(day)
    plan = new_plan(p, year=YEAR, content=department_plan_content(p.dept, YEAR))
    flow_submit(plan, plan.author)
    flow_approve(plan, p.user("cvp.ldtbxh"))
    flow_approve(plan, p.user("kiemtra.ldtbxh"))
    flow_sign(plan, p.user("pgd.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNED
    return plan


def plan_in_force(p: Any, clock: Any, day: datetime.date) -> Plan:
    """A plan signed and issued on ``day`` (services only)."""
    clock.to(day)
    plan = new_plan(p, year=YEAR, content=department_plan_content(p.dept, YEAR))
    to_signature(p, plan)
    plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
    plan.refresh_from_db()
    plan_issue(plan=plan, user=p.user("vanthu.ldtbxh"))
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    return plan


def annual_report(plan: Plan) -> ReportDue:
    """The annual report the social protection division owes on the plan."""
    report: ReportDue = plan.reports.get(
        period=ReportPeriod.ANNUAL, unit__code="BTXH", unit__parent=plan.issuing_agency
    )
    return report


def events() -> int:
    return AuditEvent.objects.count()


# --- the issue ------------------------------------------------------------------------


def test_an_issue_dated_tomorrow_or_yesterday_is_refused_and_changes_nothing(p, clock) -> None:
    plan = signed_plan(p, clock, D(YEAR, 4, 29))  # Tuesday, the eve of 30/04
    clerk = p.user("vanthu.ldtbxh")
    before = events()
    for stated in (D(YEAR, 4, 30), D(YEAR, 4, 28)):
        with pytest.raises(ActDateRefused) as refused:
            plan_issue(plan=plan, user=clerk, issued_on=stated)
        assert refused.value.code == "act_date_refused"
        assert f"{stated:%d/%m/%Y}" in str(refused.value)
        assert "29/04/2025" in str(refused.value)
    plan.refresh_from_db()
    assert (plan.state, plan.register_entry_id) == (PlanState.SIGNED, None)
    assert not RegisterEntry.objects.filter(subject_id=str(plan.pk)).exists()
    assert not Dispatch.objects.filter(plan=plan).exists()
    assert not ReportDue.objects.filter(plan=plan).exists()
    assert events() == before

    plan_issue(plan=plan, user=clerk, issued_on=D(YEAR, 4, 29))
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    assert plan.register_entry.issued_on == D(YEAR, 4, 29)


# --- reports, their grace across the days off of 2025 ------------------------------------


@pytest.mark.parametrize(
    ("issued", "dated", "last_accepted", "first_refused"),
    [
        # Thursday 03/04: Friday 04/04, then Monday 07/04 is Giỗ Tổ Hùng Vương (10/3 âm
        # lịch); 08/04 to 11/04 complete the 5 working days.
        (D(YEAR, 4, 1), D(YEAR, 4, 3), D(YEAR, 4, 11), D(YEAR, 4, 12)),
        # Tuesday 29/04: 30/04, 01/05 and 02/05 (swapped for Saturday 26/04) are off, then
        # the weekend; 05/05 to 09/05 are the 5 working days.
        (D(YEAR, 4, 28), D(YEAR, 4, 29), D(YEAR, 5, 9), D(YEAR, 5, 10)),
        # Friday 29/08: the weekend, then 01/09 and 02/09 (Quốc khánh); 03/09 to 09/09.
        (D(YEAR, 8, 25), D(YEAR, 8, 29), D(YEAR, 9, 9), D(YEAR, 9, 10)),
    ],
    ids=["hung-kings", "30-4-1-5", "2-9"],
)
def test_a_report_is_entered_within_5_working_days_the_holidays_not_counted(
    p, clock, issued, dated, last_accepted, first_refused
) -> None:
    # the calendar has these days off (so the expectations are not guesses)
    days_off = [
        d
        for d in (dated + datetime.timedelta(days=n) for n in range(1, 12))
        if not is_working_day(d) and d.weekday() < 5
    ]
    assert days_off, "a public holiday falls within the grace"
    plan = plan_in_force(p, clock, issued)
    report = annual_report(plan)
    head = p.user("tp.btxh")

    # the first refused day: nothing is recorded
    clock.to(first_refused)
    before = events()
    with pytest.raises(ActDateRefused) as refused:
        report_submit(report=report, user=head, text="Báo cáo năm", on=dated)
    assert f"{last_accepted:%d/%m/%Y}" in str(refused.value)
    assert refused.value.params["last_day"] == last_accepted.isoformat()
    report.refresh_from_db()
    assert (report.submitted_on, report.submitted_recorded_at, report.text) == (None, None, "")
    assert events() == before

    # a report dated after today is refused too
    clock.to(last_accepted)
    with pytest.raises(ActDateRefused):
        report_submit(
            report=report, user=head, text="Báo cáo năm", on=last_accepted + datetime.timedelta(1)
        )

    # the last accepted day: the report keeps its date and the moment it was entered
    done = report_submit(report=report, user=head, text="Báo cáo năm", on=dated)
    assert done.submitted_on == dated
    assert timezone.localtime(done.submitted_recorded_at).date() == last_accepted
    assert events() == before + 1


def test_a_report_without_a_date_is_dated_today(p, clock) -> None:
    plan = plan_in_force(p, clock, D(YEAR, 4, 28))
    clock.to(D(YEAR, 5, 5))
    done = report_submit(report=annual_report(plan), user=p.user("tp.btxh"), text="Báo cáo")
    assert done.submitted_on == D(YEAR, 5, 5)


# --- through the API ------------------------------------------------------------------


def client(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


def test_through_the_api_a_refused_issue_date_is_a_400_and_changes_nothing(p, clock) -> None:
    plan = signed_plan(p, clock, D(YEAR, 4, 29))
    clerk = client(p.user("vanthu.ldtbxh"))
    url = f"/api/plans/{plan.pk}/issue/"
    before = events()
    for stated in ("2025-04-30", "2025-04-28", "2099-01-01"):
        response = clerk.post(url, {"issued_on": stated}, format="json")
        assert response.status_code == 400, response.json()
        body = response.json()
        assert body["code"] == "act_date_refused"
        assert "29/04/2025" in body["message"]
    plan.refresh_from_db()
    assert (plan.state, plan.register_entry_id) == (PlanState.SIGNED, None)
    assert events() == before

    response = clerk.post(url, {"issued_on": "2025-04-29"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["issued_on"]) == (
        PlanState.IN_FORCE,
        "2025-04-29",
    )


def test_through_the_api_a_report_dated_beyond_its_grace_is_a_400(p, clock) -> None:
    plan = plan_in_force(p, clock, D(YEAR, 4, 28))
    report = annual_report(plan)
    head = client(p.user("tp.btxh"))
    url = f"/api/reports/{report.pk}/submit/"
    clock.to(D(YEAR, 5, 12))  # Monday: a report of 29/04 could be entered until 09/05
    before = events()
    for stated in ("2025-04-29", "2025-05-13"):
        response = head.post(url, {"text": "Báo cáo năm", "on": stated}, format="json")
        assert response.status_code == 400, response.json()
        assert response.json()["code"] == "act_date_refused"
    report.refresh_from_db()
    assert report.submitted_on is None
    assert events() == before

    response = head.post(url, {"text": "Báo cáo năm", "on": "2025-05-06"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["submitted_on"] == "2025-05-06"
    assert body["submitted_recorded_at"].startswith("2025-05-12")
