"""One log line per request on the ``project.requests`` logger (INFO).

``GET /plans/ 200 12.3ms user=42`` as text; with ``LOG_FORMAT=json`` the same fields as
``method``, ``path``, ``status``, ``duration_ms`` and ``user`` (``-`` when anonymous). The
query string is left out (it may carry a search for a person's name). Static files
(WhiteNoise) and the probes (project/health.py) are answered before this middleware.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger("project.requests")


def user_label(request: HttpRequest) -> str:
    """The signed-in user's id, or ``-``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "-"
    return str(user.pk)


class RequestLogMiddleware:
    """Times each request and logs its method, path, status, duration and user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            duration = round((time.perf_counter() - started) * 1000, 1)
            user = user_label(request)
            logger.info(
                "%s %s %s %.1fms user=%s",
                request.method,
                request.path,
                response.status_code,
                duration,
                user,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration,
                    "user": user,
                },
            )
        return response
