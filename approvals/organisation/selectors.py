"""Reads of the organisation that depend on the user: where may they act, on a given day.

The resolver (:mod:`approvals.organisation.resolver`) answers for one object; lists (inboxes,
dashboards, API pages) need the same answer for many objects at once, as a filter. The scope
computed here is that filter: the units where the user's positions, or the positions
delegated to them, satisfy the action's rules. It is a superset check only in one respect:
separation of duties depends on each object, so the resolver still decides when the user acts.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, F, Lookup, Q, Value

from approvals.organisation.memo import current_memo, remembered
from approvals.organisation.models import ActionRule, Delegation, OrgUnit, Position, Reach


def in_subtree(unit_field: str, path: str) -> Q:
    """Objects whose unit, reached through ``unit_field``, lies in the subtree at ``path``.

    On PostgreSQL, ``<unit>_id = ANY(ARRAY(SELECT id FROM units WHERE path LIKE 'path%'))``:
    the subtree's few units are read first and the objects found through the foreign key's
    index (a join on the path made PostgreSQL hash the units and read every object; 48 ms
    against 1 ms over 150,000 plans). Elsewhere, the join on the path.
    """
    if connection.vendor != "postgresql":
        return Q(**{f"{unit_field}__path__startswith": path})
    from django.contrib.postgres.expressions import ArraySubquery

    units = OrgUnit.objects.filter(path__startswith=path).values("pk")
    return Q(AnyOf(F(f"{unit_field}_id"), ArraySubquery(units)))


class AnyOf(Lookup):
    """``lhs = ANY(rhs)``, ``rhs`` an array (PostgreSQL): a subquery's, or a list of values
    sent as one parameter instead of one placeholder each."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def one_of(field_name: str, values: list[int]) -> Q:
    """``field_name`` is one of ``values`` (integers): ``IN (…)`` elsewhere; on PostgreSQL
    ``= ANY(%s)`` with the list as one array parameter (psycopg spent ~20 ms reading a query
    of a thousand placeholders)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field_name}__in": values})
    from django.contrib.postgres.fields import ArrayField

    array = Value(values, output_field=ArrayField(BigIntegerField()))
    return Q(AnyOf(F(field_name), array))


@dataclass(frozen=True)
class ActionScope:
    """The units where one action may be taken: single units and whole subtrees."""

    unit_ids: frozenset[int] = field(default_factory=frozenset)
    subtree_paths: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.unit_ids or self.subtree_paths)

    def _filter(self, prefix: str) -> Q:
        condition = Q(**{f"{prefix}pk__in": sorted(self.unit_ids)})
        for path in sorted(self.subtree_paths):
            condition |= Q(**{f"{prefix}path__startswith": path})
        return condition

    def q(self, unit_field: str) -> Q:
        """A filter on objects whose unit, reached through ``unit_field``, is in scope."""
        return self._filter(f"{unit_field}__")

    def arms(self, unit_field: str) -> list[Q]:
        """:meth:`q` as the filters it is any of, each alone answered by an index (tested
        row by row under an OR, ``in_subtree``'s array would be searched whole for each)."""
        return [Q(**{f"{unit_field}__pk__in": sorted(self.unit_ids)})] + [
            in_subtree(unit_field, path) for path in sorted(self.subtree_paths)
        ]

    def units_q(self) -> Q:
        """A filter on ``OrgUnit`` rows in scope."""
        return self._filter("")

    def covers(self, unit: Any) -> bool:
        """Whether a unit (with its ``path``) is in scope."""
        return unit.pk in self.unit_ids or any(unit.path.startswith(p) for p in self.subtree_paths)

    def union(self, other: ActionScope) -> ActionScope:
        return ActionScope(self.unit_ids | other.unit_ids, self.subtree_paths | other.subtree_paths)


def _reach(reach: str, holder_unit_kind: str, unit: Any) -> ActionScope:
    """Where a position at ``unit`` may act under a rule of this reach and holder unit kind
    (the inverse of ``ActionRule.covers``)."""
    if holder_unit_kind and unit.kind != holder_unit_kind:
        return ActionScope()
    if reach == Reach.SAME_UNIT:
        return ActionScope(unit_ids=frozenset({unit.pk}))
    if reach == Reach.HOLDER_PARENT:
        if unit.parent_id is None:
            return ActionScope()
        return ActionScope(unit_ids=frozenset({unit.parent_id}))
    return ActionScope(subtree_paths=frozenset({unit.path}))


#: (action code, role, reach, holder unit kind)
RuleRow = tuple[str, int, str, str]
#: (the only action code it is for, or None for a held position; role; unit)
HeldRow = tuple[str | None, int, int]
#: Every action rule, read within the last ``APPROVALS_RULES_CACHE_SECONDS`` (a few hundred
#: rows of regulations data).
_SCOPE_RULES: list[tuple[float, list[RuleRow]]] = []


def scope_rules_clear(**_kwargs: Any) -> None:
    """Forget the rules this process remembers for scopes (on any change to them)."""
    _SCOPE_RULES.clear()


def _rules_for(codes: list[str]) -> list[RuleRow]:
    """The rules of these action codes: one query, or none while the process's copy is
    fresh (the setting ``APPROVALS_RULES_CACHE_SECONDS``, as for the resolver)."""
    ttl = float(getattr(settings, "APPROVALS_RULES_CACHE_SECONDS", 0) or 0)
    columns = ("action__code", "role_id", "reach", "holder_unit_kind")
    if ttl <= 0:
        return list(ActionRule.objects.filter(action__code__in=codes).values_list(*columns))
    if not _SCOPE_RULES or time.monotonic() - _SCOPE_RULES[0][0] >= ttl:
        every = list(ActionRule.objects.values_list(*columns))
        _SCOPE_RULES[:] = [(time.monotonic(), every)]
    wanted = set(codes)
    return [row for row in _SCOPE_RULES[0][1] if row[0] in wanted]


def _delegations_q(day: datetime.date) -> Q:
    """Delegations in force on ``day`` whose delegator still holds the delegated position."""
    return Q(delegator_position__valid_from__lte=day) & (
        Q(delegator_position__valid_to__isnull=True) | Q(delegator_position__valid_to__gte=day)
    )


def _holdings(
    user_id: int, day: datetime.date, *, role_ids: set[int] | None, codes: list[str] | None
) -> tuple[list[HeldRow], dict[int, Any]]:
    """What ``user_id`` holds on ``day`` (positions, then delegated positions per action)
    and their units, in two or three queries; narrowed to roles and codes when given."""
    positions = Position.objects.active_on(day).filter(user_id=user_id).select_related("unit")
    if role_ids is not None:
        positions = positions.filter(role_id__in=role_ids)
    delegations = (
        Delegation.objects.in_force_on(day).filter(delegate_id=user_id).filter(_delegations_q(day))
    )
    if codes is not None:
        delegations = delegations.filter(actions__code__in=codes)
    else:
        delegations = delegations.filter(actions__isnull=False)
    delegated = list(
        delegations.values_list(
            "actions__code", "delegator_position__role_id", "delegator_position__unit"
        )
    )
    held = list(positions)
    units = {p.unit_id: p.unit for p in held}
    missing = {unit_id for _c, _r, unit_id in delegated} - set(units)
    if missing:
        units.update({u.pk: u for u in OrgUnit.objects.filter(pk__in=missing)})
    rows: list[HeldRow] = [(None, p.role_id, p.unit_id) for p in held]
    rows += [(code, role_id, unit_id) for code, role_id, unit_id in delegated]
    return rows, units


def _all_holdings(user_id: int, day: datetime.date) -> tuple[list[HeldRow], dict[int, Any]]:
    """Everything ``user_id`` holds on ``day``, read once per request."""
    return remembered(
        ("holdings", user_id, day), lambda: _holdings(user_id, day, role_ids=None, codes=None)
    )


def held_units(*, user: Any, day: datetime.date) -> list[OrgUnit]:
    """The units where ``user`` holds a position on ``day`` (one query, none again within a
    request), each once, in path order."""
    if current_memo() is None:
        positions = Position.objects.active_on(day).filter(user_id=user.pk).select_related("unit")
        units = {p.unit_id: p.unit for p in positions}
    else:
        held, known = _all_holdings(user.pk, day)
        units = {unit_id: known[unit_id] for only_code, _role, unit_id in held if only_code is None}
    return sorted(units.values(), key=lambda unit: unit.path)


def action_scopes(
    *, user: Any, action_codes: Iterable[str], day: datetime.date
) -> dict[str, ActionScope]:
    """For each action code, where ``user`` may take it on ``day`` (four queries at most).

    Positions held on the day count, and so do the positions of delegations (TUQ.) in force
    on the day for that action. Unknown codes and anonymous users get an empty scope.
    Inside a request (:mod:`approvals.organisation.memo`) the user's holdings on the day
    are read once and every later call for other codes is answered from them.
    """
    codes = list(dict.fromkeys(action_codes))
    scopes: dict[str, ActionScope] = {code: ActionScope() for code in codes}
    if not codes or not getattr(user, "is_authenticated", False) or not user.is_active:
        return scopes
    rules = _rules_for(codes)
    if not rules:
        return scopes
    if current_memo() is None:
        held, units = _holdings(user.pk, day, role_ids={row[1] for row in rules}, codes=codes)
    else:
        held, units = _all_holdings(user.pk, day)
    for code, role_id, reach, kind in rules:
        for only_code, held_role, unit_id in held:
            if held_role != role_id or (only_code is not None and only_code != code):
                continue
            scopes[code] = scopes[code].union(_reach(reach, kind, units[unit_id]))
    return scopes


def action_holders(*, action_code: str, unit: OrgUnit, day: datetime.date) -> list[Position]:
    """The positions that may take ``action_code`` on an object of ``unit`` on ``day`` (two
    queries): who holds the step now, for "where is it and who has it" and for reminders.

    Delegations are not listed (the delegator's position is, and it covers them).
    """
    rules = list(
        ActionRule.objects.filter(action__code=action_code).values_list(
            "role_id", "reach", "holder_unit_kind"
        )
    )
    condition = Q(pk__in=[])
    for role_id, reach, kind in rules:
        if reach == Reach.SAME_UNIT:
            where = Q(unit_id=unit.pk)
        elif reach == Reach.HOLDER_PARENT:
            where = Q(unit__parent_id=unit.pk)
        else:
            where = Q(unit_id__in=unit.ancestor_ids)
        if kind:
            where &= Q(unit__kind=kind)
        condition |= Q(role_id=role_id) & where
    return list(
        Position.objects.active_on(day)
        .filter(condition)
        .select_related("user", "unit", "role")
        .order_by("-unit__depth", "role__name", "user__last_name")
    )


def holds_actions(
    *,
    user: Any,
    day: datetime.date,
    kinds: Iterable[str] = (),
    codes: Iterable[str] = (),
) -> bool:
    """Whether ``user`` may, on ``day``, take any action of these kinds or codes somewhere.

    A position whose role has a rule for such an action counts, and so does a delegation in
    force on the day for one (two queries at most). Where the action may be taken is not
    looked at: this answers "is this an account that signs or numbers", not "here".
    """
    kinds, codes = list(kinds), list(codes)
    if not (kinds or codes) or not getattr(user, "is_authenticated", False):
        return False
    matching = Q(action__kind__in=kinds) | Q(action__code__in=codes)
    roles = ActionRule.objects.filter(matching).values("role_id")
    if Position.objects.active_on(day).filter(user_id=user.pk, role_id__in=roles).exists():
        return True
    return (
        Delegation.objects.in_force_on(day)
        .filter(delegate_id=user.pk)
        .filter(Q(actions__kind__in=kinds) | Q(actions__code__in=codes))
        .exists()
    )


#: The action of the unit administrator role: administering the data of a unit's subtree.
ADMINISTER_ACTION = "approvals_org.administer"


def administered_scope(*, user: Any, day: datetime.date) -> ActionScope:
    """The units ``user`` administers on ``day`` (empty for anyone without such a position).

    Superusers are not special here: the admin treats them apart (they see everything).
    """
    return action_scopes(user=user, action_codes=[ADMINISTER_ACTION], day=day)[ADMINISTER_ACTION]


def users_in_scope_q(scope: ActionScope, day: datetime.date, *, prefix: str = "") -> Q:
    """A filter on users holding, on ``day``, a position at a unit in ``scope``."""
    held = Position.objects.active_on(day).filter(scope.q("unit")).values("user_id")
    return Q(**{f"{prefix}pk__in": held})
