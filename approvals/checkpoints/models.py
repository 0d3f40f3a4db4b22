"""A record of each checkpoint written: where its file is and the digest of its payload.

The record is a convenience (the admin lists it, the audit trail has an event for it); what
protects the trail is the file itself, outside the database, which verification reads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.audit.models import AppendOnlyModel, AppendOnlyQuerySet


class Checkpoint(AppendOnlyModel):
    """One signed checkpoint of every chain's head, written as ``<name>.json`` + ``.p7s``."""

    immutable_message = _("A checkpoint is never changed or deleted.")

    created_at = models.DateTimeField(_("time"))
    sequence = models.PositiveBigIntegerField(_("sequence"))
    name = models.CharField(
        _("file name"), max_length=100, unique=True, help_text=_("Without the extension.")
    )
    sha256 = models.CharField(_("payload SHA-256"), max_length=64)
    signature_sha256 = models.CharField(_("signature SHA-256"), max_length=64)
    chains = models.PositiveIntegerField(_("chains"))
    timestamped = models.BooleanField(_("timestamped (RFC 3161)"), default=False)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    published = models.JSONField(_("witnesses"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name
