"""A Content-Security-Policy header on every answer of the site.

The pages load nothing from elsewhere: scripts, styles, fonts and images come from the site's
own static files (the API's Swagger UI included, from drf-spectacular-sidecar), so the
policy allows only ``'self'``. Inline ``style="…"`` attributes (the dashboard's bars) are the
one exception (``style-src-attr``); inline ``<script>`` and ``<style>`` elements are not
allowed. ``CONTENT_SECURITY_POLICY`` replaces the policy; an empty value sends none.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def policy() -> str:
    """The policy in force: the setting's, or the default."""
    return str(getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY))


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every answer that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        value = policy()
        if value and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = value
        return response
