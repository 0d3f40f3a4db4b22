"""The OpenAPI schema: every operation documents the refusals it can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse

from workflows.api.serializers import ErrorSerializer

#: Refusals every authenticated operation can give (401 without credentials, 429 when
#: throttled), and those only a change can give.
READ_ERRORS = ("400", "401", "403", "404", "429")
WRITE_ERRORS = (*READ_ERRORS, "409", "422")


class AutoSchema(BaseAutoSchema):
    """drf-spectacular's schema with the error bodies of :mod:`workflows.api.errors`."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD", "OPTIONS") else WRITE_ERRORS
        for code in codes:
            if code not in bodies:
                bodies[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description="Refusal"),
                    code,
                    direction=direction,
                )
        return bodies
