"""The API's views, one module per resource; what they all share is in ``base``."""

# Reads go through the scoped selectors, changes through the flow actions: every change goes
# through the same function a web page calls (the flow action where the process has a flow, so
# the viewflow tasks stay in step; the service otherwise). An object outside the user's scope
# answers 404 before anything else is looked at.

from __future__ import annotations

from workflows.api.views.auth import (
    AuthThrottle,
    InvalidCredentials,
    LoginView,
    LogoutView,
    MeView,
    TokenView,
)
from workflows.api.views.base import IDEMPOTENCY_HEADER, Localised, Scoped
from workflows.api.views.candidates import CandidateViewSet
from workflows.api.views.dashboard import DashboardView, RecognitionQuerySerializer, RecognitionView
from workflows.api.views.dossiers import DOCX, XLSX, DossierViewSet
from workflows.api.views.jobs import JobViewSet
from workflows.api.views.organisation import OrgUnitViewSet, PositionViewSet
from workflows.api.views.plans import (
    ConsultationViewSet,
    DispatchViewSet,
    PlanViewSet,
    ReportViewSet,
)
from workflows.api.views.registers import RegisterViewSet
from workflows.api.views.search import SearchView
from workflows.api.views.verification import VerifyViewSet

__all__ = [
    "DOCX",
    "IDEMPOTENCY_HEADER",
    "XLSX",
    "AuthThrottle",
    "CandidateViewSet",
    "ConsultationViewSet",
    "DashboardView",
    "DispatchViewSet",
    "DossierViewSet",
    "InvalidCredentials",
    "JobViewSet",
    "Localised",
    "LoginView",
    "LogoutView",
    "MeView",
    "OrgUnitViewSet",
    "PlanViewSet",
    "PositionViewSet",
    "RecognitionQuerySerializer",
    "RecognitionView",
    "RegisterViewSet",
    "ReportViewSet",
    "Scoped",
    "SearchView",
    "TokenView",
    "VerifyViewSet",
]
