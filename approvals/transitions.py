"""One way to change the state of a guarded object: check, transition, save, audit.

``transition_perform`` runs in one transaction: it refuses a wrong state
(:class:`InvalidTransition`) apart from a missing right (:class:`ActionNotPermitted` and
its subclasses, from the resolver), saves with django-fsm-2's optimistic check
(:class:`ConcurrentUpdate` when someone else moved the state first) and writes one
audit event with the actor, authority, states, comment and content hash.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from approvals.exceptions import ConcurrentUpdate, InvalidTransition, ValidationFailed
from approvals.organisation.resolver import Authority, require
from approvals.steps import service_atomic

if TYPE_CHECKING:
    from django.db.models import Model

    from approvals.organisation.models import OrgUnit


def _state_field(method: Any) -> str:
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValidationFailed(_("“%(name)s” is not a state transition.") % {"name": method})
    return str(meta.field if isinstance(meta.field, str) else meta.field.name)


def _action_label(code: str) -> str:
    """The name of the action ``code`` in the active language (what a user reads)."""
    from approvals.organisation.models import Action

    found = Action.objects.filter(code=code).values_list("name", "name_en").first()
    if found is None:
        return _("this action")
    name, name_en = found
    english = (translation.get_language() or "").startswith("en")
    return str(name_en if english and name_en else name)


def _state_label(obj: Model, field: str, state: str) -> str:
    """The label of ``state`` from the state field's choices (the code if it has none)."""
    choices = dict(type(obj)._meta.get_field(field).flatchoices)  # type: ignore[union-attr]
    return str(choices.get(state, state))


def transition_perform(
    *,
    obj: Model,
    transition: str,
    user: Any,
    action: str,
    comment: str = "",
    require_comment: bool = False,
    unit: OrgUnit | None = None,
    at: datetime.date | None = None,
    payload: dict[str, Any] | None = None,
    authority: Authority | None = None,
    content_hash: str = "",
    **kwargs: Any,
) -> Authority:
    """Take ``action`` on ``obj`` by calling its FSM ``transition``; return the authority used.

    A caller that already resolved the same action on the same object and unit in this
    transaction passes its ``authority`` so the resolver is not asked twice.
    """
    from approvals.audit.services import audit_record

    method = getattr(obj, transition)
    field = _state_field(method)
    before = getattr(obj, field)
    from_state = str(before)
    if require_comment and not comment.strip():
        raise ValidationFailed(_("A comment is required for this action."))
    if not can_proceed(method):
        raise InvalidTransition(
            _("“%(action)s” is not possible while the object is in state “%(state)s”.")
            % {"action": _action_label(action), "state": _state_label(obj, field, from_state)}
        )
    try:
        with service_atomic():
            if authority is None:
                authority = require(user, action, obj, unit=unit, at=at)  # type: ignore[arg-type]
            try:
                method(**kwargs)
            except TransitionNotAllowed as exc:
                raise InvalidTransition(str(exc)) from exc
            try:
                obj.save()
            except ConcurrentTransition as exc:
                raise ConcurrentUpdate from exc
            if not content_hash and hasattr(obj, "content_hash"):
                content_hash = obj.content_hash()
            audit_record(
                actor=user,
                action=action,
                subject=obj,
                from_state=from_state,
                to_state=str(getattr(obj, field)),
                comment=comment.strip(),
                content_hash=content_hash,
                authority=authority,
                payload=payload,
            )
    except Exception:
        # The database rolled back; bring the in-memory state back with it.
        if obj.pk is not None and str(getattr(obj, field)) != from_state:
            if transaction.get_connection().needs_rollback:
                # joined to a step's transaction (approvals.steps), which the error rolls
                # back as a whole: nothing can be read now, the state goes back as it was
                obj.__dict__[getattr(type(obj)._meta.get_field(field), "attname", field)] = before
            else:
                obj.refresh_from_db(fields=[field])
        raise
    return authority
