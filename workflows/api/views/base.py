"""What every API view shares: the request's language, the user's scope, idempotent POSTs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from approvals.audit.labels import event_labels
from workflows.api.idempotency import KEY_PATTERN, IdempotentMixin
from workflows.api.selectors import ACTS_FOR_PARENT, scope_paths
from workflows.api.serializers.audit import AuditEventSerializer

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a POST with the same key to get the first response, not a second action.",
)


class Localised:
    """Answer in the request's language (``Accept-Language``; the site's cookie first).

    The site's unprefixed URLs are in the default language, so ``/api/`` activates its own.
    """

    _language: str = ""
    _previous_language: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._previous_language = translation.get_language()
        self._language = translation.get_language_from_request(request._request, check_path=False)
        translation.activate(self._language)
        request._request.LANGUAGE_CODE = self._language
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if self._language:
            response.headers["Content-Language"] = self._language
            if self._previous_language:  # the thread's language as it was before the request
                translation.activate(self._previous_language)
        return response


class Scoped(Localised, IdempotentMixin):
    """The user's scope (path prefixes of the units they may read), once per request."""

    request: Request
    _paths: list[str] | None = None
    #: Units whose positions also cover the unit above (see :mod:`workflows.api.selectors`).
    acts_for_parent: tuple[str, ...] = ACTS_FOR_PARENT

    def paths(self) -> list[str]:
        if self._paths is None:
            self._paths = scope_paths(
                user=self.request.user,
                day=timezone.localdate(),
                acts_for_parent=self.acts_for_parent,
            )
        return self._paths

    def fake(self) -> bool:
        """Schema generation calls views without a real user."""
        return bool(getattr(self, "swagger_fake_view", False))


def validated(
    serializer_class: type[serializers.Serializer[Any]], request: Request, **ctx: Any
) -> Any:
    """The request's body checked by ``serializer_class``; a 400 naming the fields if not."""
    serializer = serializer_class(data=request.data, context={"request": request, **ctx})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def audit_page(view: Any, queryset: QuerySet[Any]) -> Response:
    """One page of an audit trail, as the view's paginator cuts it."""
    serializer_class = AuditEventSerializer
    page = list(view.paginate_queryset(queryset) or [])
    labels = dict(zip([e.pk for e in page], event_labels(page), strict=True))
    serializer = serializer_class(page, many=True, context={"action_labels": labels})
    return view.get_paginated_response(serializer.data)
