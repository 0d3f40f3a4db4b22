"""The permission resolver: roles by level, acting heads, delegation, grants, duties."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from approvals.exceptions import (
    ActionNotPermitted,
    DelegationExpired,
    SeparationOfDutiesViolation,
)
from approvals.organisation.models import Capacity, Delegation
from approvals.organisation.resolver import Basis, decide, require
from tests.factories import PositionFactory, UserFactory
from tests.testapp.models import Case, Document

TODAY = datetime.date(2026, 11, 20)


def make_doc(org, unit=None, author=None) -> Document:
    return Document.objects.create(
        unit=unit or org.division_a, author=author or org.drafter_a, title="Kế hoạch 2026"
    )


def test_deputy_director_signs_own_departments_document_for_the_director(org):
    # given a plan drafted in a division of department A
    doc = make_doc(org)
    # when the deputy director of department A asks
    decision = decide(org.deputy_a, "testapp.sign_document", doc, at=TODAY)
    # then she may sign, "KT." for the director
    assert decision.allowed
    assert decision.authority is not None
    assert decision.authority.capacity == Capacity.KT
    assert decision.authority.basis == Basis.ROLE
    assert decision.authority.signature_block() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


def test_director_signs_in_own_name(org):
    decision = decide(org.director_a, "testapp.sign_document", make_doc(org), at=TODAY)
    assert decision.allowed
    assert decision.authority.capacity == Capacity.OWN
    assert decision.authority.signature_block() == ["GIÁM ĐỐC"]


def test_deputy_director_of_another_department_is_refused_with_the_reason(org):
    # given a document of department A
    doc = make_doc(org)
    # when the deputy director of department B tries to sign
    decision = decide(org.deputy_b, "testapp.sign_document", doc, at=TODAY)
    # then she is refused, and told which unit she holds her role at
    assert not decision.allowed
    assert "Sở Văn hóa, Thể thao và Du lịch" in decision.reason
    assert "Văn phòng Sở LĐTBXH" in decision.reason
    with pytest.raises(ActionNotPermitted) as exc:
        require(org.deputy_b, "testapp.sign_document", doc, at=TODAY)
    assert exc.value.code == "not_permitted"


def test_role_held_below_the_objects_unit_does_not_reach_up(org):
    # given a document owned by the department itself
    doc = make_doc(org, unit=org.dept_a)
    # when the head of its office (a unit below) tries to approve it
    decision = decide(org.office_head_a, "testapp.approve_document", doc, at=TODAY)
    # then refused: a role counts at the object's unit or above, never below
    assert not decision.allowed


def test_commune_chairman_decides_in_own_commune_and_is_refused_in_another(org):
    case_x = Case.objects.create(unit=org.village_x1)
    case_y = Case.objects.create(unit=org.village_y1)

    assert decide(org.chairman_x, "testapp.decide_case", case_x, at=TODAY).allowed
    refused = decide(org.chairman_x, "testapp.decide_case", case_y, at=TODAY)

    assert not refused.allowed
    assert "Xã Tân Dĩnh" in refused.reason
    assert "Thôn Đông" in refused.reason


def test_user_without_any_fitting_role_is_told_which_roles_may_act(org):
    decision = decide(org.village_head_x1, "testapp.sign_document", make_doc(org), at=TODAY)
    assert not decision.allowed
    assert "Giám đốc" in decision.reason


def test_superuser_flag_gives_no_authority_over_documents(org):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert not decide(admin, "testapp.sign_document", make_doc(org), at=TODAY).allowed


def test_position_that_ended_gives_no_right_and_says_when_it_ended(org):
    # given a deputy whose term ended on 30/06/2026
    former = UserFactory(username="former")
    PositionFactory(
        user=former,
        unit=org.dept_a,
        role=org.r_deputy_director,
        valid_from=datetime.date(2021, 1, 1),
        valid_to=datetime.date(2026, 6, 30),
    )
    doc = make_doc(org)
    # then she could sign before, not after
    assert decide(former, "testapp.sign_document", doc, at=datetime.date(2026, 6, 30)).allowed
    decision = decide(former, "testapp.sign_document", doc, at=TODAY)
    assert not decision.allowed
    assert "30/06/2026" in decision.reason


def test_acting_head_signs_as_q(org):
    # given the office chief appointed acting director (Q.)
    acting = UserFactory(username="acting")
    PositionFactory(
        user=acting,
        unit=org.dept_a,
        role=org.r_director,
        acting=True,
        basis="Quyết định số 15/QĐ-UBND",
    )
    # when he signs
    authority = require(acting, "testapp.sign_document", make_doc(org), at=TODAY)
    # then as acting head
    assert authority.capacity == Capacity.Q
    assert authority.basis == Basis.ACTING
    assert authority.signature_block() == ["Q. GIÁM ĐỐC"]


def test_collective_body_head_signs_tm(org):
    case = Case.objects.create(unit=org.village_x1)
    authority = require(org.chairman_x, "testapp.decide_case", case, at=TODAY)
    assert authority.capacity == Capacity.TM
    assert authority.signature_block() == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def _delegate_sign(org, **overrides) -> Delegation:
    fields = {
        "delegator": org.director_a,
        "delegator_position": org.p_director_a,
        "delegate": org.office_head_a,
        "instrument": "Giấy ủy quyền số 05/GUQ-LĐTBXH",
        "valid_from": datetime.date(2026, 11, 1),
        "valid_to": datetime.date(2026, 11, 30),
    }
    fields.update(overrides)
    delegation = Delegation.objects.create(**fields)
    delegation.actions.set([org.sign])
    return delegation


def test_written_delegation_lets_the_delegate_sign_tuq_on_behalf_of_the_director(org):
    _delegate_sign(org)
    authority = require(org.office_head_a, "testapp.sign_document", make_doc(org), at=TODAY)
    assert authority.basis == Basis.DELEGATION
    assert authority.capacity == Capacity.TUQ
    assert authority.on_behalf_of_id == org.director_a.pk
    assert authority.description == "Giấy ủy quyền số 05/GUQ-LĐTBXH"
    block = authority.signature_block(delegate_title="Chánh Văn phòng")
    assert block == ["TUQ. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]


def test_delegation_used_after_its_end_is_refused_as_expired(org):
    _delegate_sign(org)
    doc = make_doc(org)
    with pytest.raises(DelegationExpired) as exc:
        require(org.office_head_a, "testapp.sign_document", doc, at=datetime.date(2026, 12, 1))
    assert "30/11/2026" in str(exc.value)
    assert exc.value.code == "delegation_expired"


def test_revoked_delegation_is_refused(org):
    _delegate_sign(org, revoked_at=timezone.now(), revoked_reason="Giám đốc đã trở lại")
    with pytest.raises(DelegationExpired):
        require(org.office_head_a, "testapp.sign_document", make_doc(org), at=TODAY)


def test_delegation_does_not_outlive_the_delegators_position(org):
    # given a delegation whose author left the post on 15/11/2026
    org.p_director_a.valid_to = datetime.date(2026, 11, 15)
    org.p_director_a.save()
    _delegate_sign(org)
    # then it gives no right after that day
    with pytest.raises(DelegationExpired):
        require(org.office_head_a, "testapp.sign_document", make_doc(org), at=TODAY)


def test_delegation_never_chains(org):
    # given a delegation to the office head, and one (recorded directly) from him onward
    _delegate_sign(org)
    onward = Delegation.objects.create(
        delegator=org.office_head_a,
        delegator_position=org.p_office_head_a,
        delegate=org.drafter_a,
        instrument="Giấy ủy quyền lại",
        valid_from=datetime.date(2026, 11, 1),
        valid_to=datetime.date(2026, 11, 30),
    )
    onward.actions.set([org.sign])
    # then the second delegate gains nothing: only a position's own authority is delegated
    doc = make_doc(org, author=org.office_head_a)
    assert not decide(org.drafter_a, "testapp.sign_document", doc, at=TODAY).allowed


def test_author_never_approves_or_signs_own_document_whatever_their_role(org):
    # given a document drafted by the deputy director herself
    doc = make_doc(org, author=org.deputy_a)
    # when she tries to sign it
    with pytest.raises(SeparationOfDutiesViolation) as exc:
        require(org.deputy_a, "testapp.sign_document", doc, at=TODAY)
    assert exc.value.code == "separation_of_duties"
    # and even an object grant does not override it
    assign_perm("testapp.sign_document", org.deputy_a, doc)
    assert not decide(org.deputy_a, "testapp.sign_document", doc, at=TODAY).allowed


def test_nobody_decides_their_own_households_case(org):
    case = Case.objects.create(unit=org.village_x1)
    case.residents.add(org.chairman_x)
    decision = decide(org.chairman_x, "testapp.decide_case", case, at=TODAY)
    assert not decision.allowed
    assert decision.error is SeparationOfDutiesViolation


def test_nobody_decides_their_own_units_case(org):
    # given a case nominating village x1, and its head also holding the chairman's role
    case = Case.objects.create(unit=org.commune_x, nominee_unit=org.village_x1)
    PositionFactory(user=org.village_head_x1, unit=org.commune_x, role=org.r_chairman)
    # then the village head is refused on his own village's case, the chairman is not
    refused = decide(org.village_head_x1, "testapp.decide_case", case, at=TODAY)
    assert refused.error is SeparationOfDutiesViolation
    assert "Thôn Hạ" in refused.reason
    assert decide(org.chairman_x, "testapp.decide_case", case, at=TODAY).allowed


def test_one_off_object_grant_allows_that_object_only(org):
    outsider = UserFactory(username="outsider")
    doc, other = make_doc(org), make_doc(org)
    assign_perm("testapp.approve_document", outsider, doc)

    granted = decide(outsider, "testapp.approve_document", doc, at=TODAY)
    assert granted.allowed
    assert granted.authority.basis == Basis.GRANT
    assert not decide(outsider, "testapp.approve_document", other, at=TODAY).allowed


def test_inactive_user_is_refused(org):
    org.deputy_a.is_active = False
    org.deputy_a.save()
    assert not decide(org.deputy_a, "testapp.sign_document", make_doc(org), at=TODAY).allowed


def test_resolution_uses_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    doc = make_doc(org)
    with django_assert_max_num_queries(6):
        decide(org.deputy_a, "testapp.sign_document", doc, at=TODAY)


def test_office_clerk_acts_for_the_agency_directly_above_only(org):
    # given a records clerk in the department office, with a rule of reach "holder_parent"
    from approvals.organisation.models import Reach
    from tests.factories import ActionFactory, ActionRuleFactory, RoleFactory

    clerk_role = RoleFactory(code="records_clerk")
    number = ActionFactory(code="testapp.number_document", name="Cấp số")
    ActionRuleFactory(action=number, role=clerk_role, reach=Reach.HOLDER_PARENT)
    clerk = UserFactory(username="vanthu")
    PositionFactory(user=clerk, unit=org.division_a, role=clerk_role)
    # then the clerk numbers for department A, not for department B nor the province
    assert decide(clerk, "testapp.number_document", unit=org.dept_a, at=TODAY).allowed
    assert not decide(clerk, "testapp.number_document", unit=org.dept_b, at=TODAY).allowed
    assert not decide(clerk, "testapp.number_document", unit=org.province, at=TODAY).allowed
