"""Dashboards read from a PostgreSQL read replica when the site has one.

Set ``DATABASE_REPLICA_URL`` (a streaming replica of ``DATABASE_URL``) and the site adds
the ``replica`` database, this router and its middleware. Only the views named in
``REPLICA_READ_VIEWS`` (the dashboards, their exports), on GET and HEAD, read there; every
other read and every write stays on the primary, so a service's locks and its
read-then-write checks never see a lagging copy. A dashboard may then be as old as the
replica's lag (usually under a second).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"

_reading: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    """Whether the site has a ``replica`` database."""
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads inside a dashboard request go to the replica; nothing is migrated there."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        """The replica while a dashboard request reads, else the default choice."""
        return REPLICA if _reading.get() and replica_configured() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        """Writes always go to the primary."""
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        """The replica holds the primary's rows: relations between them are fine."""
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        """The replica follows the primary; it is never migrated itself."""
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Marks GET and HEAD requests to ``REPLICA_READ_VIEWS`` as replica reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Serve the request; the mark ends with it."""
        try:
            return self.get_response(request)
        finally:
            token: Token[bool] | None = getattr(request, "_replica_reads", None)
            if token is not None:
                _reading.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        """Mark the request when its view is one of the dashboards."""
        match = request.resolver_match
        views = getattr(settings, "REPLICA_READ_VIEWS", ())
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.view_name in views
            and replica_configured()
        ):
            request._replica_reads = _reading.set(True)  # type: ignore[attr-defined]


def reading_from_replica() -> bool:
    """Whether the current request's reads go to the replica."""
    return _reading.get() and replica_configured()
