"""Background jobs as the API shows them (what a client polls while a job runs)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.jobs.models import Job, JobStatus


class JobSerializer(serializers.ModelSerializer[Job]):
    """One job: its status and progress, and once ended its result or error."""

    status = serializers.ChoiceField(choices=JobStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True, min_value=0, max_value=100)
    summary = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    subject_url = serializers.CharField(source="url", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "label",
            "status",
            "status_label",
            "percent",
            "progress_done",
            "progress_total",
            "summary",
            "result",
            "result_name",
            "download_url",
            "error",
            "attempts",
            "started_by",
            "unit",
            "subject_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_summary(self, job: Job) -> str:
        summary = job.result.get("summary", "") if isinstance(job.result, dict) else ""
        return str(summary)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_result(self, job: Job) -> dict[str, Any]:
        return job.result if isinstance(job.result, dict) else {}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job: Job) -> str | None:
        if job.status != JobStatus.DONE or not job.result_file:
            return None
        return reverse("jobs:download", args=[job.pk])
