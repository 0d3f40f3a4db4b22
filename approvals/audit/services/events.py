"""What an audit event is about, and an event spec checked into an unsaved event."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _

from approvals.audit.hashing import normalise_json
from approvals.audit.models import AuditEvent
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import Capacity
from approvals.organisation.resolver import Authority, Basis, user_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class SubjectRef:
    """An object named by type and id, for writing events without loading the objects."""

    subject_type: str
    subject_id: str
    label: str = ""

    @classmethod
    def of(cls, obj: models.Model) -> SubjectRef:
        """The reference of a saved model instance (type from its ``_meta``, label ``str``)."""
        if obj.pk is None:
            raise ValidationFailed(_("An object must be saved before an event can refer to it."))
        meta = obj._meta
        return cls(f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj))


#: What an event can be about: a model instance, a reference, or a
#: ``(subject_type, subject_id[, label])`` tuple.
SubjectLike = models.Model | SubjectRef | tuple[str, str] | tuple[str, str, str]


@dataclass(frozen=True, kw_only=True)
class EventSpec:
    """One event to record with :func:`audit_record_many`."""

    action: str
    subject: SubjectLike
    actor: AbstractBaseUser | None = None
    from_state: str = ""
    to_state: str = ""
    comment: str = ""
    content_hash: str = ""
    authority: Authority | str | None = None
    payload: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class EventRun:
    """The events one bulk act wrote: ``count`` consecutive indexes of one chain."""

    chain: str
    first_index: int
    count: int

    def events(self) -> models.QuerySet[AuditEvent]:
        """The events written, in chain order."""
        return AuditEvent.objects.filter(
            chain__name=self.chain,
            index__gte=self.first_index,
            index__lt=self.first_index + self.count,
        ).order_by("index")


def _text(value: Any, *, name: str, max_length: int | None = None, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(_("“%(field)s” must be text.") % {"field": name})
    if "\x00" in value:
        raise ValidationFailed(_("“%(field)s” cannot contain the NUL character.") % {"field": name})
    if required and not value.strip():
        raise ValidationFailed(_("“%(field)s” is required.") % {"field": name})
    if max_length is not None and len(value) > max_length:
        raise ValidationFailed(
            _("“%(field)s” is longer than %(max)d characters.") % {"field": name, "max": max_length}
        )
    return value


def _label(value: str) -> str:
    return value.replace("\x00", "")[:255]


def _subject_ref(subject: Any) -> SubjectRef:
    if isinstance(subject, SubjectRef):
        ref = subject
    elif isinstance(subject, models.Model):
        ref = SubjectRef.of(subject)
    elif isinstance(subject, tuple) and len(subject) in (2, 3):
        ref = SubjectRef(*(str(part) for part in subject))
    else:
        raise ValidationFailed(
            _(
                "An audit event needs a saved object or a (type, id, label) reference, "
                "not %(value)r."
            )
            % {"value": subject}
        )
    subject_type = _text(ref.subject_type, name="subject_type", max_length=100, required=True)
    if "." not in subject_type:
        raise ValidationFailed(
            _("The object type must read “app_label.model”, not “%(value)s”.")
            % {"value": subject_type}
        )
    subject_id = _text(ref.subject_id, name="subject_id", max_length=64, required=True)
    return SubjectRef(subject_type, subject_id, _label(str(ref.label)))


def _content_hash(value: Any) -> str:
    digest = _text(value, name="content_hash").lower()
    if digest and not _SHA256.match(digest):
        raise ValidationFailed(
            _("“content_hash” must be a SHA-256 in 64 hexadecimal digits, not “%(value)s”.")
            % {"value": value}
        )
    return digest


def _authority_text(authority: Authority) -> str:
    parts = [authority.description]
    position = authority.position
    if authority.basis != Basis.DELEGATION and position is not None and position.basis:
        parts.append(position.basis)
    return "; ".join(part for part in parts if part)


def _event(spec: EventSpec) -> AuditEvent:
    """An unsaved event from ``spec``, checked; chain, index, time and hashes come later."""
    actor = spec.actor
    if actor is not None and getattr(actor, "pk", None) is None:
        raise ValidationFailed(
            _("The actor of an audit event must be a saved user (or None for the system).")
        )
    authority = spec.authority
    capacity, authority_text, on_behalf_of_id = "", "", None
    if isinstance(authority, Authority):
        capacity = authority.capacity
        authority_text = _authority_text(authority)
        on_behalf_of_id = authority.on_behalf_of_id
    elif authority is not None:
        authority_text = _text(authority, name="authority")
    if capacity and capacity not in Capacity.values:
        raise ValidationFailed(_("Unknown capacity “%(value)s”.") % {"value": capacity})
    if not isinstance(spec.payload, Mapping | None):
        raise ValidationFailed(_("The payload of an audit event must be a mapping."))
    payload = normalise_json(dict(spec.payload) if spec.payload is not None else {})
    ref = _subject_ref(spec.subject)
    return AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        actor_label=_label(user_label(actor)) if actor is not None else "",
        on_behalf_of_id=on_behalf_of_id,
        capacity=capacity,
        authority=authority_text,
        action=_text(spec.action, name="action", max_length=150, required=True),
        subject_type=ref.subject_type,
        subject_id=ref.subject_id,
        subject_label=ref.label,
        from_state=_text(spec.from_state, name="from_state", max_length=64),
        to_state=_text(spec.to_state, name="to_state", max_length=64),
        comment=_text(spec.comment, name="comment"),
        content_hash=_content_hash(spec.content_hash),
        payload=payload,
    )
