"""The demo has an emulation bloc at signature and a recognised exemplary model."""

from __future__ import annotations

from project.demo.emulation import BLOC_NAME, MODEL_NAME
from tests.demo.conftest import run_seed
from workflows.emulation.models import BlocYear, BlocYearState
from workflows.emulation.selectors import signing_status
from workflows.exemplary.models import ExemplaryModel, ModelState
from workflows.exemplary.selectors import replication_count


def test_demo_bloc_waits_for_one_signature_and_the_model_is_replicated(demo):
    bloc_year = BlocYear.objects.get(bloc__name=BLOC_NAME)
    assert bloc_year.state == BlocYearState.SIGNING
    status = signing_status(bloc_year)
    assert [s.unit.name for s in status.signed] == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert [u.name for u in status.unsigned] == ["Sở Lao động - Thương binh và Xã hội"]
    model = ExemplaryModel.objects.get(name=MODEL_NAME)
    assert model.state == ModelState.APPROVED
    assert replication_count(model) == 1
    assert model.commendations.count() == 1


def test_a_second_run_adds_no_bloc_and_no_model(demo):
    run_seed("--no-logins")
    assert BlocYear.objects.count() == 1
    assert ExemplaryModel.objects.count() == 1
