"""URLs of the report pages and of the REST endpoint (include under any prefix)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from examples.movement_report import api, views

app_name = "movement_report"

router = SimpleRouter()
router.register("reports", api.ReportViewSet, basename="api-report")

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/step/", views.report_step_view, name="step"),
    path("api/", include(router.urls)),
]
