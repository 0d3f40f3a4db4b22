"""Creating and revoking written delegations (TUQ.)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from approvals.audit.models import AuditEvent
from approvals.delegations import delegation_create, delegation_revoke
from approvals.exceptions import DelegationExpired, DelegationInvalid, InvalidTransition
from approvals.organisation.models import Delegation
from approvals.organisation.resolver import require
from tests.testapp.models import Document

NOV = {"valid_from": datetime.date(2026, 11, 1), "valid_to": datetime.date(2026, 11, 30)}


def test_director_delegates_signing_and_the_event_is_audited(org):
    delegation = delegation_create(
        delegator=org.director_a,
        delegator_position=org.p_director_a,
        delegate=org.office_head_a,
        actions=[org.sign],
        instrument="Giấy ủy quyền số 05/GUQ-LĐTBXH",
        **NOV,
    )
    event = AuditEvent.objects.get(action="approvals_org.delegation_create")
    assert event.subject_id == str(delegation.pk)
    assert event.actor == org.director_a


def test_re_delegation_is_refused_and_nothing_is_written(org):
    # given the office head holds signing by delegation
    delegation_create(
        delegator=org.director_a,
        delegator_position=org.p_director_a,
        delegate=org.office_head_a,
        actions=[org.sign],
        instrument="Giấy ủy quyền số 05/GUQ-LĐTBXH",
        **NOV,
    )
    # when he tries to pass it on
    with pytest.raises(DelegationInvalid) as exc:
        delegation_create(
            delegator=org.office_head_a,
            delegator_position=org.p_office_head_a,
            delegate=org.drafter_a,
            actions=[org.sign],
            instrument="Ủy quyền lại",
            **NOV,
        )
    # then it is refused as a re-delegation
    assert "Art. 13" in str(exc.value) or "Điều 13" in str(exc.value)
    assert Delegation.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"instrument": "  "}, "written"),
        ({"valid_to": datetime.date(2026, 10, 1)}, "end before"),
        ({"delegate_attr": "director_a"}, "themselves"),
        ({"position_attr": "p_deputy_a"}, "holder"),
    ],
)
def test_invalid_delegations_are_refused(org, overrides, fragment):
    fields = {
        "delegator": org.director_a,
        "delegator_position": org.p_director_a,
        "delegate": org.office_head_a,
        "actions": [org.sign],
        "instrument": "GUQ 05",
        **NOV,
    }
    if "delegate_attr" in overrides:
        fields["delegate"] = getattr(org, overrides.pop("delegate_attr"))
    if "position_attr" in overrides:
        fields["delegator_position"] = getattr(org, overrides.pop("position_attr"))
    fields.update(overrides)
    with translation.override("en"), pytest.raises(DelegationInvalid) as exc:
        delegation_create(**fields)
    assert fragment in str(exc.value).lower() or fragment in str(exc.value)
    assert Delegation.objects.count() == 0


def test_revoked_delegation_stops_working_and_cannot_be_revoked_twice(org):
    delegation = delegation_create(
        delegator=org.director_a,
        delegator_position=org.p_director_a,
        delegate=org.office_head_a,
        actions=[org.sign],
        instrument="GUQ 05",
        **NOV,
    )
    doc = Document.objects.create(unit=org.division_a, author=org.drafter_a, title="KH")
    delegation_revoke(delegation=delegation, user=org.director_a, reason="Đã trở lại làm việc")
    with pytest.raises(DelegationExpired):
        require(org.office_head_a, "testapp.sign_document", doc)
    with pytest.raises(InvalidTransition):
        delegation_revoke(delegation=delegation, user=org.director_a, reason="again")
