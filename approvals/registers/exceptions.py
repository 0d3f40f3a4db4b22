"""Refusals specific to registers, beyond those shared in :mod:`approvals.exceptions`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ApprovalError


class RegisterEntryPermanent(ApprovalError):
    """Register entries are never deleted: a spoiled number is voided instead."""

    code = "register_entry_permanent"
    default_message = _(
        "Entries in a document register are never deleted; void the number instead."
    )


__all__ = ["RegisterEntryPermanent"]
