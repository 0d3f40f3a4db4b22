"""Entering a recognition decision issued on paper (nhập quyết định đã ban hành trên giấy)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from approvals.exceptions import ActionNotPermitted, ApprovalError
from approvals.organisation.models import ActionRule, Position
from approvals.organisation.resolver import decide
from workflows.nominations import flow_actions, services
from workflows.nominations.flows import dossier_stage
from workflows.nominations.forms import PaperDecisionForm
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.views.common import (
    check_fresh,
    detail_url,
    dossier_visible,
    error_status,
)


def signer_positions(dossier: Dossier) -> QuerySet[Position]:
    """Positions at the deciding unit, past ones included, whose role may sign a decision."""
    roles = ActionRule.objects.filter(action__code=services.DECIDE).values("role_id")
    positions: QuerySet[Position] = (
        Position.objects.filter(unit=dossier.deciding_unit, role_id__in=roles)
        .select_related("user", "unit", "role")
        .order_by("-valid_from", "pk")
    )
    return positions


def _refusal(request: HttpRequest, dossier: Dossier) -> ApprovalError | None:
    """Why the page cannot record a paper decision now, if it cannot."""
    if dossier.state != DossierState.DECISION or dossier.signature_id is not None:
        return ActionNotPermitted(_("This dossier does not wait for its decision now."))
    decision = decide(request.user, services.PAPER_DECISION, dossier, unit=dossier.deciding_unit)
    return None if decision.allowed else ActionNotPermitted(decision.reason)


@login_required
def paper_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The records clerk enters the decision signed on paper, with its scan."""
    dossier = dossier_visible(request, pk)
    form = PaperDecisionForm(
        request.POST or None, request.FILES or None, positions=signer_positions(dossier)
    )
    status = 200
    error: ApprovalError | None = None
    if request.method == "POST":
        if form.is_valid():
            data: dict[str, Any] = form.cleaned_data
            try:
                check_fresh(request, dossier)
                flow_actions.flow_paper_decision(
                    dossier,
                    request.user,
                    number=data["number"],
                    symbol=data["symbol"],
                    signed_on=data["signed_on"],
                    signer=data["signer"],
                    scan=data["scan"],
                    note=data["note"],
                )
            except ApprovalError as refused:
                error = refused
                status = error_status(refused)
            else:
                messages.success(
                    request, _("The decision issued on paper was recorded after the fact.")
                )
                return HttpResponseRedirect(detail_url(dossier))
        else:
            status = 400
    else:
        error = _refusal(request, dossier)
    return render(
        request,
        "nominations/paper_decision.html",
        {"dossier": dossier, "form": form, "error": error, "stage": dossier_stage(dossier)},
        status=status,
    )


__all__ = ["paper_decision", "signer_positions"]
