"""Refusals of the checkpoints."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ApprovalError


class CheckpointKeyMissing(ApprovalError):
    """No organisation seal is registered to sign checkpoints with."""

    code = "checkpoint_key_missing"
    default_message: Any = _(
        "No organisation seal is registered to sign audit checkpoints: register the seal of "
        "the unit named by APPROVALS_CHECKPOINT_UNIT (or of the root unit)."
    )


class CheckpointNotWritten(ApprovalError):
    """The checkpoint's file could not be written."""

    code = "checkpoint_not_written"
    default_message: Any = _("The checkpoint could not be written.")
