"""Emulation's action codes and the guards its services share: row lock, state, members."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from approvals.acts import act_today
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.models import OrgUnit, UnitKind
from workflows.emulation.exceptions import NotBlocMember
from workflows.emulation.models import BlocYear
from workflows.nominations.models import Title

REGULATION = "emulation_blocs"
SIGNATURE_PERIOD = "covenant.signature_period"

CONFIGURE = "emulation.configure_blocs"
MANAGE = "emulation.manage_bloc"
COMMENT = "emulation.comment_covenant"
SIGN = "emulation.sign_covenant"
REMIND = "emulation.remind_signers"
INSPECT = "emulation.record_inspection"
SCORE_SELF = "emulation.score_self"
SCORE_BLOC = "emulation.score_bloc"
PROPOSE = "emulation.propose_awards"
RECEIVE = "emulation.receive_proposal"

#: The titles a bloc proposes its members for.
AWARD_TITLES = (Title.EMULATION_FLAG, Title.PROVINCIAL_COMMENDATION)
#: Units that can belong to a bloc: provincial departments, boards and public agencies.
MEMBER_KINDS = (UnitKind.DEPARTMENT, UnitKind.AGENCY)


_today = act_today  # today in the site's zone, or the day history is built as of


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def _locked(bloc_year: BlocYear) -> BlocYear:
    locked: BlocYear = (
        BlocYear.objects.select_for_update(of=("self",))
        .select_related("bloc", "leader", "deputy", "signature_deadline")
        .get(pk=bloc_year.pk)
    )
    return locked


def _in_state(bloc_year: BlocYear, *states: str) -> None:
    if bloc_year.state not in states:
        raise InvalidTransition(
            _("The bloc's year is in state “%(state)s”; this cannot be done now.")
            % {"state": bloc_year.get_state_display()}
        )


def member_ids(bloc_year: BlocYear) -> set[int]:
    """Ids of the bloc's member units in the year."""
    return set(bloc_year.memberships.values_list("unit_id", flat=True))


def _member(bloc_year: BlocYear, unit: OrgUnit) -> None:
    if unit.pk not in member_ids(bloc_year):
        raise NotBlocMember(
            _("%(unit)s is not a member of %(bloc)s in %(year)s.")
            % {"unit": unit.name, "bloc": bloc_year.bloc.name, "year": bloc_year.year}
        )


def _decimal(value: Any, *, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("%(what)s must be a number, not “%(value)s”.") % {"what": what, "value": value}
        ) from None
    if not number.is_finite():
        raise ValidationFailed(
            _("%(what)s must be a number, not “%(value)s”.") % {"what": what, "value": value}
        )
    return number
