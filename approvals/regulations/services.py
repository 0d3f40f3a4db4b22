"""Reading the rules in force, and adding versions."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from approvals.calendar.choices import DayKind
from approvals.calendar.periods import Period
from approvals.exceptions import RegulationNotFound, ValidationFailed
from approvals.organisation.models import OrgUnit, UnitKind
from approvals.regulations.models import Regulation, RegulationVersion, Rule, ValueType

#: The units a period rule may use: calendar days, working days, months.
DAY_KINDS = tuple(DayKind.values)


def _validate(value_type: str, value: Any, key: str) -> None:
    def bad() -> ValidationFailed:
        return ValidationFailed(
            _("The value of rule “%(key)s” does not fit its type %(type)s: %(value)r.")
            % {"key": key, "type": value_type, "value": value}
        )

    if value_type in (ValueType.INTEGER,):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad()
    elif value_type == ValueType.PERCENT:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise bad()
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise bad() from None
        if not Decimal(0) <= number <= Decimal(100):
            raise bad()
    elif value_type == ValueType.PERIOD:
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("length"), int)
            or value["length"] < 0
            or value.get("day_kind") not in DAY_KINDS
        ):
            raise bad()
    elif value_type == ValueType.MONTH_DAY:
        try:
            datetime.date.fromisoformat(f"2024-{value}")
        except (TypeError, ValueError):
            raise bad() from None
    elif value_type == ValueType.UNIT_KIND:
        if value not in UnitKind.values:
            raise bad()
    elif value_type == ValueType.BOOLEAN:
        if not isinstance(value, bool):
            raise bad()
    elif value_type == ValueType.LIST:
        if not isinstance(value, list):
            raise bad()
    elif value_type == ValueType.TEXT and not isinstance(value, str):
        raise bad()


@dataclass(frozen=True)
class RuleSet:
    """The rules of one regulation in force for a unit on a date."""

    regulation: str
    on: datetime.date
    rules: dict[str, Rule]
    version_ids: tuple[int, ...]

    def rule(self, key: str) -> Rule:
        """The rule itself (value, type, source, confirmed flag)."""
        try:
            return self.rules[key]
        except KeyError:
            raise RegulationNotFound(
                _("The regulation “%(code)s” in force on %(date)s has no rule “%(key)s”.")
                % {
                    "code": self.regulation,
                    "date": formats.date_format(self.on, "d/m/Y"),
                    "key": key,
                }
            ) from None

    def get(self, key: str) -> Any:
        """The raw value of ``key``."""
        return self.rule(key).value

    def integer(self, key: str) -> int:
        """A whole-number rule."""
        return int(self.get(key))

    def percent(self, key: str) -> Decimal:
        """A percentage rule as a Decimal (60 means 60 %)."""
        return Decimal(str(self.get(key)))

    def period(self, key: str) -> Period:
        """A period rule; count it with :func:`approvals.calendar.periods.period_end`."""
        value = self.get(key)
        return Period(length=int(value["length"]), day_kind=str(value["day_kind"]))

    def month_day(self, key: str, year: int) -> datetime.date:
        """A day-of-year rule placed in ``year``."""
        return datetime.date.fromisoformat(f"{year:04d}-{self.get(key)}")

    def unit_kind(self, key: str) -> str:
        """A deciding-level rule (a :class:`UnitKind` value)."""
        return str(self.get(key))

    def flag(self, key: str) -> bool:
        """A yes/no rule."""
        return bool(self.get(key))


def _jurisdiction_ids(unit: OrgUnit | None) -> list[int]:
    return unit.ancestor_ids if unit is not None else []


#: Rule sets read within the last ``APPROVALS_RULES_CACHE_SECONDS``, by regulation, day
#: and jurisdictions.
_IN_FORCE: dict[tuple[str, datetime.date, tuple[int, ...]], tuple[float, RuleSet]] = {}


def regulations_cache_clear(**_kwargs: Any) -> None:
    """Forget the rule sets this process remembers (on any change to a regulation)."""
    _IN_FORCE.clear()


def rules_in_force(code: str, *, on: datetime.date, unit: OrgUnit | None = None) -> RuleSet:
    """The rules of regulation ``code`` for ``unit`` on day ``on`` (two queries).

    For each jurisdiction (national, then the unit's ancestors from the top down) the
    latest version effective on ``on`` applies; a deeper jurisdiction overrides single
    rules of a higher one.

    With the setting ``APPROVALS_RULES_CACHE_SECONDS`` above 0 the answer is kept that long
    in this process, as the resolver keeps actions and their rules: a regulation, version
    or rule saved through Django clears it at once here, other processes see the change
    when their copy expires. The day is part of the key, so a version taking effect is
    picked up on its first day.
    """
    jurisdictions = _jurisdiction_ids(unit)
    ttl = float(getattr(settings, "APPROVALS_RULES_CACHE_SECONDS", 0) or 0)
    if ttl <= 0:
        return _rules_in_force(code, on, jurisdictions)
    key = (code, on, tuple(jurisdictions))
    cached = _IN_FORCE.get(key)
    if cached is not None and time.monotonic() - cached[0] < ttl:
        return cached[1]
    found = _rules_in_force(code, on, jurisdictions)
    _IN_FORCE[key] = (time.monotonic(), found)
    return found


def _rules_in_force(code: str, on: datetime.date, jurisdictions: list[int]) -> RuleSet:
    versions = list(
        RegulationVersion.objects.filter(regulation__code=code, effective_from__lte=on)
        .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction_id__in=jurisdictions))
        .select_related("jurisdiction")
        .order_by("-effective_from")
    )
    chosen: dict[int | None, RegulationVersion] = {}
    for version in versions:
        chosen.setdefault(version.jurisdiction_id, version)
    if None not in chosen:
        raise RegulationNotFound(
            _("No version of the regulation “%(code)s” is in force on %(date)s.")
            % {"code": code, "date": formats.date_format(on, "d/m/Y")}
        )
    order = [None, *jurisdictions]
    layered = [chosen[j] for j in order if j in chosen]
    rules: dict[str, Rule] = {}
    by_version: dict[int, list[Rule]] = {}
    for rule in Rule.objects.filter(version__in=layered):
        by_version.setdefault(rule.version_id, []).append(rule)
    for version in layered:
        for rule in by_version.get(version.pk, []):
            rules[rule.key] = rule
    return RuleSet(regulation=code, on=on, rules=rules, version_ids=tuple(v.pk for v in layered))


def rules_from_versions(
    code: str, version_ids: list[int] | tuple[int, ...], *, on: datetime.date
) -> RuleSet:
    """The rules of the given versions, layered in order: what a record started under."""
    versions = {v.pk: v for v in RegulationVersion.objects.filter(pk__in=version_ids)}
    if len(versions) != len(set(version_ids)):
        raise RegulationNotFound(
            _("A regulation version this record started under no longer exists.")
        )
    rules: dict[str, Rule] = {}
    by_version: dict[int, list[Rule]] = {}
    for rule in Rule.objects.filter(version_id__in=version_ids):
        by_version.setdefault(rule.version_id, []).append(rule)
    for version_id in version_ids:
        for rule in by_version.get(version_id, []):
            rules[rule.key] = rule
    return RuleSet(regulation=code, on=on, rules=rules, version_ids=tuple(version_ids))


def rule_value(code: str, key: str, *, on: datetime.date, unit: OrgUnit | None = None) -> Any:
    """The value of one rule in force (see :func:`rules_in_force`)."""
    return rules_in_force(code, on=on, unit=unit).get(key)


@dataclass(frozen=True)
class RuleSpec:
    """A rule to put into a new version."""

    key: str
    value: Any
    value_type: str
    confirmed: bool = True
    basis: str = ""
    description: str = ""
    informational: bool = False


@transaction.atomic
def regulation_version_create(
    *,
    regulation: Regulation,
    label: str,
    effective_from: datetime.date,
    legal_basis: str,
    rules: list[RuleSpec],
    user: Any,
    jurisdiction: OrgUnit | None = None,
    copy_previous: bool = True,
    notes: str = "",
) -> RegulationVersion:
    """Add a version; unless told otherwise it starts from the previous version's rules."""
    if not legal_basis.strip():
        raise ValidationFailed(_("A regulation version needs its legal basis."))
    if RegulationVersion.objects.filter(
        regulation=regulation, jurisdiction=jurisdiction, effective_from=effective_from
    ).exists():
        raise ValidationFailed(
            _("A version of “%(code)s” already takes effect on %(date)s.")
            % {"code": regulation.code, "date": formats.date_format(effective_from, "d/m/Y")}
        )
    merged: dict[str, RuleSpec] = {}
    if copy_previous:
        previous = (
            RegulationVersion.objects.filter(
                regulation=regulation, jurisdiction=jurisdiction, effective_from__lt=effective_from
            )
            .order_by("-effective_from")
            .first()
        )
        if previous is not None:
            for old in previous.rules.all():
                merged[old.key] = RuleSpec(
                    old.key,
                    old.value,
                    old.value_type,
                    old.confirmed,
                    old.basis,
                    old.description,
                    old.informational,
                )
    for spec in rules:
        merged[spec.key] = spec
    for spec in merged.values():
        _validate(spec.value_type, spec.value, spec.key)
    version = RegulationVersion.objects.create(
        regulation=regulation,
        label=label,
        effective_from=effective_from,
        jurisdiction=jurisdiction,
        legal_basis=legal_basis,
        notes=notes,
    )
    Rule.objects.bulk_create(
        Rule(
            version=version,
            key=spec.key,
            value=spec.value,
            value_type=spec.value_type,
            confirmed=spec.confirmed,
            basis=spec.basis,
            description=spec.description,
            informational=spec.informational,
        )
        for spec in merged.values()
    )
    regulations_cache_clear()  # bulk_create sends no post_save
    from approvals.audit.services import audit_record

    audit_record(
        actor=user,
        action="approvals_rules.version_create",
        subject=version,
        to_state="scheduled",
        comment=legal_basis,
        payload={
            "effective_from": effective_from.isoformat(),
            "rules": {key: spec.value for key, spec in sorted(merged.items())},
        },
    )
    return version


def validate_rule_value(*, value_type: str, value: Any, key: str) -> None:
    """Raise :class:`ValidationFailed` if ``value`` does not fit ``value_type``."""
    _validate(value_type, value, key)
