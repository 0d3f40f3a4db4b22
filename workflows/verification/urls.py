"""URLs of the verification page."""

from __future__ import annotations

from django.urls import path

from workflows.verification import views

app_name = "verification"

urlpatterns = [
    path("", views.verify, name="verify"),
]
