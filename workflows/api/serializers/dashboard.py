"""The dashboard's figures and the share of recognised titles."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class StepCountSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    title_label = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    count = serializers.IntegerField()
    overdue = serializers.IntegerField()


class PlanStateCountSerializer(serializers.Serializer[Any]):
    state = serializers.CharField()
    state_label = serializers.CharField()
    count = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    dossiers_by_step = StepCountSerializer(many=True)
    plans_by_state = PlanStateCountSerializer(many=True)
    reports_overdue = serializers.IntegerField()


class ShareRowSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    total = serializers.IntegerField()
    recognised = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class RecognitionShareSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    year = serializers.IntegerField()
    title = serializers.CharField()
    target = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rows = ShareRowSerializer(many=True)
    overall = ShareRowSerializer()
