"""URLs of the background jobs (included by the site under ``jobs/``)."""

from __future__ import annotations

from django.urls import path

from approvals.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/retry/", views.job_retry_view, name="retry"),
    path("<int:pk>/download/", views.job_download, name="download"),
]
