"""What the engine needs to know about an object it guards.

A process model implements ``approval_subject()``; the engine never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from approvals.organisation.models import OrgUnit


@dataclass(frozen=True)
class Subject:
    """The facts about an object that permissions and separation of duties depend on.

    ``unit`` owns the object. ``author_ids`` drafted it (they may not approve or sign it).
    ``beneficiary_user_ids`` and ``beneficiary_unit_ids`` gain from a decision on it (their
    own household, their own unit): they may not decide it.
    """

    unit: OrgUnit
    author_ids: frozenset[int] = field(default_factory=frozenset)
    beneficiary_user_ids: frozenset[int] = field(default_factory=frozenset)
    beneficiary_unit_ids: frozenset[int] = field(default_factory=frozenset)


@runtime_checkable
class ApprovalSubject(Protocol):
    """An object guarded by the engine."""

    def approval_subject(self) -> Subject:
        """Return the unit, authors and beneficiaries of this object."""
        ...
