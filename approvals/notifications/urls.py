"""URLs of the notification list (included by the site under ``notifications/``)."""

from __future__ import annotations

from django.urls import path

from approvals.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_read, name="read"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("preferences/", views.notification_preferences, name="preferences"),
]
