"""A title's yearly cycle as the rules set it: the review deadline and the other key dates.

``cultural_family.review_deadline`` (25/11, Decree 86/2023) closes the year's review of the
households. The secretary's dashboard shows the cycle's calendar (:func:`cycle_calendar`);
a dossier submitted after the deadline is accepted with a warning (see
``services.submission``); and while a dossier has not been submitted, the engine's reminder
pass reminds its proposing unit before the deadline, on the days the ``reminders``
regulation sets (the ``review_deadline`` deadline started with the dossier).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.calendar.choices import DayKind
from approvals.exceptions import RegulationNotFound
from approvals.organisation.models import OrgUnit
from approvals.regulations.models import ValueType
from approvals.regulations.services import RuleSet, rules_in_force
from workflows.nominations.choices import Title
from workflows.nominations.titles import SPECS, TitleSpec

#: The suffix of a title's rule closing the year's review, and the purpose of its deadline.
REVIEW_DEADLINE = "review_deadline"

#: Titles whose cycle the dashboard shows (households, then villages).
CYCLE_TITLES = (Title.CULTURAL_FAMILY, Title.CULTURAL_VILLAGE)

#: What the dashboard calls each rule of a cycle (a rule not named here shows its description).
LABELS = {
    REVIEW_DEADLINE: gettext_lazy("Review completed by"),
    "posting_period": gettext_lazy("Public posting"),
    "decision_period": gettext_lazy("Decision after the complete dossier is received"),
}


def review_deadline(spec: TitleSpec, rules: RuleSet, year: int) -> datetime.date | None:
    """The day the review of ``year`` must be completed by, if the title's rules set one."""
    key = spec.key(REVIEW_DEADLINE)
    if key not in rules.rules:
        return None
    return rules.month_day(key, year)


def late_submission_warning(deadline: datetime.date) -> str:
    """The warning given when a dossier is submitted after the review deadline."""
    return _(
        "Submitted after the review deadline of %(date)s that the regulation sets: the "
        "dossier goes on, but the deciding level may not consider it in this year's cycle."
    ) % {"date": formats.date_format(deadline, "d/m/Y")}


def dossier_warnings(dossier: Any) -> list[str]:
    """What a user is warned of about ``dossier`` (a submission after the review deadline)."""
    missed = getattr(dossier, "review_deadline_missed", None)
    return [late_submission_warning(missed)] if missed is not None else []


@dataclass(frozen=True)
class CycleEntry:
    """One key date or period of a cycle, as the rules in force give it."""

    suffix: str
    label: str
    basis: str
    confirmed: bool
    day: datetime.date | None = None
    period: str = ""
    passed: bool = False


@dataclass(frozen=True)
class Cycle:
    """The cycle of one title in one year: key dates in order, then the periods."""

    title: str
    year: int
    entries: list[CycleEntry]

    @property
    def title_label(self) -> str:
        """The title, in the active language."""
        return str(Title(self.title).label)


def _period_text(value: dict[str, object]) -> str:
    kind = DayKind(str(value["day_kind"])).label
    return f"{value['length']} {str(kind).lower()}"


def cycle_of(spec: TitleSpec, rules: RuleSet, year: int, day: datetime.date) -> Cycle:
    """The key dates (day-of-year rules) and periods of ``spec``'s rules in ``rules``."""
    dates: list[CycleEntry] = []
    periods: list[CycleEntry] = []
    prefix = f"{spec.prefix}."
    for key, rule in sorted(rules.rules.items()):
        if not key.startswith(prefix) or rule.informational:
            continue
        suffix = key.removeprefix(prefix)
        label = str(LABELS.get(suffix) or rule.description or suffix)
        if rule.value_type == ValueType.MONTH_DAY:
            on = rules.month_day(key, year)
            dates.append(
                CycleEntry(suffix, label, rule.basis, rule.confirmed, day=on, passed=day > on)
            )
        elif rule.value_type == ValueType.PERIOD:
            periods.append(
                CycleEntry(
                    suffix, label, rule.basis, rule.confirmed, period=_period_text(rule.value)
                )
            )
    dates.sort(key=lambda e: e.day or datetime.date.min)
    return Cycle(spec.title, year, [*dates, *periods])


def cycle_calendar(*, unit: OrgUnit, year: int, day: datetime.date) -> list[Cycle]:
    """The cycles of :data:`CYCLE_TITLES` in ``year`` for ``unit``, by the rules in force.

    The rules are those in force on ``day`` when it falls in ``year``, else on the year's
    nearest day to it (a past year's cycle by its last day's rules).
    """
    on = min(max(day, datetime.date(year, 1, 1)), datetime.date(year, 12, 31))
    cycles = []
    for title in CYCLE_TITLES:
        spec = SPECS[title]
        try:
            rules = rules_in_force(spec.regulation, on=on, unit=unit)
        except RegulationNotFound:  # a year before the regulation
            continue
        cycle = cycle_of(spec, rules, year, day)
        if cycle.entries:
            cycles.append(cycle)
    return cycles


__all__ = [
    "CYCLE_TITLES",
    "REVIEW_DEADLINE",
    "Cycle",
    "CycleEntry",
    "cycle_calendar",
    "cycle_of",
    "dossier_warnings",
    "late_submission_warning",
    "review_deadline",
]
