"""Processes tell the engine which of a unit's cases are pending, and move them.

The engine knows no process: each app registers a provider in its ``AppConfig.ready``;
:func:`approvals.handover.services.handover_perform` calls every provider for each
dissolved unit, inside the reorganisation's transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from approvals.organisation.models import OrgUnit


@dataclass(frozen=True)
class HandedCase:
    """A case a provider moved: what the hand-over list shows of it."""

    kind: str
    title: str
    state: str
    subject_type: str
    subject_id: str
    url: str = ""


@dataclass
class HandoverContext:
    """What a provider needs: the dissolved unit's own units, where each goes, who acts."""

    predecessor: OrgUnit
    successor: OrgUnit
    effective_from: datetime.date
    user: Any
    #: Ids of the units whose cases this hand-over takes (the predecessor's subtree, less
    #: other predecessors of the same reorganisation within it).
    unit_ids: frozenset[int]
    _targets: dict[int, OrgUnit] = field(default_factory=dict)

    def target(self, unit: OrgUnit) -> OrgUnit:
        """Where a case of ``unit`` goes: its successor copy in the new tree, if any, else
        the successor named in the reorganisation; a unit not closed stays."""
        if unit.pk not in self.unit_ids and not unit.successors.exists():
            return unit
        if unit.pk not in self._targets:
            copy = (
                unit.successors.active_on(self.effective_from).order_by("pk").first()
                if unit.pk != self.predecessor.pk
                else None
            )
            self._targets[unit.pk] = copy or self.successor
        return self._targets[unit.pk]


Provider = Callable[[HandoverContext], list[HandedCase]]

_PROVIDERS: dict[str, Provider] = {}


def pending_cases_register(name: str, provider: Provider) -> None:
    """Register (or replace) the provider ``name``; call it from ``AppConfig.ready``."""
    _PROVIDERS[name] = provider


def providers() -> list[tuple[str, Provider]]:
    """The registered providers, in a stable order."""
    return sorted(_PROVIDERS.items())
