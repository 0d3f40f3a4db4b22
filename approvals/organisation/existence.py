"""A unit acts only while it exists: from its end date it signs, numbers and decides nothing."""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from approvals.exceptions import UnitNotInExistence
from approvals.organisation.models import OrgUnit


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def unit_absence_reason(unit: OrgUnit, day: datetime.date) -> str:
    """Why ``unit`` cannot act on ``day`` ("" when it exists then)."""
    if unit.is_active_on(day):
        return ""
    if unit.valid_to is not None and day > unit.valid_to:
        successors = ", ".join(s.name for s in unit.successors.order_by("pk"))
        if successors:
            return _(
                "%(unit)s ceased to exist after %(end)s (its successor is %(successor)s); on "
                "%(date)s it can no longer sign, number, open registers or decide. The case "
                "is handled by the successor."
            ) % {
                "unit": unit.name,
                "end": _fmt(unit.valid_to),
                "successor": successors,
                "date": _fmt(day),
            }
        return _(
            "%(unit)s ceased to exist after %(end)s; on %(date)s it can no longer sign, "
            "number, open registers or decide."
        ) % {"unit": unit.name, "end": _fmt(unit.valid_to), "date": _fmt(day)}
    return _("%(unit)s only exists from %(start)s; on %(date)s it cannot act yet.") % {
        "unit": unit.name,
        "start": _fmt(unit.valid_from),
        "date": _fmt(day),
    }


def unit_require_existing(unit: OrgUnit, day: datetime.date) -> None:
    """Raise :class:`UnitNotInExistence` unless ``unit`` exists on ``day``."""
    reason = unit_absence_reason(unit, day)
    if reason:
        raise UnitNotInExistence(reason)


def unit_require_existing_in_year(unit: OrgUnit, year: int) -> None:
    """Raise :class:`UnitNotInExistence` unless ``unit`` exists on some day of ``year``."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if unit.valid_to is not None and unit.valid_to < first:
        unit_require_existing(unit, first)
    if unit.valid_from > last:
        unit_require_existing(unit, last)
