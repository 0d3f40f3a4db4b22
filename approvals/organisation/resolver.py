"""The one permission resolver.

``decide(user, action, subject)`` answers "may this user take this action on this object,
owned by unit X, now?" from, in order: separation of duties (which no authority
overrides), a role held at X or above it (own, acting "Q." or deputy "KT."), a written
delegation ("TUQ."), and a one-off object grant (django-guardian). A refusal explains
itself in words; ``require`` raises it as a specific exception.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.exceptions import (
    ActionNotPermitted,
    DelegationExpired,
    SeparationOfDutiesViolation,
    UnitNotInExistence,
    ValidationFailed,
)
from approvals.organisation.existence import unit_absence_reason
from approvals.organisation.models import (
    Action,
    ActionRule,
    Capacity,
    Delegation,
    OrgUnit,
    Position,
)
from approvals.people import person_name
from approvals.subjects import ApprovalSubject, Subject

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class Basis:
    """What an authority rests on."""

    ROLE = "role"
    ACTING = "acting"
    DELEGATION = "delegation"
    GRANT = "grant"


@dataclass(frozen=True)
class Authority:
    """Why an action is allowed: the position, delegation or grant, and the capacity."""

    basis: str
    capacity: str
    position: Position | None = None
    delegation: Delegation | None = None
    description: str = ""

    @property
    def on_behalf_of_id(self) -> int | None:
        """The user whose authority is exercised, when it is not the actor's own."""
        if self.delegation is not None:
            return int(self.delegation.delegator_id)
        return None

    def signature_block(self, *, delegate_title: str = "") -> list[str]:
        """Lines above the signature, e.g. ``["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]``."""
        lines: list[str] = []
        position = self.delegation.delegator_position if self.delegation else self.position
        if position is None:
            return lines
        unit = position.unit
        role = position.role
        if unit.collective and self.capacity != Capacity.TL:
            lines.append(f"TM. {unit.collective_body_name.upper()}")
        if self.capacity == Capacity.KT and role.head_role is not None:
            lines.append(f"KT. {role.head_role.printed_title.upper()}")
            lines.append(position.printed_title.upper())
        elif self.capacity == Capacity.Q:
            lines.append(f"Q. {position.printed_title.upper()}")
        elif self.capacity == Capacity.TUQ:
            lines.append(f"TUQ. {position.printed_title.upper()}")
            if delegate_title:
                lines.append(delegate_title.upper())
        elif self.capacity == Capacity.TL:
            head = role.head_role.printed_title if role.head_role else ""
            if head:
                lines.append(f"TL. {head.upper()}")
            lines.append(position.printed_title.upper())
        else:
            lines.append(position.printed_title.upper())
        return lines


@dataclass(frozen=True)
class Decision:
    """The resolver's answer: allowed with an authority, or refused with a reason."""

    allowed: bool
    authority: Authority | None = None
    reason: str = ""
    error: type[ActionNotPermitted] = ActionNotPermitted

    def __bool__(self) -> bool:
        return self.allowed

    def raise_if_refused(self) -> Authority:
        """Return the authority, or raise the refusal as its specific exception."""
        if not self.allowed or self.authority is None:
            raise self.error(self.reason)
        return self.authority


def _today() -> datetime.date:
    return timezone.localdate()


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def user_label(user: Any) -> str:
    """A user's name in Vietnamese order (family name first), or the username; "" for none."""
    return person_name(user)


def _subject_of(obj: ApprovalSubject | Subject | None, unit: OrgUnit | None) -> Subject:
    if isinstance(obj, Subject):
        return obj
    if obj is not None:
        return obj.approval_subject()
    if unit is None:
        raise ValidationFailed(_("The resolver needs an object or a unit."))
    return Subject(unit=unit)


def _action(code: str) -> Action:
    try:
        return Action.objects.get(code=code)
    except Action.DoesNotExist:
        raise ValidationFailed(_("Unknown action “%(code)s”.") % {"code": code}) from None


