"""The dossier forms' helpers in headless Chromium (issue 25, item 8): the village head
leaves a household out before the bulk registration, and fills the meeting's 58 vote boxes
with one "all present agree" click, watching the running total."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.organisation.models import OrgUnit
from workflows.nominations.flow_actions import flow_start
from workflows.nominations.models import Dossier, Household, Title
from workflows.nominations.services import dossier_create

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


def _opened(village_name: str, head_name: str) -> Dossier:
    """The village's dossier for this year, opened and waiting for its registration."""
    head = User.objects.get(username=head_name)
    village = OrgUnit.objects.active_on(timezone.localdate()).get(name=village_name, kind="village")
    dossier = dossier_create(
        user=head,
        title=Title.CULTURAL_FAMILY,
        year=timezone.localdate().year,
        proposing_unit=village,
    )
    flow_start(dossier, head)
    return dossier


def test_a_household_left_out_is_not_registered_and_all_agree_fills_the_votes(
    site: Any,
) -> None:
    dossier = _opened("Thôn Hạ", "truongthon.ha")
    households = list(Household.objects.filter(village=dossier.proposing_unit).order_by("code"))
    left_out = households[3]
    page = site.page
    site.login("truongthon.ha")
    site.go(f"/nominations/{dossier.pk}/")

    # every household is ticked; the head unticks one before registering
    page.click("[data-testid=register-choice] summary")
    boxes = page.locator("[data-testid=register-choice] input[name=chosen]")
    assert boxes.count() == len(households) == 58
    assert boxes.evaluate_all("els => els.every(e => e.checked)")
    page.uncheck(f"[data-testid=register-choice] input[name=chosen][value='{left_out.pk}']")
    site.shot("left-out")
    page.click("[data-action=register]")
    page.wait_for_load_state()
    registered = set(dossier.candidates.values_list("household_id", flat=True))
    assert left_out.pk not in registered
    assert registered == {h.pk for h in households} - {left_out.pk}
    site.shot("registered")

    # the meeting: "all present agree" fills each of the 57 boxes, the total follows
    page.click("[data-action=meeting]")
    page.wait_for_load_state()
    votes = page.locator("input[name^=vote_]")
    assert votes.count() == 57
    assert page.locator("[data-testid=votes-total]").inner_text() == "0"
    page.fill("#id_present", "40")
    page.click("[data-testid=all-agree]")
    values = votes.evaluate_all("els => els.map(e => e.value)")
    assert values == ["40"] * 57
    assert page.locator("[data-testid=votes-total]").inner_text() == str(40 * 57)
    assert page.locator("[data-testid=votes-filled]").inner_text() == "57"
    # one household got fewer: the total is kept up as it is typed
    votes.nth(0).fill("10")
    assert page.locator("[data-testid=votes-total]").inner_text() == str(40 * 56 + 10)
    site.shot("all-agree")
