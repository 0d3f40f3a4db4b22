"""Who can be consulted on a plan.

A plan is put to the issuing agency's peers: the units at its level of the organisation
tree, under the same parent (for a provincial department or the provincial steering
committee: the other departments, committees and districts of the province; for a
division: the other divisions of its department). Never the issuing agency itself, nor the
drafting unit or a unit it belongs to: the plan is theirs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Q
from django.utils.translation import gettext as _

from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit, OrgUnitQuerySet


def consultable_q(issuing_agency: OrgUnit, drafting_unit: OrgUnit) -> Q:
    """Units that can be consulted on a plan of ``issuing_agency`` drafted by ``drafting_unit``."""
    if issuing_agency.parent_id is None:
        return Q(pk__in=[])
    return Q(parent_id=issuing_agency.parent_id) & ~Q(
        pk__in={issuing_agency.pk, *drafting_unit.ancestor_ids}
    )


def consultable(unit: OrgUnit, issuing_agency: OrgUnit, drafting_unit: OrgUnit) -> bool:
    """Whether ``unit`` can be consulted on the plan (:func:`consultable_q`, without a query)."""
    return (
        issuing_agency.parent_id is not None
        and unit.parent_id == issuing_agency.parent_id
        and unit.pk != issuing_agency.pk
        and unit.pk not in drafting_unit.ancestor_ids
    )


def consultable_units(
    issuing_agencies: Iterable[OrgUnit], drafting_units: Sequence[OrgUnit], day: datetime.date
) -> OrgUnitQuerySet:
    """The units open to consultation on any plan these agencies and units could make, on
    ``day`` (the form's choice; :func:`consulted_check` holds the chosen agency to its own)."""
    condition = Q(pk__in=[])
    for agency in issuing_agencies:
        for unit in drafting_units:
            condition |= consultable_q(agency, unit)
    return OrgUnit.objects.active_on(day).filter(condition).order_by("path")


def consulted_check(
    consulted: Sequence[OrgUnit], *, issuing_agency: OrgUnit, drafting_unit: OrgUnit
) -> None:
    """Refuse agencies that cannot be consulted on this plan, naming them."""
    refused = [u for u in consulted if not consultable(u, issuing_agency, drafting_unit)]
    if refused:
        raise ValidationFailed(
            _(
                "%(units)s cannot be consulted on this plan: only the agencies at the level of "
                "%(agency)s, other than the agency itself and the drafting unit, can be."
            )
            % {"units": ", ".join(u.name for u in refused), "agency": issuing_agency.name},
            field="consulted_agencies",
        )
