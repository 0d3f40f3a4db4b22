"""Written delegations ("TUQ."): recording one and revoking it, each with its audit event.

Outside :mod:`approvals.organisation` because it writes audit events, and the audit trail
rests on the organisation (its events name positions, delegations and capacities).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import DelegationInvalid, InvalidTransition, ValidationFailed
from approvals.organisation.models import Action, ActionRule, Delegation, Position

if TYPE_CHECKING:
    from collections.abc import Sequence


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
    audit_record(
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
    audit_record(
        actor=user,
        action="approvals_org.delegation_revoke",
        subject=locked,
        from_state="in_force",
        to_state="revoked",
        comment=locked.revoked_reason,
    )
    return locked
