"""Reorganising units: predecessors closed, a successor opened, history kept and audited.

Outside :mod:`approvals.organisation` because it writes audit events, and the audit trail
rests on the organisation (its events name positions, delegations and capacities).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ValidationFailed
from approvals.handover.services import handover_perform
from approvals.organisation.models import OrgUnit

if TYPE_CHECKING:
    from collections.abc import Sequence


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


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
    before the reorganisation keep pointing at the tree as it was. Their pending cases are
    handed over to the successor and their registers closed
    (:func:`approvals.handover.services.handover_perform`), in the same transaction.
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
    replaced = {unit.pk for unit in predecessors}
    if transfer_children:
        for unit in predecessors:
            for child in unit.children.active_on(effective_from):
                # a predecessor within another is replaced itself, not carried over
                if child.pk not in replaced:
                    _carry_over(child, successor, effective_from)
    # every pending case of a predecessor goes to the successor, its registers close
    handover_perform(
        predecessors=predecessors, successor=successor, effective_from=effective_from, user=user
    )
    for unit in predecessors:
        _close_subtree(unit, last_day)
        audit_record(
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
