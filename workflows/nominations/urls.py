"""URLs of the nomination pages (included at ``nominations/``)."""

from __future__ import annotations

from django.urls import path

from workflows.nominations import views

app_name = "nominations"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("new/", views.dossier_new, name="new"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("<int:pk>/register/", views.register_all, name="register"),
    path("<int:pk>/households/", views.households_upload, name="households"),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/posting/", views.posting, name="posting"),
    path("<int:pk>/objection/", views.objection, name="objection"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/appraise/", views.appraise, name="appraise"),
    path("<int:pk>/council/", views.council, name="council"),
    path("<int:pk>/decide/", views.decide_dossier, name="decide"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/paper-decision/", views.paper_decision, name="paper_decision"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/decision.<str:fmt>", views.decision_file, name="decision_file"),
    path("<int:pk>/list.<str:fmt>", views.recognised_file, name="list_file"),
]
