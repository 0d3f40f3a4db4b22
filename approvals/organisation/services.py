"""Writes on the organisation: delegations, reorganisations, positions.

Each service runs in one transaction and writes its audit event.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.exceptions import DelegationInvalid, InvalidTransition, ValidationFailed
from approvals.organisation.models import (
    Action,
    ActionRule,
    Delegation,
    OrgUnit,
    Position,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


def _audit(**kwargs: Any) -> None:
    from approvals.audit.services import audit_record

    audit_record(**kwargs)


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


@transaction.atomic
def delegation_create(
    *,
    delegator: Any,
    delegator_position: Position,
    delegate: Any,
    actions: Sequence[Action],
    instrument: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
) -> Delegation:
    """Record a written delegation ("TUQ.") of some actions of the delegator's own position.

    Authority received by delegation can never be delegated again (Decree 30/2020, Art. 13).
    """
    if not instrument.strip():
        raise DelegationInvalid(_("A delegation must rest on a written instrument."))
    if valid_to < valid_from:
        raise DelegationInvalid(_("A delegation cannot end before it starts."))
    if delegator.pk == delegate.pk:
        raise DelegationInvalid(_("Nobody can delegate to themselves."))
    if not actions:
        raise DelegationInvalid(_("A delegation must name the actions it covers."))
    if delegator_position.user_id != delegator.pk:
        raise DelegationInvalid(_("Only the holder of a position can delegate its authority."))
    if not (
        delegator_position.is_active_on(valid_from) and delegator_position.is_active_on(valid_to)
    ):
        raise DelegationInvalid(
            _("The delegation must lie within the term of the position it delegates.")
        )
    for action in actions:
        if ActionRule.objects.filter(action=action, role_id=delegator_position.role_id).exists():
            continue
        received = Delegation.objects.in_force_on(valid_from).filter(
            delegate=delegator, actions=action
        )
        if received.exists():
            raise DelegationInvalid(
                _(
                    "“%(action)s” was itself received by delegation and cannot be delegated "
                    "again (Decree 30/2020, Art. 13)."
                )
                % {"action": action.name}
            )
        raise DelegationInvalid(
            _("The position %(position)s does not carry the right to “%(action)s”.")
            % {"position": delegator_position.printed_title, "action": action.name}
        )
    delegation = Delegation.objects.create(
        delegator=delegator,
        delegator_position=delegator_position,
        delegate=delegate,
        instrument=instrument.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    delegation.actions.set(actions)
    _audit(
        actor=delegator,
        action="approvals_org.delegation_create",
        subject=delegation,
        to_state="in_force",
        payload={
            "delegate_id": delegate.pk,
            "actions": sorted(a.code for a in actions),
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
        },
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: Delegation, user: Any, reason: str) -> Delegation:
    """End a delegation before its term; only its author may do so."""
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.revoked_at is not None:
        raise InvalidTransition(_("This delegation has already been revoked."))
    if locked.delegator_id != user.pk:
        raise DelegationInvalid(_("Only the author of a delegation can revoke it."))
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for revoking the delegation."))
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason.strip()
    locked.save(update_fields=["revoked_at", "revoked_reason"])
    _audit(
        actor=user,
        action="approvals_org.delegation_revoke",
        subject=locked,
        from_state="in_force",
        to_state="revoked",
        comment=locked.revoked_reason,
    )
    return locked


@transaction.atomic
def unit_reorganise(
    *,
    predecessors: Sequence[OrgUnit],
    effective_from: datetime.date,
    user: Any,
    name: str,
    code: str,
    kind: str,
    parent: OrgUnit | None,
    transfer_children: bool = True,
    **fields: Any,
) -> OrgUnit:
    """Replace ``predecessors`` by one new unit from ``effective_from``, keeping history.

    The predecessors are closed the day before; their units still in existence are
    re-created under the successor when ``transfer_children`` is set, so records made
    before the reorganisation keep pointing at the tree as it was.
    """
    if not predecessors:
        raise ValidationFailed(_("A reorganisation needs at least one unit it replaces."))
    last_day = effective_from - datetime.timedelta(days=1)
    for unit in predecessors:
        if not unit.is_active_on(last_day):
            raise ValidationFailed(
                _("%(unit)s does not exist on %(date)s and cannot be reorganised.")
                % {"unit": unit.name, "date": _fmt(last_day)}
            )
    successor = OrgUnit(
        name=name, code=code, kind=kind, parent=parent, valid_from=effective_from, **fields
    )
    successor.full_clean(exclude=["path", "depth"])
    successor.save()
    successor.predecessors.set(predecessors)
    for unit in predecessors:
        if transfer_children:
            for child in unit.children.active_on(effective_from):
                _carry_over(child, successor, effective_from)
        _close_subtree(unit, last_day)
        _audit(
            actor=user,
            action="approvals_org.unit_reorganise",
            subject=unit,
            from_state="active",
            to_state="closed",
            payload={"successor_id": successor.pk, "effective_from": effective_from.isoformat()},
        )
    return successor


def _carry_over(unit: OrgUnit, new_parent: OrgUnit, effective_from: datetime.date) -> None:
    copy = OrgUnit.objects.create(
        name=unit.name,
        short_name=unit.short_name,
        code=unit.code,
        kind=unit.kind,
        parent=new_parent,
        place_name=unit.place_name,
        collective_body_name=unit.collective_body_name,
        valid_from=effective_from,
    )
    copy.predecessors.add(unit)
    for child in unit.children.active_on(effective_from):
        _carry_over(child, copy, effective_from)


def _close_subtree(unit: OrgUnit, last_day: datetime.date) -> None:
    OrgUnit.objects.under(unit).filter(valid_to__isnull=True).update(valid_to=last_day)
    OrgUnit.objects.under(unit).filter(valid_to__gt=last_day).update(valid_to=last_day)
