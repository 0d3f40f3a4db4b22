"""``/api/dashboard/``: figures for the user's scope and the share of recognised titles."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.api import serializers as s
from workflows.api.selectors import (
    NOMINATIONS_ACT_FOR_PARENT,
    plan_list_visible,
    report_list_visible,
    unit_list_visible,
)
from workflows.api.views.base import Scoped
from workflows.nominations.selectors import dossier_counts_by_step, recognition_share
from workflows.plans.models import PlanState


@extend_schema(tags=["dashboard"])
class DashboardView(Scoped, APIView):
    """Figures for the user's scope: dossiers waiting per step, plans per state, late reports."""

    @extend_schema(responses={200: s.DashboardSerializer})
    def get(self, request: Request) -> Response:
        day = timezone.localdate()
        plans = plan_list_visible(paths=self.paths())
        by_state = dict(
            plans.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
        )
        overdue = (
            report_list_visible(paths=self.paths())
            .filter(submitted_on__isnull=True, due_on__lt=day, plan__state=PlanState.IN_FORCE)
            .count()
        )
        data = {
            "day": day,
            "dossiers_by_step": [
                {
                    "title": c.title,
                    "title_label": c.title_label,
                    "state": c.state,
                    "state_label": c.state_label,
                    "level": c.level,
                    "level_label": c.level_label,
                    "count": c.count,
                    "overdue": c.overdue,
                }
                for c in dossier_counts_by_step(user=request.user, day=day)
            ],
            "plans_by_state": [
                {"state": state.value, "state_label": str(state.label), "count": by_state[state]}
                for state in PlanState
                if state in by_state
            ],
            "reports_overdue": overdue,
        }
        return Response(s.DashboardSerializer(data).data)


class RecognitionQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.ChoiceField(
        choices=[("cultural_family", "cultural_family"), ("cultural_village", "cultural_village")]
    )


@extend_schema(tags=["dashboard"])
class RecognitionView(Scoped, APIView):
    """Share of households (or villages) holding a title under a unit, against the target."""

    acts_for_parent = NOMINATIONS_ACT_FOR_PARENT

    @extend_schema(
        parameters=[RecognitionQuerySerializer], responses={200: s.RecognitionShareSerializer}
    )
    def get(self, request: Request) -> Response:
        query = RecognitionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = get_object_or_404(
            unit_list_visible(paths=self.paths()), pk=query.validated_data["unit"]
        )
        share = recognition_share(
            unit=unit, year=query.validated_data["year"], title=query.validated_data["title"]
        )
        return Response(s.RecognitionShareSerializer(share).data)
