"""Handing over a dissolved unit's pending cases and closing its registers.

Called by :func:`approvals.reorganisation.unit_reorganise` in its transaction, after the
successor and the copies of the carried-over units exist and before the predecessors close.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.handover.models import HandOver, HandOverCase
from approvals.handover.registry import HandedCase, HandoverContext, providers
from approvals.organisation.models import OrgUnit
from approvals.registers.models import Register

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Audit actions of the hand-over.
HAND_OVER = "approvals_handover.hand_over"
HAND_OVER_CASE = "approvals_handover.hand_over_case"
REGISTER_CLOSE = "approvals_handover.close_register"


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def _own_unit_ids(unit: OrgUnit, predecessors: Sequence[OrgUnit]) -> frozenset[int]:
    ids = set(OrgUnit.objects.under(unit).values_list("pk", flat=True))
    for other in predecessors:
        if other.pk != unit.pk and other.pk in ids:
            ids -= set(OrgUnit.objects.under(other).values_list("pk", flat=True))
    return frozenset(ids)


@transaction.atomic
def handover_perform(
    *,
    predecessors: Sequence[OrgUnit],
    successor: OrgUnit,
    effective_from: datetime.date,
    user: Any,
) -> list[HandOver]:
    """Move every pending case of each predecessor (and of the units under it) to where the
    reorganisation puts it, one audit event per case, and write one hand-over list per
    predecessor; close the predecessors' open registers."""
    lists = []
    for unit in predecessors:
        context = HandoverContext(
            predecessor=unit,
            successor=successor,
            effective_from=effective_from,
            user=user,
            unit_ids=_own_unit_ids(unit, predecessors),
        )
        cases: list[HandedCase] = []
        for _name, provider in providers():
            cases.extend(provider(context))
        hand_over = HandOver.objects.create(
            from_unit=unit, to_unit=successor, effective_from=effective_from, created_by=user
        )
        HandOverCase.objects.bulk_create(
            HandOverCase(
                hand_over=hand_over,
                kind=case.kind,
                title=case.title[:500],
                state=case.state,
                subject_type=case.subject_type,
                subject_id=case.subject_id,
                url=case.url,
            )
            for case in cases
        )
        for case in cases:
            audit_record(
                actor=user,
                action=HAND_OVER_CASE,
                subject=(case.subject_type, case.subject_id),
                payload={
                    "from_unit": unit.pk,
                    "to_unit": successor.pk,
                    "effective_from": effective_from.isoformat(),
                    "hand_over": hand_over.pk,
                    "state": case.state,
                },
            )
        audit_record(
            actor=user,
            action=HAND_OVER,
            subject=hand_over,
            to_state="handed_over",
            payload={"cases": len(cases), "effective_from": effective_from.isoformat()},
        )
        registers_close_for(units=context.unit_ids, last_day=effective_from, user=user)
        lists.append(hand_over)
    return lists


def registers_close_for(*, units: frozenset[int], last_day: datetime.date, user: Any) -> int:
    """Close the open registers of dissolved units: from ``last_day`` they number nothing."""
    closed = 0
    reason = _("The unit ceased to exist on %(date)s (reorganisation).") % {
        "date": _fmt(last_day - datetime.timedelta(days=1))
    }
    for register in Register.objects.select_for_update().filter(
        agency_id__in=units, closed_at__isnull=True
    ):
        register.closed_at = timezone.now()
        register.closed_reason = reason
        register.save(update_fields=["closed_at", "closed_reason"])
        audit_record(
            actor=user,
            action=REGISTER_CLOSE,
            subject=register,
            from_state="open",
            to_state="closed",
            comment=reason,
            payload={"year": register.year, "last_number": register.next_number - 1},
        )
        closed += 1
    return closed
