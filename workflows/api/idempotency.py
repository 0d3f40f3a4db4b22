"""Idempotent POSTs: a request repeated with the same ``Idempotency-Key`` by the same user
gets the response of the first one, and the action is not taken twice.

The key is claimed (a row with no response yet) before the action runs and the response is
stored after it; a server error releases the key so the client may try again. The same key
sent with another method, path or body is refused (422 ``idempotency_key_reused``); a repeat
that arrives while the first request is still running gets 409 ``idempotency_in_progress``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from workflows.api.errors import IdempotencyInProgress, IdempotencyKeyReused
from workflows.api.models import IdempotentRequest

HEADER = "Idempotency-Key"
#: Printable ASCII without spaces, 1 to 255 characters (a UUID fits).
KEY_PATTERN = r"^[!-~]{1,255}$"


class Replay(Exception):
    """The stored first response to send again."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        super().__init__(status)


def request_digest(request: Request) -> str:
    """SHA-256 over the method, the path with its query and the body bytes."""
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\n")
    digest.update(request.get_full_path().encode())
    digest.update(b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def claim(request: Request) -> IdempotentRequest | None:
    """Claim the request's key, or raise :class:`Replay` or a refusal; None without a key."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not re.fullmatch(KEY_PATTERN, key):
        raise exceptions.ValidationError(
            {
                HEADER: [
                    _(
                        "The idempotency key must have 1 to 255 printable ASCII characters, "
                        "without spaces."
                    )
                ]
            }
        )
    digest = request_digest(request)
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                user=request.user,
                key=key,
                method=str(request.method),
                path=request.path[:500],
                request_sha256=digest,
            )
    except IntegrityError:
        pass
    first = IdempotentRequest.objects.get(user=request.user, key=key)
    if (first.method, first.path, first.request_sha256) != (
        request.method,
        request.path[:500],
        digest,
    ):
        raise IdempotencyKeyReused(
            _(
                "This idempotency key was already used for another request; use a new key "
                "for a new request."
            )
        )
    if first.status is None:
        raise IdempotencyInProgress(
            _("The first request with this idempotency key is still being handled.")
        )
    raise Replay(first.status, first.body)


def store(claimed: IdempotentRequest, response: Response) -> None:
    """Keep the first response (a server error releases the key instead)."""
    if response.status_code >= 500:
        IdempotentRequest.objects.filter(pk=claimed.pk).delete()
        return
    body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    IdempotentRequest.objects.filter(pk=claimed.pk).update(status=response.status_code, body=body)


def release(claimed: IdempotentRequest) -> None:
    """Forget a claim whose request failed unexpectedly."""
    IdempotentRequest.objects.filter(pk=claimed.pk).delete()


class IdempotentMixin:
    """For API views: honour ``Idempotency-Key`` on POST."""

    _claimed: IdempotentRequest | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._claimed = claim(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Replay):
            return Response(exc.body, status=exc.status, headers={"Idempotent-Replayed": "true"})
        try:
            response: Response = super().handle_exception(exc)  # type: ignore[misc]
        except Exception:
            if self._claimed is not None:
                release(self._claimed)
                self._claimed = None
            raise
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if self._claimed is not None and isinstance(response, Response):
            store(self._claimed, response)
            self._claimed = None
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
