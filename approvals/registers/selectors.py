"""Reads over registers for use cases (lists, document rendering)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from approvals.organisation.models import OrgUnit
from approvals.registers.models import RegisterEntry, RegisterEntryQuerySet
from approvals.registers.symbols import format_place_date
from approvals.regulations.services import rules_in_force

if TYPE_CHECKING:
    from approvals.registers.models import Register

#: The regulation holding the clerical rules (minimum digits, date line).
DOCUMENT_WORK = "document_work"


def register_entries(*, register: Register) -> RegisterEntryQuerySet:
    """The register's entries, voided ones included, in number order."""
    return (
        RegisterEntry.objects.filter(register=register)
        .select_related("kind", "drafting_unit", "issued_by", "voided_by")
        .order_by("number")
    )


def place_name_of(agency: OrgUnit) -> str:
    """The place on the agency's date line: its own, else the nearest ancestor's."""
    if agency.place_name:
        return agency.place_name
    names = (
        OrgUnit.objects.ancestors_of(agency, include_self=False)
        .exclude(place_name="")
        .order_by("-depth")
        .values_list("place_name", flat=True)
    )
    return names.first() or ""


def place_date_line(*, agency: OrgUnit, day: datetime.date) -> str:
    """The agency's date line, e.g. ``Bắc Giang, ngày 05 tháng 02 năm 2024``."""
    rules = rules_in_force(DOCUMENT_WORK, on=day, unit=agency)
    months = [int(month) for month in rules.get("date_line.zero_padded_months")]
    return format_place_date(place_name_of(agency), day, zero_padded_months=months)


__all__ = ["place_date_line", "place_name_of", "register_entries"]
