"""Seeding a regulation from a data migration, with the historical models the migration gets.

A data migration that brings a new regulation calls :func:`regulation_seed` in its forward
step and :func:`regulation_unseed` in its backward step, so every such migration creates the
regulation, its one national version and its rules the same way (and does nothing when the
regulation already has a version, e.g. when tests replay the data migrations).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

#: One rule: key, value, value type, confirmed by the legal text, source, description.
RuleRow = tuple[str, Any, str, bool, str, str]


def regulation_seed(
    apps: Any,
    *,
    code: str,
    name: str,
    name_en: str,
    label: str,
    effective_from: datetime.date,
    legal_basis: str,
    rules: Iterable[RuleRow],
) -> None:
    """Create the regulation ``code`` with one national version holding ``rules``."""
    Regulation = apps.get_model("approvals_rules", "Regulation")
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    regulation, _ = Regulation.objects.get_or_create(
        code=code, defaults={"name": name, "name_en": name_en}
    )
    if regulation.versions.exists():
        return
    version = RegulationVersion.objects.create(
        regulation=regulation, label=label, effective_from=effective_from, legal_basis=legal_basis
    )
    Rule.objects.bulk_create(
        Rule(
            version=version,
            key=key,
            value=value,
            value_type=value_type,
            confirmed=confirmed,
            basis=basis,
            description=description,
        )
        for key, value, value_type, confirmed, basis, description in rules
    )


def regulation_unseed(apps: Any, code: str) -> None:
    """Remove the regulation ``code``, its versions and their rules."""
    Regulation = apps.get_model("approvals_rules", "Regulation")
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    RegulationVersion.objects.filter(regulation__code=code).delete()
    Regulation.objects.filter(code=code).delete()


__all__ = ["RuleRow", "regulation_seed", "regulation_unseed"]
