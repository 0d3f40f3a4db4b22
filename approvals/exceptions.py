"""Every refusal of the engine is one of these, with a specific code and a clear message.

Messages are written for the person who tried the action (Vietnamese first through
gettext). ``code`` is stable and machine-readable, for the API and for tests.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApprovalError(Exception):
    """Base of every refusal; nothing has been changed when it is raised."""

    code = "approval_error"
    default_message: Any = _("The action was refused.")

    def __init__(self, message: Any = None, **params: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.params = params
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class ActionNotPermitted(ApprovalError):
    """The user may not take this action on this object now; the message says why."""

    code = "not_permitted"
    default_message = _("You are not permitted to take this action.")


class SeparationOfDutiesViolation(ActionNotPermitted):
    """The user would approve, sign or decide on their own work or their own benefit."""

    code = "separation_of_duties"


class DelegationExpired(ActionNotPermitted):
    """The only authority the user had was a delegation that has ended."""

    code = "delegation_expired"


class UnitNotInExistence(ActionNotPermitted):
    """The unit the action is taken for does not exist on the action's day (dissolved or
    merged away in a reorganisation, or not yet created): it signs, numbers, opens
    registers and decides nothing; the message names its end date and its successor."""

    code = "unit_dissolved"


class DelegationInvalid(ApprovalError):
    """A delegation that the law does not allow (re-delegation, no authority, bad dates)."""

    code = "delegation_invalid"


class InvalidTransition(ApprovalError):
    """The object is not in a state from which this action can be taken."""

    code = "wrong_state"
    default_message = _("This action is not possible in the object's current state.")


class ConcurrentUpdate(ApprovalError):
    """Someone else changed the object first; reload and try again."""

    code = "conflict"
    default_message = _("Someone else has just changed this object. Reload it and try again.")


class ValidationFailed(ApprovalError):
    """Input that cannot be accepted (the message names the field and the problem)."""

    code = "invalid"


class RegisterNotConfigured(ApprovalError):
    """No register is configured for this agency and document kind."""

    code = "register_not_configured"


class RegisterClosed(ApprovalError):
    """The register is closed; no number can be issued from it."""

    code = "register_closed"


class RegisterEntryVoided(ApprovalError):
    """The number was already voided."""

    code = "register_entry_voided"


class InvalidSymbol(ApprovalError):
    """A document number and symbol that does not follow Decree 30/2020."""

    code = "invalid_symbol"


class DeadlinePassed(ApprovalError):
    """The deadline for this action has passed."""

    code = "deadline_passed"


class RegulationNotFound(ApprovalError):
    """No regulation version (or no rule of that name) is in force on the date asked."""

    code = "regulation_not_found"


class AuditEventImmutable(ApprovalError):
    """Audit events can only be appended, never changed or deleted."""

    code = "audit_immutable"
    default_message = _("Audit events can only be added; they cannot be changed or deleted.")