#: Actions and their rules read within the last ``APPROVALS_RULES_CACHE_SECONDS``.
_RULES: dict[str, tuple[float, Action, list[ActionRule]]] = {}


def rules_cache_clear(**_kwargs: Any) -> None:
    """Forget the actions and rules this process remembers (on any change to them)."""
    _RULES.clear()


def _action_and_rules(code: str) -> tuple[Action, list[ActionRule]]:
    """The action and its rules (with their roles) in one query; two when it has no rule.

    With the setting ``APPROVALS_RULES_CACHE_SECONDS`` above 0 the answer is kept that
    long in this process (a change saved through Django clears it at once here; other
    processes see it when their copy expires). Positions, delegations and grants, who
    holds what, are always read fresh.
    """
    ttl = float(getattr(settings, "APPROVALS_RULES_CACHE_SECONDS", 0) or 0)
    if ttl > 0:
        cached = _RULES.get(code)
        if cached is not None and time.monotonic() - cached[0] < ttl:
            return cached[1], cached[2]
    rules = list(
        ActionRule.objects.filter(action__code=code).select_related(
            "action", "role", "role__head_role"
        )
    )
    action = rules[0].action if rules else _action(code)
    if ttl > 0:
        _RULES[code] = (time.monotonic(), action, rules)
    return action, rules


def rules_of_actions(codes: set[str]) -> dict[str, list[ActionRule]]:
    """The rules (with their actions and roles) of each action in ``codes``: one query for
    those not kept by :func:`_action_and_rules`'s cache, none when every one is kept.

    An action without any rule (or unknown) maps to an empty list and is not kept.
    """
    ttl = float(getattr(settings, "APPROVALS_RULES_CACHE_SECONDS", 0) or 0)
    found: dict[str, list[ActionRule]] = {}
    if ttl > 0:
        now = time.monotonic()
        for code in codes:
            cached = _RULES.get(code)
            if cached is not None and now - cached[0] < ttl:
                found[code] = cached[2]
    missing = codes - found.keys()
    if missing:
        fetched: dict[str, list[ActionRule]] = {code: [] for code in missing}
        for rule in ActionRule.objects.filter(action__code__in=missing).select_related(
            "action", "role", "role__head_role"
        ):
            fetched[rule.action.code].append(rule)
        if ttl > 0:
            now = time.monotonic()
            for code, rules in fetched.items():
                if rules:
                    _RULES[code] = (now, rules[0].action, rules)
        found.update(fetched)
    return found


#: Answers already given in the current :func:`decisions_reused` block.
_REUSED: ContextVar[dict[tuple[Any, ...], Decision] | None] = ContextVar(
    "approvals_reused_decisions", default=None
)


#: A user's positions in a set of roles, read once in the current :func:`decisions_reused`
#: block (a step that checks two actions of the same roles, e.g. issuing and numbering).
_HELD: ContextVar[dict[tuple[int, tuple[int, ...]], list[Position]] | None] = ContextVar(
    "approvals_reused_positions", default=None
)


@contextmanager
def decisions_reused() -> Iterator[None]:
    """Inside the block, asking the same question again gets the same answer, unasked.

    A step taken through a flow asks the resolver twice: the flow layer before it assigns
    the task, the service again before it changes anything, in the same transaction and
    under the same locks. Wrapped in this block (the flow layers do it around one step),
    the second ``decide``/``require`` for the same user, action, object, unit and day
    returns the first answer. Only questions about a saved object or a unit are
    remembered, and only until the block ends; so are the user's positions in a set of
    roles (one read for two actions of the same roles).
    """
    token = _REUSED.set({})
    held_token = _HELD.set({})
    try:
        yield
    finally:
        _HELD.reset(held_token)
        _REUSED.reset(token)


def _reuse_key(
    user: Any,
    action_code: str,
    obj: ApprovalSubject | Subject | None,
    unit: OrgUnit | None,
    day: datetime.date,
) -> tuple[Any, ...] | None:
    if isinstance(obj, Model):
        if obj.pk is None:
            return None
        what: tuple[Any, ...] = (obj._meta.label, obj.pk)
    elif obj is None:
        what = ()
    else:
        return None
    return (user.pk, action_code, what, unit.pk if unit is not None else None, day)


