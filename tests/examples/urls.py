"""The site's URLs plus the guide's example app, for the example's tests only."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from project.urls import urlpatterns as site_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("movement-reports/", include("examples.movement_report.urls")),
    *site_urlpatterns,
]
