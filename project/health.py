"""Probes for the reverse proxy and for monitoring.

- ``/healthz``: the process is alive and answers; ``200 ok``, touches nothing else.
- ``/readyz``: the site can serve: the database answers and has no pending migration, the
  cache answers, the broker answers (only when ``CELERY_BROKER_URL`` is set). A JSON body
  names each check with ``ok`` or what failed; ``200`` when all pass, ``503`` otherwise.

Both are answered by a middleware listed first, before the HTTPS redirect, the host check,
the sign-in and the two-step redirects: the proxy and the monitoring probe them over plain
http on loopback. The answers say nothing but ``ok`` or the failing check's error class.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
#: Seconds the broker check waits for a connection.
BROKER_TIMEOUT = 2.0
OK = "ok"


def check_database() -> str:
    """``ok`` when the database answers a query and every migration is applied."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return f"{len(pending)} pending migrations"
    return OK


def check_cache() -> str:
    """``ok`` when a value written to the cache reads back."""
    ping = getattr(cache, "ping", None)  # project.cache.TolerantRedisCache hides errors
    if ping is not None:
        ping()
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, OK, timeout=10)
    value = cache.get(key)
    cache.delete(key)
    return OK if value == OK else "a value written did not read back"


def check_broker() -> str:
    """``ok`` when the Celery broker accepts a connection (not checked without a broker)."""
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as connection:
        connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    return OK


def readiness() -> dict[str, str]:
    """Each check's result: ``ok`` or what went wrong."""
    checks: dict[str, Callable[[], str]] = {"database": check_database, "cache": check_cache}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure makes the site not ready
            logger.warning("readiness check %s failed: %r", name, error)
            results[name] = f"failed: {type(error).__name__}"
    return results


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive."""
    return HttpResponse(OK, content_type="text/plain; charset=utf-8")


def readyz(request: HttpRequest) -> JsonResponse:
    """The site's dependencies answer: 200 with every check ``ok``, else 503."""
    checks = readiness()
    failed = sorted(name for name, result in checks.items() if result != OK)
    body = {"status": "ready" if not failed else "not ready", "checks": checks, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)


class HealthMiddleware:
    """Answers GET or HEAD ``/healthz`` and ``/readyz`` before any other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in {"GET", "HEAD"}:
            path = request.path_info.rstrip("/")
            if path == HEALTH_PATH:
                return self._no_store(healthz(request))
            if path == READY_PATH:
                return self._no_store(readyz(request))
        return self.get_response(request)

    @staticmethod
    def _no_store(response: HttpResponse) -> HttpResponse:
        response["Cache-Control"] = "no-store"
        return response
