"""``/api/``: the REST API, its OpenAPI schema and its documentation pages."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from workflows.api import views
from workflows.api.csrf import CsrfTokenView

app_name = "api"

router = DefaultRouter()
router.register("units", views.OrgUnitViewSet, basename="unit")
router.register("positions", views.PositionViewSet, basename="position")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("dispatches", views.DispatchViewSet, basename="dispatch")
router.register("reports", views.ReportViewSet, basename="report")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("candidates", views.CandidateViewSet, basename="candidate")
router.register("registers", views.RegisterViewSet, basename="register")
router.register("verify", views.VerifyViewSet, basename="verify")
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/csrf/", CsrfTokenView.as_view(), name="csrf"),
    path("auth/login/", views.LoginView.as_view(), name="login"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/me/", views.MeView.as_view(), name="me"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/recognition/", views.RecognitionView.as_view(), name="recognition"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="swagger"),
    path("", include(router.urls)),
]
