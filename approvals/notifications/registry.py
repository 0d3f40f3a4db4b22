"""Processes tell the engine who holds the step a deadline is about.

The engine cannot import the processes, so each process registers, per subject type
(``"app_label.model"``, as deadlines name their object), a provider. A provider gets all
the running deadlines of its type found by a reminder pass at once and answers, for each
one whose step someone must act on, a :class:`StepHolding`. It must answer in a fixed
number of queries whatever the number of deadlines (load the objects in bulk, then
:func:`approvals.organisation.holders.step_holders_many`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime

    from approvals.calendar.models import Deadline
    from approvals.organisation.models import OrgUnit

__all__ = [
    "StepHolding",
    "StepProvider",
    "register_step_provider",
    "step_provider",
    "unregister_step_provider",
]


@dataclass(frozen=True)
class StepHolding:
    """Who must act on a deadline's step, where, and how to show the object.

    ``holder_ids`` are reminded before the step is due; the head of ``unit`` is alerted
    when it is overdue. ``step`` says in words what is waiting (already translated).
    """

    label: str
    url: str
    step: str
    unit: OrgUnit
    holder_ids: frozenset[int]


#: ``provider(deadlines, day) -> {deadline.pk: StepHolding}``; a deadline left out of the
#: answer is not reminded (its object is no longer at that step).
StepProvider = Callable[[Sequence["Deadline"], "datetime.date"], Mapping[int, StepHolding]]

_providers: dict[str, StepProvider] = {}


def register_step_provider(subject_type: str, provider: StepProvider) -> None:
    """Register (or replace) the provider of ``subject_type`` (``"app_label.model"``)."""
    _providers[subject_type] = provider


def unregister_step_provider(subject_type: str) -> None:
    """Forget the provider of ``subject_type`` (for tests and reconfiguration)."""
    _providers.pop(subject_type, None)


def step_provider(subject_type: str) -> StepProvider | None:
    """The provider registered for ``subject_type``, if any."""
    return _providers.get(subject_type)


def registered_types() -> list[str]:
    """The subject types that have a provider."""
    return sorted(_providers)
