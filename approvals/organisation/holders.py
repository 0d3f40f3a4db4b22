"""Who holds a step, and who heads a unit, for many objects at once.

The resolver answers for one user; reminders need the other direction: which users may
take an action at a unit on a day. These functions answer it for a batch of steps in a
fixed number of queries, with the same action rules the resolver applies: positions, and
written delegations ("TUQ.") in force from a position that holds the step. One-off object
grants are not counted (they name one object, not a step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from approvals.organisation.models import Delegation, Position
from approvals.organisation.resolver import rules_of_actions

if TYPE_CHECKING:
    import datetime
    from collections.abc import Sequence

    from approvals.organisation.models import OrgUnit

__all__ = ["StepQuery", "step_holders_many", "unit_heads_many"]


@dataclass(frozen=True)
class StepQuery:
    """The users who may take ``action`` at ``unit``; ``exclude`` never count (e.g. authors)."""

    action: str
    unit: OrgUnit
    exclude: frozenset[int] = field(default_factory=frozenset)


def _distance(position: Position, unit: OrgUnit) -> int:
    """Levels between the unit and a position above it; 0 at it or just below (an office)."""
    return max(0, unit.depth - position.unit.depth)


def step_holders_many(queries: Sequence[StepQuery], *, on: datetime.date) -> list[frozenset[int]]:
    """For each query, the ids of the users whose positions on ``on`` allow the action.

    When positions at several levels qualify (a rule reaching "the unit or above"), only
    the nearest level holds the step: the division head, not every director above (an
    office acting for its agency, just below it, counts as the agency's level). A delegate
    whose written delegation of the action, in force on ``on``, comes from one of those
    positions holds the step too. The author is left out where the action excludes
    authors. Three queries for the whole batch, two when the action rules are kept
    (``APPROVALS_RULES_CACHE_SECONDS``).
    """
    if not queries:
        return []
    codes = {q.action for q in queries}
    # The resolver's rules, kept per process like its own (APPROVALS_RULES_CACHE_SECONDS).
    by_action = rules_of_actions(codes)
    rules = [rule for action_rules in by_action.values() for rule in action_rules]
    ancestor_ids = {pk for q in queries for pk in q.unit.ancestor_ids}
    target_ids = {q.unit.pk for q in queries}
    positions = list(
        Position.objects.active_on(on)
        .filter(role_id__in={r.role_id for r in rules})
        .filter(Q(unit_id__in=ancestor_ids) | Q(unit__parent_id__in=target_ids))
        .select_related("unit")
        .order_by("pk")
    )
    delegates: dict[tuple[int, str], set[int]] = {}
    rows = (
        Delegation.objects.in_force_on(on)
        .filter(delegator_position_id__in=[p.pk for p in positions], actions__code__in=codes)
        .values_list("delegator_position_id", "actions__code", "delegate_id")
    )
    for position_id, code, delegate_id in rows:
        delegates.setdefault((position_id, code), set()).add(delegate_id)
    answers: list[frozenset[int]] = []
    for query in queries:
        action_rules = by_action.get(query.action, [])
        excludes_author = any(r.action.excludes_author for r in action_rules)
        covering = [
            p
            for p in positions
            if any(r.role_id == p.role_id and r.covers(p, query.unit) for r in action_rules)
            and not (excludes_author and p.user_id in query.exclude)
        ]
        if not covering:
            answers.append(frozenset())
            continue
        nearest = min(_distance(p, query.unit) for p in covering)
        holding = [p for p in covering if _distance(p, query.unit) == nearest]
        users = {p.user_id for p in holding}
        for p in holding:
            users |= delegates.get((p.pk, query.action), set())
        if excludes_author:
            users -= query.exclude
        answers.append(frozenset(users))
    return answers


def unit_heads_many(
    units: Sequence[OrgUnit],
    *,
    on: datetime.date,
    exclude: Sequence[frozenset[int]] | None = None,
) -> list[tuple[int | None, frozenset[int]]]:
    """For each unit, the id of the unit whose head(s) answer for it and their user ids.

    Acting heads count as heads.

    A unit without a head, or whose only heads are in the matching ``exclude`` set (the
    people who hold the late step themselves), passes up to its parent, and so on to the
    root. One query for the whole batch.
    """
    if not units:
        return []
    ancestor_ids = {pk for unit in units for pk in unit.ancestor_ids}
    heads: dict[int, set[int]] = {}
    rows = (
        Position.objects.active_on(on)
        .filter(unit_id__in=ancestor_ids, role__is_head=True)
        .values_list("unit_id", "user_id")
    )
    for unit_id, user_id in rows:
        heads.setdefault(unit_id, set()).add(user_id)
    answers: list[tuple[int | None, frozenset[int]]] = []
    for index, unit in enumerate(units):
        excluded = exclude[index] if exclude is not None else frozenset()
        found: tuple[int | None, frozenset[int]] = (None, frozenset())
        for unit_id in reversed(unit.ancestor_ids):
            chosen = frozenset(heads.get(unit_id, set()) - excluded)
            if chosen:
                found = (unit_id, chosen)
                break
        answers.append(found)
    return answers
