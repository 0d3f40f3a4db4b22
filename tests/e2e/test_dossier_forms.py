"""Small things of the dossier forms, in headless Chromium (issue 25, item 8): dates are
picked with the browser's date picker, and the objection form is offered only while the list
is posted."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.acts import recorded_as_of
from approvals.organisation.models import OrgUnit
from workflows.nominations import flow_actions as flows
from workflows.nominations.models import Dossier, DossierState, Household, Title
from workflows.nominations.services import dossier_create

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


def _posted(village_name: str, head_name: str, *, meeting_days_ago: int) -> Dossier:
    """The village's dossier registered, voted and posted the day after its meeting."""
    today = timezone.localdate()
    head = User.objects.get(username=head_name)
    village = OrgUnit.objects.active_on(today).get(name=village_name, kind="village")
    held_on = today - datetime.timedelta(days=meeting_days_ago)
    dossier = dossier_create(
        user=head,
        title=Title.CULTURAL_FAMILY,
        year=today.year,
        proposing_unit=village,
        on=held_on - datetime.timedelta(days=1),
    )
    flows.flow_start(dossier, head)
    households = list(Household.objects.filter(village=village).order_by("code"))
    flows.flow_register(dossier, head, households=households, on=dossier.started_on)
    with recorded_as_of(held_on):
        flows.flow_meeting(
            dossier,
            head,
            held_on=held_on,
            invited=40,
            present=32,
            votes=dict.fromkeys(dossier.candidates.values_list("pk", flat=True), 30),
            chaired_by=head.get_full_name(),
        )
    posted_on = min(held_on + datetime.timedelta(days=1), today)
    with recorded_as_of(posted_on):
        flows.flow_open_posting(dossier, head, on=posted_on)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.POSTING
    return dossier


def test_the_objection_form_only_while_the_list_is_posted(signed_in: Any) -> None:
    ended = _posted("Thôn Hạ", "truongthon.ha", meeting_days_ago=30)
    assert ended.posting_deadline.due_on < timezone.localdate()
    head = signed_in("truongthon.ha")
    head.go(f"/nominations/{ended.pk}/")
    assert head.page.locator("[data-form=objection]").count() == 0
    assert head.page.locator("[data-testid=posting-over]").count() == 1
    # the next step is offered instead
    assert head.page.locator("[data-action=submit]").count() == 1
    head.shot("posting-over")

    running = _posted("Thôn Trung", "truongthon.trung", meeting_days_ago=1)
    assert running.posting_deadline.due_on >= timezone.localdate()
    other = signed_in("truongthon.trung")
    other.go(f"/nominations/{running.pk}/")
    form = other.page.locator("[data-form=objection]")
    assert form.count() == 1
    # the day it was received is picked with a date picker
    assert form.locator("input[name=received_on]").get_attribute("type") == "date"
    other.shot("posting-running")


def test_the_meeting_date_is_picked_with_a_date_picker(signed_in: Any) -> None:
    today = timezone.localdate()
    head = User.objects.get(username="truongthon.ha")
    village = OrgUnit.objects.active_on(today).get(name="Thôn Hạ", kind="village")
    dossier = dossier_create(
        user=head, title=Title.CULTURAL_FAMILY, year=today.year, proposing_unit=village
    )
    flows.flow_start(dossier, head)
    households = list(Household.objects.filter(village=village).order_by("code"))
    flows.flow_register(dossier, head, households=households)
    session = signed_in("truongthon.ha")
    session.go(f"/nominations/{dossier.pk}/")
    session.page.click("[data-action=meeting]")
    session.page.wait_for_load_state()
    held_on = session.page.locator("#id_held_on")
    assert held_on.get_attribute("type") == "date"
    held_on.fill(today.isoformat())  # what the picker sets; Chromium shows dd/mm/yyyy
    assert held_on.input_value() == today.isoformat()
    session.shot("meeting-date-picker")