def _capacity(position: Position) -> tuple[str, str]:
    role = position.role
    if position.acting:
        return Capacity.Q, Basis.ACTING
    if role.is_head:
        return (Capacity.TM if position.unit.collective else Capacity.OWN), Basis.ROLE
    if role.head_role_id is not None and not role.signs_by_order:
        return Capacity.KT, Basis.ROLE
    if role.signs_by_order:
        return Capacity.TL, Basis.ROLE
    # a member signing for a collective body (e.g. a standing deputy head) signs "TM."
    return (Capacity.TM if position.unit.collective else Capacity.OWN), Basis.ROLE


#: Preference when several positions qualify: own head, then acting, then the rest.
_PREFERENCE: dict[str, int] = {
    Capacity.OWN: 0,
    Capacity.TM: 0,
    Capacity.Q: 1,
    Capacity.KT: 2,
    Capacity.TL: 3,
}


def _covering(positions: list[Position], rules: list[ActionRule], unit: OrgUnit) -> list[Position]:
    return [
        p for p in positions if any(r.role_id == p.role_id and r.covers(p, unit) for r in rules)
    ]


def _separation_of_duties(user: Any, action: Action, subject: Subject, day: datetime.date) -> str:
    if action.excludes_author and user.pk in subject.author_ids:
        return _(
            "%(user)s drafted this document and may not %(action)s it: the author of a "
            "document can never approve or sign it."
        ) % {"user": user_label(user), "action": action.name.lower()}
    if not action.excludes_beneficiary:
        return ""
    if user.pk in subject.beneficiary_user_ids:
        return _(
            "%(user)s benefits from this case (their own household or nomination) and may "
            "not take the action “%(action)s” on it."
        ) % {"user": user_label(user), "action": action.name}
    if subject.beneficiary_unit_ids:
        beneficiaries = OrgUnit.objects.filter(pk__in=subject.beneficiary_unit_ids)
        for position in Position.objects.active_on(day).filter(user=user).select_related("unit"):
            for unit in beneficiaries:
                if position.unit.is_within(unit):
                    return _(
                        "%(user)s works at %(unit)s, whose own case this is, and may not take "
                        "the action “%(action)s” on it."
                    ) % {"user": user_label(user), "unit": unit.name, "action": action.name}
    return ""


def decide(
    user: AnyUser,
    action_code: str,
    obj: ApprovalSubject | Subject | None = None,
    *,
    unit: OrgUnit | None = None,
    at: datetime.date | None = None,
) -> Decision:
    """May ``user`` take ``action_code`` on ``obj`` (owned by ``unit``) on day ``at``?"""
    day = at or _today()
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Decision(False, reason=_("You must be signed in with an active account."))
    reused = _REUSED.get()
    key = _reuse_key(user, action_code, obj, unit, day) if reused is not None else None
    if reused is not None and key is not None and key in reused:
        return reused[key]
    decision = _decide(user, action_code, obj, unit=unit, day=day)
    if reused is not None and key is not None:
        reused[key] = decision
    return decision


