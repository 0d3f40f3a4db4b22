"""``/api/units/`` and ``/api/positions/``: the organisation inside the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from approvals.organisation.models import OrgUnit, Position
from workflows.api import serializers as s
from workflows.api.selectors import position_list_visible, unit_list_visible
from workflows.api.views.base import Scoped


class OrgUnitViewSet(Scoped, viewsets.ReadOnlyModelViewSet[OrgUnit]):
    """Organisation units inside the user's scope."""

    serializer_class = s.OrgUnitSerializer
    filterset_fields = ["kind", "parent"]

    def get_queryset(self) -> QuerySet[OrgUnit]:
        if self.fake():
            return OrgUnit.objects.none()
        return unit_list_visible(paths=self.paths())


class PositionViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Position]):
    """Positions held at units inside the user's scope."""

    serializer_class = s.PositionSerializer
    filterset_fields = ["unit", "user"]

    def get_queryset(self) -> QuerySet[Position]:
        if self.fake():
            return Position.objects.none()
        return position_list_visible(paths=self.paths())
