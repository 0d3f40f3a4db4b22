"""Issue 25, item 8, on the dossier pages: the meeting form refuses more votes than people
present (whatever the page's script filled), and the bulk registration registers only the
households left ticked."""

from __future__ import annotations

import pytest

from tests.nominations.web.conftest import page_text, refreshed
from tests.nominations.web.test_steps import meeting_data, url
from workflows.nominations.models import DossierState, Household

pytestmark = pytest.mark.django_db


def test_the_meeting_page_offers_all_agree_and_a_running_total(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    text = page_text(client.get(url("meeting", dossier)))
    assert 'data-testid="all-agree"' in text
    assert 'data-testid="votes-total"' in text
    assert "site/meeting-votes.js" in text
    assert text.count("data-vote") >= 12


def test_more_votes_than_people_present_are_refused_on_their_box(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    data = meeting_data(dossier, present=15, vote=15)
    first = dossier.candidates.order_by("pk").first()
    data[f"vote_{first.pk}"] = "16"
    response = client.post(url("meeting", dossier), data)
    assert response.status_code == 400
    assert "(15)" in page_text(response)
    assert refreshed(dossier).state == DossierState.REGISTRATION


def test_the_households_left_unticked_are_not_registered(client, web):
    dossier = web.opened()
    client.force_login(web.c.village_head)
    text = page_text(client.get(url("detail", dossier)))
    households = list(Household.objects.filter(village=web.c.village).order_by("code"))
    assert text.count('name="chosen"') == len(households) == 12
    left_out = households[:2]
    kept = [h for h in households if h not in left_out]
    response = client.post(
        url("register", dossier),
        {"stage": "registration", "choosing": "1", "chosen": [str(h.pk) for h in kept]},
    )
    assert response.status_code == 302
    registered = set(dossier.candidates.values_list("household_id", flat=True))
    assert registered == {h.pk for h in kept}
    # the ones left out can still be registered later
    text = page_text(client.get(url("detail", dossier)))
    assert text.count('name="chosen"') == 2


def test_unticking_everyone_registers_nobody(client, web):
    dossier = web.opened()
    client.force_login(web.c.village_head)
    response = client.post(url("register", dossier), {"stage": "registration", "choosing": "1"})
    assert response.status_code == 400
    assert dossier.candidates.count() == 0
    assert "Tick at least one" in page_text(response) or "đánh dấu" in page_text(response)


def test_a_household_not_offered_cannot_be_slipped_in(client, web):
    dossier = web.opened()
    client.force_login(web.c.village_head)
    kept = Household.objects.filter(village=web.c.village).order_by("code").first()
    assert kept is not None
    stranger = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    response = client.post(
        url("register", dossier),
        {"stage": "registration", "choosing": "1", "chosen": [str(kept.pk), str(stranger)]},
    )
    assert response.status_code == 400
    assert dossier.candidates.count() == 0
