"""``/api/jobs/``: the user's background jobs, their progress, and a failed one started again."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from approvals.jobs.models import Job
from approvals.jobs.selectors import jobs_visible
from approvals.jobs.services import job_retry
from workflows.api import serializers as s
from workflows.api.views.base import IDEMPOTENCY_HEADER, Scoped


@extend_schema(tags=["jobs"])
@extend_schema_view(
    list=extend_schema(
        description="The user's background jobs, newest first; filter by `status` and `kind`."
    ),
    retrieve=extend_schema(
        description=(
            "One job, to poll while it runs: `status`, `percent`, `progress_done` of "
            "`progress_total` rows; once ended its `summary`, `result` and `download_url`, "
            "or its `error`."
        )
    ),
)
class JobViewSet(Scoped, viewsets.ReadOnlyModelViewSet[Job]):
    """The jobs the user started (every job for a superuser), newest first; another user's
    job answers 404."""

    serializer_class = s.JobSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self) -> QuerySet[Job]:
        if self.fake():
            return Job.objects.none()
        return jobs_visible(self.request.user)

    @extend_schema(
        request=None,
        responses={
            202: s.JobSerializer,
            503: OpenApiResponse(s.ErrorSerializer, description="The queue is unavailable"),
        },
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"], filterset_fields=[])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Start a failed job again with the same parameters (409 ``job_not_retryable`` when it
        has not failed; 503 ``job_queue_unavailable`` when the queue does not answer)."""
        job = job_retry(job=self.get_object(), user=request.user)
        job = self.get_queryset().get(pk=job.pk)
        return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
