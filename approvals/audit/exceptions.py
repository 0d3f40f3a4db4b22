"""Refusals specific to the audit trail (the shared ones live in approvals.exceptions)."""

from __future__ import annotations

from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ApprovalError


class AuditTransactionRequired(ApprovalError, TransactionManagementError):
    """An audit event was recorded outside a transaction.

    An event must commit together with the change it records, so the caller has to open
    the transaction (``transaction.atomic``). This is a programming error.
    """

    code = "audit_transaction_required"
    default_message = _(
        "An audit event must be recorded inside the transaction of the change it records "
        "(wrap the call in transaction.atomic())."
    )


__all__ = ["AuditTransactionRequired"]
