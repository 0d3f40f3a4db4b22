"""The rate limit of verification, shared by the page and the API.

Validating signatures costs the server real work, and the page is open to anonymous
visitors: each address (each user, once signed in) may check ``VERIFY_THROTTLE_RATE``
documents (``"10/minute"`` style). The counters live in Django's cache, as the login's do.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class VerifyThrottle(SimpleRateThrottle):
    """Counts verifications per user, or per address for anonymous visitors."""

    scope = "verify"

    def get_rate(self) -> str | None:
        # Read the setting at each request, not once at import as DRF's rates are.
        return str(settings.VERIFY_THROTTLE_RATE) or None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = self.get_ident(request)
        return f"throttle_{self.scope}_{ident}"

    def timer(self) -> float:
        return time.time()


def allowed(request: Any) -> tuple[bool, int]:
    """Count this request; whether it may go on, and else the seconds to wait."""
    throttle = VerifyThrottle()
    if throttle.allow_request(request, None):
        return True, 0
    return False, max(1, int(throttle.wait() or 1))
