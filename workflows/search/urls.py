"""URLs of the search pages (included at ``search/``)."""

from __future__ import annotations

from django.urls import path

from workflows.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="results"),
    path("export.xlsx", views.search_export, name="export"),
]
