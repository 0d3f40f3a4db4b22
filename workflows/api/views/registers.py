"""``/api/registers/``: the document registers of the agencies in the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from approvals.registers.models import Register
from workflows.api import serializers as s
from workflows.api.selectors import entry_list, register_list_visible
from workflows.api.views.base import Scoped


@extend_schema(tags=["registers"])
class RegisterViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Register]):
    """Document registers of the agencies in the user's scope."""

    serializer_class = s.RegisterSerializer
    filterset_fields = ["agency", "year"]

    def get_queryset(self) -> QuerySet[Register]:
        if self.fake():
            return Register.objects.none()
        return register_list_visible(paths=self.paths())

    @extend_schema(responses={200: s.RegisterEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_fields=[])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        """The register's entries in number order, voided ones included."""
        register = self.get_object()
        page = self.paginate_queryset(entry_list(register=register))
        return self.get_paginated_response(s.RegisterEntrySerializer(page, many=True).data)
