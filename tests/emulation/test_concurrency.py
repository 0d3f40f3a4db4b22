"""Two signers for one member at once, two reminder jobs at once (PostgreSQL)."""

from __future__ import annotations

import pytest

from approvals.audit.services import chain_verify
from approvals.exceptions import ApprovalError
from approvals.organisation.models import Action
from tests.emulation.conftest import YEAR, D, Province
from tests.emulation.test_bloc_year import _open_year
from tests.plans.conftest import replay_data_migrations
from tests.plans.test_concurrency import race
from workflows.emulation.models import BlocYear, CovenantSignature, SignatureReminder
from workflows.emulation.services import covenant_open, covenant_sign, reminders_send

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signing_tx(transactional_db: None, clock):
    if not Action.objects.filter(code="emulation.sign_covenant").exists():
        replay_data_migrations()
    p = Province()
    by = _open_year(p)
    clock.to(D(YEAR, 3, 22))
    covenant_open(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 3, 22))
    clock.to(D(YEAR, 3, 25))  # the members sign on 25/03
    return p, by


def test_the_head_and_the_deputy_sign_at_once_one_signature(signing_tx):
    p, by = signing_tx
    unit = p.units["TTTT"]
    results, errors = race(
        [
            lambda u=u: covenant_sign(
                bloc_year=BlocYear.objects.get(pk=by.pk), user=u, unit=unit, on=D(YEAR, 3, 25)
            )
            for u in (p.heads["TTTT"], p.deputy_tttt)
        ]
    )
    assert len(results) == 1
    assert len(errors) == 1
    assert all(isinstance(e, ApprovalError) for e in errors), errors
    assert CovenantSignature.objects.filter(unit=unit).count() == 1
    assert chain_verify().ok


def test_two_reminder_jobs_at_once_remind_once(signing_tx):
    _p, by = signing_tx
    results, errors = race(
        [
            lambda: reminders_send(bloc_year=BlocYear.objects.get(pk=by.pk), on=D(YEAR, 4, 6))
            for _ in range(3)
        ]
    )
    assert not errors, errors
    assert sorted(len(r) for r in results) == [0, 0, 9]
    assert SignatureReminder.objects.count() == 9
    assert chain_verify().ok
