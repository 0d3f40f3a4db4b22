"""The append-only, hash-chained audit trail and signatures over exact content.

Rows are written only by :mod:`approvals.audit.services`. Once written they are never
changed or deleted through Django: the model and its queryset refuse it, and the admin
shows them read-only. A change made behind Django's back (raw SQL) breaks the hash chain,
and ``chain_verify`` names the event where it happened.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.audit.hashing import GENESIS_HASH
from approvals.exceptions import AuditEventImmutable
from approvals.organisation.models import Capacity, Delegation, Position


class AuditChain(models.Model):
    """The head of one hash chain: its last index and hash, read under a row lock.

    Appending locks this row, so concurrent writers queue and indexes stay gap-free. The
    head also lets verification notice that the end of the chain was cut off.

    ``partition`` is fixed when the chain is created: for a chain of a unit (``unit-<id>``,
    see ``chain_for``) the id of that unit's root, the province; 0 for the main chain and
    any other. Every event copies it, so the events can be partitioned by province
    (``AuditEvent.partition``) and a province's reads can name their partition.
    """

    name = models.SlugField(_("name"), max_length=64, unique=True)
    partition = models.BigIntegerField(
        _("partition"),
        default=0,
        db_default=0,
        editable=False,
        help_text=_(
            "The id of the root unit (the province) of the chain's unit; 0 for the main chain."
        ),
    )
    last_index = models.BigIntegerField(_("last index"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        constraints = [
            models.CheckConstraint(condition=Q(last_index__gte=0), name="auditchain_index_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


def _refusal(model: type[models.Model]) -> AuditEventImmutable:
    message = getattr(model, "immutable_message", None)
    return AuditEventImmutable(message)


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """A queryset that can read and insert, but never update or delete."""

    def update(self, **kwargs: Any) -> NoReturn:
        """Refuse: rows of this table are never changed."""
        raise _refusal(self.model)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        """Refuse before any transaction is opened: rows of this table are never changed."""
        raise _refusal(self.model)

    def delete(self) -> NoReturn:
        """Refuse: rows of this table are never deleted."""
        raise _refusal(self.model)


class AppendOnlyModel(models.Model):
    """A model whose rows can be inserted once and never changed or deleted."""

    #: The refusal shown when someone tries to change or delete a row.
    immutable_message: ClassVar[Any] = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new row; refuse to save a row that already exists."""
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise _refusal(type(self))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: rows of this table are never deleted."""
        raise _refusal(type(self))


class AuditEventQuerySet(AppendOnlyQuerySet):
    """Filters over audit events (read-only)."""

    def for_subject(self, subject_type: str, subject_id: str) -> AuditEventQuerySet:
        """Events about one object, oldest first."""
        return self.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by(
            "created_at", "index"
        )

    def in_chain(self, name: str) -> AuditEventQuerySet:
        """Events of the chain ``name`` in chain order."""
        return self.filter(chain__name=name).order_by("index")


class AuditEvent(AppendOnlyModel):
    """One act on one object, chained to the previous event by hash.

    ``actor`` is empty for system events; ``actor_label`` keeps the name shown at the
    time. ``on_behalf_of`` is the user whose authority was exercised (a delegator), and
    ``capacity``/``authority`` say what the act rested on.
    """

    chain = models.ForeignKey(
        AuditChain, verbose_name=_("chain"), on_delete=models.PROTECT, related_name="events"
    )
    index = models.BigIntegerField(_("index"), help_text=_("Position in the chain, from 1."))
    partition = models.BigIntegerField(
        _("partition"),
        default=0,
        db_default=0,
        editable=False,
        help_text=_("The chain's partition (its root unit, 0 for the main chain); not hashed."),
    )
    created_at = models.DateTimeField(_("created at"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for events recorded by the system."),
    )
    actor_label = models.CharField(_("actor name"), max_length=255, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.CharField(_("capacity"), max_length=8, choices=Capacity.choices, blank=True)
    authority = models.TextField(_("authority"), blank=True, help_text=_("What the act rests on."))
    action = models.CharField(_("action"), max_length=150)
    subject_type = models.CharField(
        _("object type"), max_length=100, help_text=_("app_label.model")
    )
    subject_id = models.CharField(_("object id"), max_length=64)
    subject_label = models.CharField(_("object"), max_length=255, blank=True)
    from_state = models.CharField(_("from state"), max_length=64, blank=True)
    to_state = models.CharField(_("to state"), max_length=64, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    content_hash = models.CharField(
        _("content SHA-256"),
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the object's revision the act applies to."),
    )
    payload = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["chain", "index"], name="auditevent_chain_index_uniq"),
            models.CheckConstraint(condition=Q(index__gte=1), name="auditevent_index_gte_1"),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="auditevent_subject_idx"),
            models.Index(fields=["created_at"], name="auditevent_created_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.action} {self.subject_label or self.subject_id}"


class SignatureQuerySet(AppendOnlyQuerySet):
    """Filters over signatures (read-only)."""

    def for_subject(self, subject_type: str, subject_id: str) -> SignatureQuerySet:
        """Signatures on one object, oldest first."""
        return self.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by(
            "signed_at", "pk"
        )


class Signature(AppendOnlyModel):
    """A signing of one exact revision of an object, in a capacity, on an authority.

    ``content_sha256`` fixes the signed bytes; ``signature_block`` holds the printed lines
    above the signature (e.g. "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"). The same facts are stored
    in the payload of ``audit_event``, so an edit of this row shows up on verification.
    """

    immutable_message = _("Signatures can only be added; they cannot be changed or deleted.")

    subject_type = models.CharField(_("object type"), max_length=100)
    subject_id = models.CharField(_("object id"), max_length=64)
    revision = models.CharField(_("revision"), max_length=64, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.CharField(_("capacity"), max_length=8, choices=Capacity.choices)
    signature_block = models.TextField(
        _("signature block"), blank=True, help_text=_("Printed lines above the signature.")
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority = models.TextField(_("authority"), blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    audit_event = models.OneToOneField(
        AuditEvent,
        verbose_name=_("audit event"),
        on_delete=models.PROTECT,
        related_name="signature",
    )

    objects: ClassVar[SignatureQuerySet] = SignatureQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="signature_subject_idx"),
        ]

    def __str__(self) -> str:
        block = " / ".join(self.signature_lines)
        return f"{block} — {self.subject_type} #{self.subject_id}"

    @property
    def signature_lines(self) -> list[str]:
        """The printed lines above the signature."""
        return self.signature_block.splitlines()


__all__ = ["AuditChain", "AuditEvent", "AuditEventQuerySet", "Signature", "SignatureQuerySet"]
