"""Machine-readable refusals: every error answers JSON ``{"code", "message", "fields"}``.

The engine's refusals (:mod:`approvals.exceptions`) keep their stable ``code`` and their
message for people; the HTTP status says what kind of refusal it is:

- 400 bad input (``ValidationFailed`` and its subclasses, a malformed request);
- 403 not permitted (``ActionNotPermitted``: no role, separation of duties, delegation over);
- 404 not visible (an object of another unit is answered as if it did not exist);
- 409 conflict: the object is in the wrong state, someone changed it first, or the
  revision the client looked at is no longer the current one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from viewflow.workflow.exceptions import FlowRuntimeError

from approvals.exceptions import (
    ActionNotPermitted,
    ApprovalError,
    AuditEventImmutable,
    ConcurrentUpdate,
    DeadlinePassed,
    InvalidTransition,
    RegisterClosed,
    RegisterEntryVoided,
    RegisterNotConfigured,
)
from approvals.jobs.exceptions import JobNotRetryable, JobQueueUnavailable
from approvals.registers.exceptions import RegisterEntryPermanent
from approvals.text import printable
from workflows.nominations.exceptions import CandidatesRefused

#: Engine refusals that are a conflict with the object's current state.
CONFLICTS: tuple[type[ApprovalError], ...] = (
    InvalidTransition,
    ConcurrentUpdate,
    DeadlinePassed,
    RegisterClosed,
    RegisterEntryVoided,
    RegisterNotConfigured,
    AuditEventImmutable,
    RegisterEntryPermanent,
    JobNotRetryable,
)


class IdempotencyKeyReused(exceptions.APIException):
    """The same idempotency key was sent again with another request."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(exceptions.APIException):
    """The first request with this idempotency key has not finished yet."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_in_progress"


def error_body(code: str, message: Any, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one shape of every refusal; it can always be encoded, whatever input it quotes."""
    return {"code": code, "message": printable(str(message)), "fields": _safe(fields or {})}


def _safe(value: Any) -> Any:
    """``value`` with every string in it printable (other values kept)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {_safe(k): _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def _approval_status(exc: ApprovalError) -> int:
    if isinstance(exc, ActionNotPermitted):
        return int(status.HTTP_403_FORBIDDEN)
    if isinstance(exc, JobQueueUnavailable):
        return int(status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, CONFLICTS):
        return int(status.HTTP_409_CONFLICT)
    return int(status.HTTP_400_BAD_REQUEST)


def _approval_fields(exc: ApprovalError) -> dict[str, Any]:
    if isinstance(exc, CandidatesRefused):
        return {
            "candidates": [
                {"candidate": p.candidate, "code": p.code, "message": p.message}
                for p in exc.problems
            ]
        }
    return {}


def _flatten(detail: Any) -> Any:
    """DRF's error details as plain strings (lists and dicts kept)."""
    if isinstance(detail, dict):
        return {printable(str(k)): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return printable(str(detail))


def _first_message(fields: Any) -> str:
    if isinstance(fields, dict):
        for key, value in fields.items():
            inner = _first_message(value)
            if inner:
                return inner if key == "non_field_errors" else f"{key}: {inner}"
    if isinstance(fields, list):
        for value in fields:
            inner = _first_message(value)
            if inner:
                return inner
    return str(fields) if isinstance(fields, str) else ""


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, for every refusal the API gives."""
    headers: dict[str, str] = {}
    if isinstance(exc, ApprovalError):
        return Response(
            error_body(exc.code, exc.message, _approval_fields(exc)),
            status=_approval_status(exc),
        )
    if isinstance(exc, FlowRuntimeError):
        return Response(
            error_body(
                "workflow_out_of_step",
                _("The object's state and its workflow disagree; nothing was changed."),
            ),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        message = _first_message(fields) or _("The request is not valid.")
        body = error_body("invalid", message, fields)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        body = error_body(str(code), _flatten(exc.detail), getattr(exc, "fields", None))
    return Response(body, status=exc.status_code, headers=headers)
