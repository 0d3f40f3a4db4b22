"""The permission resolver on the demo province."""

from __future__ import annotations

import pytest
from django.utils import timezone

from approvals.exceptions import SeparationOfDutiesViolation
from approvals.organisation.models import (
    Action,
    ActionKind,
    ActionRule,
    Capacity,
    Delegation,
    Reach,
    Role,
)
from approvals.organisation.models import UnitKind as K
from approvals.organisation.resolver import decide
from approvals.subjects import Subject
from tests.demo.conftest import Demo, Household, run_seed


def _action(code: str, kind: str, role: str, reach: str, holder: str = "", **flags) -> Action:
    action = Action.objects.create(code=code, name=code.rsplit(".")[-1], kind=kind, **flags)
    ActionRule.objects.create(
        action=action, role=Role.objects.get(code=role), reach=reach, holder_unit_kind=holder
    )
    return action


def test_deputy_director_signs_for_own_department_only(demo):
    _action(
        "testapp.sign_plan", ActionKind.SIGN, "deputy_director", Reach.UNIT_OR_ABOVE, K.DEPARTMENT
    )
    deputy = demo.user("pgd.ldtbxh")

    allowed = decide(deputy, "testapp.sign_plan", unit=demo.unit("Phòng Bảo trợ xã hội"))
    assert allowed, allowed.reason
    assert allowed.raise_if_refused().capacity == Capacity.KT
    assert allowed.raise_if_refused().signature_block() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]

    refused = decide(
        deputy, "testapp.sign_plan", unit=demo.unit("Phòng Quản lý Văn hóa và Gia đình")
    )
    assert not refused
    assert "Sở Lao động - Thương binh và Xã hội" in refused.reason


def test_commune_chairman_decides_in_own_commune_only(demo):
    _action(
        "testapp.recognise_household",
        ActionKind.DECIDE,
        "commune_chairman",
        Reach.UNIT_OR_ABOVE,
        K.COMMUNE,
        excludes_beneficiary=True,
    )
    chairman = demo.user("chutich.tandinh")
    own = decide(chairman, "testapp.recognise_household", unit=demo.unit("Thôn Đồng Sen"))
    assert own, own.reason
    assert own.raise_if_refused().signature_block() == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]

    other = decide(chairman, "testapp.recognise_household", unit=demo.unit("Tổ dân phố Mai Sơn"))
    assert not other
    assert "Xã Tân Dĩnh" in other.reason


def test_village_head_may_not_decide_own_household(demo):
    _action(
        "testapp.propose_household",
        ActionKind.DECIDE,
        "village_head",
        Reach.SAME_UNIT,
        excludes_beneficiary=True,
    )
    head = demo.user("truongthon.ha")
    own = Household.objects.get(residents=head)
    neighbour = Household.objects.get(village=own.village, code="HA-002")

    def subject(household: Household) -> Subject:
        ids = frozenset(household.residents.values_list("pk", flat=True))
        return Subject(unit=household.village, beneficiary_user_ids=ids)

    assert decide(head, "testapp.propose_household", subject(neighbour))
    refused = decide(head, "testapp.propose_household", subject(own))
    assert not refused
    assert refused.error is SeparationOfDutiesViolation


def test_acting_division_head_acts_as_q(demo):
    _action("testapp.approve_plan", ActionKind.APPROVE, "division_head", Reach.SAME_UNIT)
    acting = decide(
        demo.user("qtp.ncc"), "testapp.approve_plan", unit=demo.unit("Phòng Người có công")
    )
    assert acting, acting.reason
    assert acting.raise_if_refused().capacity == Capacity.Q
    assert acting.raise_if_refused().signature_block() == ["Q. TRƯỞNG PHÒNG"]
    assert not decide(
        demo.user("qtp.ncc"), "testapp.approve_plan", unit=demo.unit("Phòng Bảo trợ xã hội")
    )


def test_default_demo_has_a_written_delegation_in_force(demo):
    delegation = Delegation.objects.select_related("delegator", "delegate").get()
    assert (delegation.delegator.username, delegation.delegate.username) == (
        "gd.ldtbxh",
        "cvp.ldtbxh",
    )
    today = timezone.localdate()
    assert delegation.valid_from.year == delegation.valid_to.year == today.year
    assert delegation.valid_from <= today <= delegation.valid_to
    assert delegation.instrument.startswith("Giấy ủy quyền số 01/GUQ-LĐTĐ&XH")
    assert delegation.delegator_position.role.code == "director"


@pytest.mark.django_db
def test_director_delegates_to_office_chief_for_the_current_year():
    # An action of the director must exist before seeding for the delegation to name it.
    _action("testapp.sign_notice", ActionKind.SIGN, "director", Reach.UNIT_OR_ABOVE, K.DEPARTMENT)
    run_seed("--no-logins")
    demo = Demo("")
    delegation = Delegation.objects.get(delegate__username="cvp.ldtbxh")
    codes = set(delegation.action_codes())
    assert "testapp.sign_notice" in codes
    assert "approvals_registers.close_register" not in codes
    assert len(codes) <= 3

    chief = demo.user("cvp.ldtbxh")
    allowed = decide(chief, "testapp.sign_notice", unit=demo.unit("Phòng Bảo trợ xã hội"))
    assert allowed, allowed.reason
    assert allowed.raise_if_refused().capacity == Capacity.TUQ
    assert allowed.raise_if_refused().signature_block(delegate_title="Chánh Văn phòng") == [
        "TUQ. GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
    ]
    refused = decide(
        chief, "testapp.sign_notice", unit=demo.unit("Sở Văn hóa, Thể thao và Du lịch")
    )
    assert not refused
    # Seeding again does not add a second delegation.
    run_seed("--no-logins")
    assert Delegation.objects.filter(delegate=chief).count() == 1
