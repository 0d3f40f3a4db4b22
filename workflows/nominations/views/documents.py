"""The decision and the recognised list of a dossier, as downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workflows.nominations.exports import (
    decision_document,
    download_name,
    recognised_csv,
    recognised_xlsx,
)
from workflows.nominations.models import DossierState
from workflows.nominations.views.common import dossier_visible, download


@login_required
@require_GET
def decision_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The decision as PDF or DOCX (a draft with a blank number until it is numbered)."""
    dossier = dossier_visible(request, pk)
    if fmt not in ("pdf", "docx") or dossier.state not in (
        DossierState.DECISION,
        DossierState.DECIDED,
    ):
        raise Http404(_("No decision document here."))
    return download(decision_document(dossier, fmt), download_name(dossier, "quyet-dinh", fmt), fmt)


@login_required
@require_GET
def recognised_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The recognised list as XLSX or CSV, once the decision is numbered."""
    dossier = dossier_visible(request, pk)
    if fmt not in ("xlsx", "csv") or dossier.state != DossierState.DECIDED:
        raise Http404(_("No recognised list here."))
    data = recognised_xlsx(dossier) if fmt == "xlsx" else recognised_csv(dossier)
    return download(data, download_name(dossier, "danh-sach", fmt), fmt)


__all__ = ["decision_file", "recognised_file"]
