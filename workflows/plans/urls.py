"""URLs of the plan pages."""

from __future__ import annotations

from django.urls import path

from workflows.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("received/", views.received, name="received"),
    path(
        "received/<int:dispatch_pk>/acknowledge/",
        views.dispatch_acknowledge_view,
        name="acknowledge",
    ),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit_view, name="edit"),
    path("<int:pk>/document.<str:fmt>", views.plan_document, name="document"),
    path("<int:pk>/attachments/", views.attachment_add, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="detach",
    ),
    path("<int:pk>/submit/", views.plan_submit_view, name="submit"),
    path("<int:pk>/approve/", views.plan_approve_view, name="approve"),
    path("<int:pk>/return/", views.plan_return_view, name="return"),
    path("<int:pk>/sign/", views.plan_sign_view, name="sign"),
    path("<int:pk>/issue/", views.plan_issue_view, name="issue"),
    path("<int:pk>/withdraw/", views.plan_withdraw_view, name="withdraw"),
    path(
        "<int:pk>/consultations/<int:consultation_pk>/answer/",
        views.consultation_answer_view,
        name="answer",
    ),
]
