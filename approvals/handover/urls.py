"""URLs of the hand-over lists (included by the site under ``handovers/``)."""

from __future__ import annotations

from django.urls import path

from approvals.handover import views

app_name = "handover"

urlpatterns = [
    path("", views.handover_list, name="list"),
    path("<int:pk>/", views.handover_detail, name="detail"),
]
