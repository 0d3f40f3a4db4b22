"""The year's roll-over of the registers, run explicitly at the year's end.

:func:`~approvals.registers.services.register_for` still rolls a grouping over lazily on the
first number of a year; the explicit roll-over does it ahead for every agency (both series,
open and classified) so the new year's registers exist before the first document.

Who may: staff and superusers for every agency; anyone else for the agencies where they
issue numbers or configure registers (the records clerk, the head of the agency).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ActionNotPermitted, ValidationFailed
from approvals.organisation.models import OrgUnit
from approvals.organisation.selectors import action_scopes
from approvals.registers.models import Register
from approvals.registers.services import (
    CONFIGURE_REGISTER,
    ISSUE_NUMBER,
    REGISTER_OPEN,
    _roll_over,
)

#: Audit action of the explicit roll-over (one event per agency).
ROLL_OVER = "approvals_registers.roll_over"

#: The actions whose holders may roll their agencies' registers over.
ROLL_OVER_ACTIONS = (ISSUE_NUMBER, CONFIGURE_REGISTER)

#: The job kind running :func:`registers_roll_over` in the background.
JOB_KIND = "approvals_registers.roll_over"

#: The two series of registers (Decree 30/2020: classified documents are numbered apart).
SERIES = (False, True)


@dataclass(frozen=True)
class RollOverPlan:
    """One agency and the series it would roll over into the year, from which year."""

    agency: OrgUnit
    series: tuple[tuple[bool, int], ...]  # (confidential, from year)

    @property
    def confidential(self) -> bool:
        return any(confidential for confidential, _from in self.series)


def year_check(year: Any) -> int:
    """The roll-over's year as an int; refused beyond next year."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give the year to roll the registers over into.")) from None
    latest = timezone.localdate().year + 1
    if not 1 <= value <= latest:
        raise ValidationFailed(
            _("The registers can be rolled over into %(latest)s at the latest.")
            % {"latest": latest}
        )
    return value


def _may_all(user: Any) -> bool:
    return bool(user.is_active and (user.is_staff or user.is_superuser))


def roll_over_agencies(*, user: Any, day: datetime.date | None = None) -> list[OrgUnit] | None:
    """The agencies whose registers ``user`` may roll over; None means every agency."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if _may_all(user):
        return None
    scopes = action_scopes(
        user=user, action_codes=ROLL_OVER_ACTIONS, day=day or timezone.localdate()
    )
    scope = scopes[ROLL_OVER_ACTIONS[0]].union(scopes[ROLL_OVER_ACTIONS[1]])
    if not scope:
        return []
    return list(OrgUnit.objects.filter(scope.units_q()).order_by("path"))


def may_roll_over(user: Any) -> bool:
    allowed = roll_over_agencies(user=user)
    return allowed is None or bool(allowed)


def roll_over_plan(*, year: int, agencies: Iterable[OrgUnit] | None = None) -> list[RollOverPlan]:
    """The agencies (all with registers, or those given) that would roll over into ``year``:
    a series with registers in an earlier year and none in ``year``, the agency existing."""
    earlier = Register.objects.filter(year__lt=year)
    if agencies is not None:
        earlier = earlier.filter(agency__in=[a.pk for a in agencies])
    latest = {
        (row["agency"], row["confidential"]): row["latest"]
        for row in earlier.values("agency", "confidential").annotate(latest=Max("year"))
    }
    done = set(
        Register.objects.filter(year=year, agency__in={a for a, _c in latest}).values_list(
            "agency", "confidential"
        )
    )
    units = OrgUnit.objects.in_bulk({a for a, _c in latest})
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    plans = []
    for agency_id in sorted(units, key=lambda pk: (units[pk].path, pk)):
        agency = units[agency_id]
        if (agency.valid_to is not None and agency.valid_to < first_day) or (
            agency.valid_from > last_day
        ):
            continue  # never a register for a unit that does not exist that year
        series = tuple(
            (confidential, latest[(agency_id, confidential)])
            for confidential in SERIES
            if (agency_id, confidential) in latest and (agency_id, confidential) not in done
        )
        if series:
            plans.append(RollOverPlan(agency=agency, series=series))
    return plans


@transaction.atomic
def registers_roll_over(
    *,
    year: int,
    user: Any,
    agencies: Iterable[OrgUnit] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Roll every agency's registers (or those of ``agencies``) over into ``year`` where not
    done yet: the latest earlier year's grouping is copied, numbers start again at 1.

    Idempotent: a second run finds the year's registers and changes nothing. One audit event
    per agency rolled over. Returns the counts: agencies and registers rolled over."""
    year = year_check(year)
    allowed = roll_over_agencies(user=user)
    wanted = list(agencies) if agencies is not None else None
    if allowed is not None:
        allowed_ids = {a.pk for a in allowed}
        if not allowed_ids:
            raise ActionNotPermitted(_("You may not roll the registers over."))
        if wanted is None:
            wanted = allowed
        elif any(a.pk not in allowed_ids for a in wanted):
            raise ActionNotPermitted(
                _("You may roll over only the registers of the agencies where you keep them.")
            )
    plans = roll_over_plan(year=year, agencies=wanted)
    rolled = registers = 0
    for done, plan in enumerate(plans, start=1):
        before = Register.objects.filter(agency=plan.agency, year=year).count()
        for confidential, from_year in plan.series:
            try:
                with transaction.atomic():
                    _roll_over(
                        agency=plan.agency,
                        from_year=from_year,
                        to_year=year,
                        confidential=confidential,
                    )
            except IntegrityError:
                # a first number of the year rolled this series over meanwhile: keep theirs
                if not Register.objects.of(plan.agency, year, confidential=confidential).exists():
                    raise
        created = Register.objects.filter(agency=plan.agency, year=year).count() - before
        if progress is not None:
            progress(done, len(plans))
        if not created:
            continue  # a grouping of registers without kinds: nothing to copy
        rolled += 1
        registers += created
        audit_record(
            actor=user,
            action=ROLL_OVER,
            subject=plan.agency,
            to_state=REGISTER_OPEN,
            payload={
                "year": year,
                "registers": created,
                "from": {
                    ("confidential" if c else "open"): from_year for c, from_year in plan.series
                },
            },
        )
    return {"agencies": rolled, "registers": registers, "year": year}


__all__ = [
    "JOB_KIND",
    "ROLL_OVER",
    "ROLL_OVER_ACTIONS",
    "RollOverPlan",
    "may_roll_over",
    "registers_roll_over",
    "roll_over_agencies",
    "roll_over_plan",
    "year_check",
]