def _decide(
    user: Any,
    action_code: str,
    obj: ApprovalSubject | Subject | None,
    *,
    unit: OrgUnit | None,
    day: datetime.date,
) -> Decision:
    action, rules = _action_and_rules(action_code)
    subject = _subject_of(obj, unit)
    user_id: int = user.pk  # authenticated: never None
    target = unit or subject.unit

    absent = unit_absence_reason(target, day)
    if absent:
        return Decision(False, reason=absent, error=UnitNotInExistence)

    conflict = _separation_of_duties(user, action, subject, day)
    if conflict:
        return Decision(False, reason=conflict, error=SeparationOfDutiesViolation)

    held = _held_positions(user_id, rules)
    active = [p for p in held if p.is_active_on(day)]
    covering = _covering(active, rules, target)
    if covering:
        best = min(covering, key=lambda p: _PREFERENCE.get(_capacity(p)[0], 9))
        capacity, basis = _capacity(best)
        return Decision(
            True,
            Authority(
                basis=basis,
                capacity=capacity,
                position=best,
                description=f"{best.printed_title}, {best.unit.name}",
            ),
        )

    delegations = list(
        Delegation.objects.filter(delegate_id=user_id, actions=action).select_related(
            "delegator_position__unit",
            "delegator_position__role__head_role",
            "delegator",
        )
    )
    lapsed: list[Delegation] = []
    for delegation in delegations:
        position = delegation.delegator_position
        if not _covering([position], rules, target):
            continue
        in_term = delegation.valid_from <= day <= delegation.valid_to
        if delegation.revoked_at is None and in_term and position.is_active_on(day):
            return Decision(
                True,
                Authority(
                    basis=Basis.DELEGATION,
                    capacity=Capacity.TUQ,
                    position=position,
                    delegation=delegation,
                    description=delegation.instrument,
                ),
            )
        lapsed.append(delegation)

    if isinstance(obj, Model) and _has_grant(user, action, obj):
        return Decision(
            True,
            Authority(basis=Basis.GRANT, capacity=Capacity.OWN, description=_("object grant")),
        )

    return _refusal(user, action, target, day, held, rules, lapsed)


def _held_positions(user_id: int, rules: list[ActionRule]) -> list[Position]:
    """The user's positions in the roles of ``rules`` (any dates), oldest first, with units.

    Their roles (and head roles) are the rules' own, read with them (and remembered with
    them when the site caches rules). On PostgreSQL the query is written out from the
    models' fields rather than compiled by the ORM: it runs on every check, and compiling
    it took longer than running it.
    """
    roles = {rule.role_id: rule.role for rule in rules}
    if not roles:
        return []
    reused = _HELD.get()
    key = (user_id, tuple(sorted(roles)))
    if reused is not None and key in reused:
        held = reused[key]
    elif connection.vendor != "postgresql":
        held = list(
            Position.objects.filter(user_id=user_id, role_id__in=roles)
            .select_related("unit")
            .order_by("valid_from")
        )
    else:
        held = _held_positions_sql(user_id, sorted(roles))
    if reused is not None:
        reused[key] = held
    for position in held:
        position.role = roles[position.role_id]
    return held


_POSITIONS_SQL: dict[int, str] = {}


def _columns(model: type[Model], alias: str) -> str:
    return ", ".join(f"{alias}.{connection.ops.quote_name(str(f.column))}" for f in _fields(model))


def _fields(model: type[Model]) -> list[Any]:
    return list(model._meta.concrete_fields)


def _held_positions_sql(user_id: int, role_ids: list[int]) -> list[Position]:
    sql = _POSITIONS_SQL.get(len(role_ids))
    if sql is None:
        quote = connection.ops.quote_name

        def column(model: type[Model], name: str) -> str:
            return quote(str(getattr(model._meta.get_field(name), "column", name)))

        placeholders = ", ".join(["%s"] * len(role_ids))
        sql = (
            f"SELECT {_columns(Position, 'p')}, {_columns(OrgUnit, 'u')} "  # noqa: S608
            f"FROM {quote(Position._meta.db_table)} p "
            f"JOIN {quote(OrgUnit._meta.db_table)} u ON u.{column(OrgUnit, 'id')} "
            f"= p.{column(Position, 'unit')} "
            f"WHERE p.{column(Position, 'user')} = %s "
            f"AND p.{column(Position, 'role')} IN ({placeholders}) "
            f"ORDER BY p.{column(Position, 'valid_from')}"
        )
        _POSITIONS_SQL[len(role_ids)] = sql
    position_fields, unit_fields = _fields(Position), _fields(OrgUnit)
    split = len(position_fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, *role_ids])
        rows = cursor.fetchall()
    held = []
    for row in rows:
        position = Position.from_db(
            connection.alias,
            [f.attname for f in position_fields],
            _converted(position_fields, row[:split]),
        )
        position.unit = OrgUnit.from_db(
            connection.alias, [f.attname for f in unit_fields], _converted(unit_fields, row[split:])
        )
        held.append(position)
    return held


