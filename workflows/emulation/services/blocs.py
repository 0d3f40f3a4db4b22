"""Setting up blocs and opening a bloc's year with its leader, deputy and members."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit, UnitKind
from approvals.organisation.resolver import require
from workflows.emulation.models import Bloc, BlocYear, BlocYearState, Membership
from workflows.emulation.services.guards import CONFIGURE, MANAGE, MEMBER_KINDS, member_ids


def _check_members(
    bloc: Bloc, year: int, leader: OrgUnit, deputy: OrgUnit, members: Sequence[OrgUnit]
) -> None:
    if leader.pk == deputy.pk:
        raise ValidationFailed(_("The bloc's leader and deputy must be different units."))
    ids = [u.pk for u in members]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("A unit appears twice in the list of members."))
    if leader.pk not in ids or deputy.pk not in ids:
        raise ValidationFailed(_("The leader and the deputy must be members of the bloc."))
    first_day = datetime.date(year, 1, 1)
    for unit in members:
        if unit.kind not in MEMBER_KINDS or not unit.is_within(bloc.province):
            raise ValidationFailed(
                _("%(unit)s is not a department or agency of %(province)s.")
                % {"unit": unit.name, "province": bloc.province.name}
            )
        if not unit.is_active_on(first_day) and not unit.is_active_on(datetime.date(year, 12, 31)):
            raise ValidationFailed(
                _("%(unit)s does not exist in %(year)s.") % {"unit": unit.name, "year": year}
            )


@transaction.atomic
def bloc_create(*, user: Any, province: OrgUnit, name: str) -> Bloc:
    """The province's emulation office sets up a bloc (e.g. Khối thi đua Văn hóa - Xã hội)."""
    if province.kind != UnitKind.PROVINCE:
        raise ValidationFailed(_("A bloc belongs to a province."))
    authority = require(user, CONFIGURE, unit=province)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("The bloc has no name."))
    if Bloc.objects.filter(province=province, name=name).exists():
        raise ValidationFailed(_("%(name)s already exists.") % {"name": name})
    bloc: Bloc = Bloc.objects.create(province=province, name=name)
    audit_record(actor=user, action=CONFIGURE, subject=bloc, authority=authority)
    return bloc


@transaction.atomic
def bloc_year_create(
    *,
    user: Any,
    bloc: Bloc,
    year: int,
    leader: OrgUnit,
    deputy: OrgUnit,
    members: Sequence[OrgUnit],
    theme: str = "",
) -> BlocYear:
    """Open a bloc's year with its leader, deputy and members (the leader's heads do it)."""
    _check_members(bloc, year, leader, deputy, members)
    authority = require(user, MANAGE, unit=leader)
    if BlocYear.objects.filter(bloc=bloc, year=year).exists():
        raise ValidationFailed(
            _("%(bloc)s already has a year %(year)s.") % {"bloc": bloc.name, "year": year}
        )
    bloc_year: BlocYear = BlocYear.objects.create(
        bloc=bloc, year=year, leader=leader, deputy=deputy, theme=theme.strip(), created_by=user
    )
    Membership.objects.bulk_create(Membership(bloc_year=bloc_year, unit=u) for u in members)
    audit_record(
        actor=user,
        action=MANAGE,
        subject=bloc_year,
        to_state=BlocYearState.DRAFTING,
        authority=authority,
        payload={
            "leader": leader.pk,
            "deputy": deputy.pk,
            "members": sorted(u.pk for u in members),
        },
    )
    return bloc_year


def bloc_year_rotate(
    *, previous: BlocYear, user: Any, deputy: OrgUnit, theme: str = ""
) -> BlocYear:
    """The next year: last year's deputy leads, the same members, a new deputy."""
    members = list(OrgUnit.objects.filter(pk__in=member_ids(previous)).order_by("path"))
    return bloc_year_create(
        user=user,
        bloc=previous.bloc,
        year=previous.year + 1,
        leader=previous.deputy,
        deputy=deputy,
        members=members,
        theme=theme,
    )
