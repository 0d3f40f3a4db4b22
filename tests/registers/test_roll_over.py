"""The explicit year roll-over of the registers: the service, its job, its page, its command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from approvals.audit.models import AuditEvent
from approvals.exceptions import ActionNotPermitted, ValidationFailed
from approvals.jobs.models import Job, JobStatus
from approvals.registers.models import Register
from approvals.registers.rollover import (
    JOB_KIND,
    ROLL_OVER,
    registers_roll_over,
    roll_over_plan,
)
from approvals.registers.services import register_configure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
NEXT_YEAR = THIS_YEAR + 1


@pytest.fixture
def configured(org, clerk, kinds, committee, committee_clerk):
    """Department A: an open and a classified register this year; the committee: one open
    register two years ago."""
    open_ = register_configure(
        agency=org.dept_a,
        year=THIS_YEAR,
        name=f"Sổ văn bản đi {THIS_YEAR}",
        kinds=[kinds["plan"], kinds["report"]],
        user=clerk,
    )
    secret = register_configure(
        agency=org.dept_a,
        year=THIS_YEAR,
        name=f"Sổ văn bản mật {THIS_YEAR}",
        kinds=[kinds["plan"]],
        user=clerk,
        confidential=True,
    )
    old = register_configure(
        agency=committee,
        year=THIS_YEAR - 1,
        name=f"Sổ {THIS_YEAR - 1}",
        kinds=[kinds["plan"]],
        user=committee_clerk,
    )
    return open_, secret, old


def _admin():
    return UserFactory(is_staff=True)


def test_roll_over_copies_every_series_of_every_agency_once(org, committee, configured):
    open_, secret, old = configured
    admin = _admin()
    assert [p.agency for p in roll_over_plan(year=NEXT_YEAR)] == sorted(
        [org.dept_a, committee], key=lambda a: a.path
    )
    counts = registers_roll_over(year=NEXT_YEAR, user=admin)
    assert counts == {"agencies": 2, "registers": 3, "year": NEXT_YEAR}
    new = {r.rolled_over_from_id: r for r in Register.objects.filter(year=NEXT_YEAR)}
    assert new[open_.pk].name == f"Sổ văn bản đi {NEXT_YEAR}"
    assert (new[secret.pk].confidential, new[secret.pk].next_number) == (True, 1)
    assert new[old.pk].agency == committee
    events = AuditEvent.objects.filter(action=ROLL_OVER)
    assert events.count() == 2
    # a second run changes nothing
    assert registers_roll_over(year=NEXT_YEAR, user=admin) == {
        "agencies": 0,
        "registers": 0,
        "year": NEXT_YEAR,
    }
    assert Register.objects.filter(year=NEXT_YEAR).count() == 3
    assert AuditEvent.objects.filter(action=ROLL_OVER).count() == 2
    assert roll_over_plan(year=NEXT_YEAR) == []


def test_a_clerk_rolls_over_only_their_agency(org, committee, clerk, configured):
    counts = registers_roll_over(year=NEXT_YEAR, user=clerk)
    assert counts["agencies"] == 1
    assert set(Register.objects.filter(year=NEXT_YEAR).values_list("agency", flat=True)) == {
        org.dept_a.pk
    }
    with pytest.raises(ActionNotPermitted):
        registers_roll_over(year=NEXT_YEAR, user=clerk, agencies=[committee])


def test_someone_without_the_right_rolls_nothing_over(org, configured):
    with pytest.raises(ActionNotPermitted):
        registers_roll_over(year=NEXT_YEAR, user=org.drafter_a)
    assert not Register.objects.filter(year=NEXT_YEAR).exists()


def test_a_year_beyond_next_is_refused(configured):
    with pytest.raises(ValidationFailed):
        registers_roll_over(year=NEXT_YEAR + 1, user=_admin())
    assert not Register.objects.filter(year__gt=THIS_YEAR).exists()


def test_the_page_shows_the_plan_and_starts_the_job(client, org, configured):
    admin = _admin()
    client.force_login(admin)
    url = reverse("registers_roll_over")
    page = client.get(url, {"year": NEXT_YEAR})
    assert page.status_code == 200
    assert escape(org.dept_a.name) in page.content.decode()
    response = client.post(url, {"year": NEXT_YEAR})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.started_by) == (JOB_KIND, JobStatus.DONE, admin)
    assert str(NEXT_YEAR) in job.label
    assert job.result["registers"] == 3
    assert Register.objects.filter(year=NEXT_YEAR).count() == 3


def test_the_page_refuses_someone_without_the_right(client, org, configured):
    client.force_login(org.drafter_a)
    url = reverse("registers_roll_over")
    assert client.get(url).status_code == 403
    assert client.post(url, {"year": NEXT_YEAR}).status_code == 403
    assert not Job.objects.exists()
    assert not Register.objects.filter(year=NEXT_YEAR).exists()


def test_the_page_refuses_a_bad_year_without_a_job(client, configured):
    client.force_login(_admin())
    response = client.post(reverse("registers_roll_over"), {"year": "abc"})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_the_command_rolls_over_and_is_idempotent(configured):
    admin = _admin()
    call_command("registers_roll_over", str(NEXT_YEAR), "--user", admin.username)
    call_command("registers_roll_over", str(NEXT_YEAR), "--user", admin.username)
    assert Register.objects.filter(year=NEXT_YEAR).count() == 3
    assert AuditEvent.objects.filter(action=ROLL_OVER).count() == 2