def _converted(fields: list[Any], values: tuple[Any, ...]) -> list[Any]:
    return [
        f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
        for f, v in zip(fields, values, strict=True)
    ]


def _has_grant(user: Any, action: Action, obj: Model) -> bool:
    from guardian.shortcuts import get_user_perms

    app_label, _sep, codename = action.code.partition(".")
    if app_label != obj._meta.app_label:
        return False
    return codename in set(get_user_perms(user, obj))


def _refusal(
    user: Any,
    action: Action,
    target: OrgUnit,
    day: datetime.date,
    held: list[Position],
    rules: list[ActionRule],
    lapsed: list[Delegation],
) -> Decision:
    who = user_label(user)
    if lapsed:
        # explain with the delegation whose term lies nearest to the day asked about
        delegation = min(
            lapsed,
            key=lambda d: abs((day - (d.valid_to if day > d.valid_to else d.valid_from)).days),
        )
        if delegation.revoked_at is not None:
            reason = _("The delegation “%(instrument)s” was revoked on %(date)s.") % {
                "instrument": delegation.instrument,
                "date": _fmt(timezone.localtime(delegation.revoked_at).date()),
            }
        elif day > delegation.valid_to:
            reason = _("The delegation “%(instrument)s” ended on %(date)s.") % {
                "instrument": delegation.instrument,
                "date": _fmt(delegation.valid_to),
            }
        elif day < delegation.valid_from:
            reason = _("The delegation “%(instrument)s” only starts on %(date)s.") % {
                "instrument": delegation.instrument,
                "date": _fmt(delegation.valid_from),
            }
        else:
            reason = _(
                "The delegation “%(instrument)s” rests on a position its author no longer holds."
            ) % {"instrument": delegation.instrument}
        return Decision(False, reason=reason, error=DelegationExpired)

    fitting = _covering(held, rules, target)
    if fitting:
        position = fitting[-1]
        return Decision(
            False,
            reason=_(
                "%(user)s held the position %(title)s at %(unit)s only from %(start)s to "
                "%(end)s; on %(date)s it gives no right to “%(action)s”."
            )
            % {
                "user": who,
                "title": position.printed_title,
                "unit": position.unit.name,
                "start": _fmt(position.valid_from),
                "end": _fmt(position.valid_to) if position.valid_to else "…",
                "date": _fmt(day),
                "action": action.name,
            },
        )
    active_elsewhere = [p for p in held if p.is_active_on(day)]
    if active_elsewhere:
        position = active_elsewhere[0]
        return Decision(
            False,
            reason=_(
                "%(user)s is %(title)s at %(unit)s, which is neither %(target)s nor a unit "
                "above it, so they may not take the action “%(action)s” here."
            )
            % {
                "user": who,
                "title": position.printed_title,
                "unit": position.unit.name,
                "target": target.name,
                "action": action.name,
            },
        )
    roles = sorted({r.role.name for r in rules})
    return Decision(
        False,
        reason=_(
            "%(user)s holds no role that may take the action “%(action)s” at %(target)s "
            "(roles allowed: %(roles)s)."
        )
        % {
            "user": who,
            "action": action.name,
            "target": target.name,
            "roles": ", ".join(roles) if roles else _("none configured"),
        },
    )


def require(
    user: AnyUser,
    action_code: str,
    obj: ApprovalSubject | Subject | None = None,
    *,
    unit: OrgUnit | None = None,
    at: datetime.date | None = None,
) -> Authority:
    """Return the user's authority for the action, or raise the specific refusal."""
    return decide(user, action_code, obj, unit=unit, at=at).raise_if_refused()


__all__ = [
    "Authority",
    "Basis",
    "Decision",
    "decide",
    "decisions_reused",
    "require",
    "rules_cache_clear",
    "rules_of_actions",
]
