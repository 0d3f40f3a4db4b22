"""One dossier's page: its state, candidates, history, and the actions it offers the user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from approvals.acts import ActDateRefused
from approvals.audit.labels import event_labels, history_events
from approvals.audit.models import AuditEvent
from approvals.exceptions import ApprovalError
from approvals.organisation.fields import unit_label
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import Decision, decide
from workflows.documents.esign import pin_needed
from workflows.nominations import services
from workflows.nominations.flows import dossier_stage
from workflows.nominations.forms import (
    AppraiseForm,
    CouncilForm,
    DecideForm,
    HouseholdImportForm,
    ObjectionForm,
    PostingForm,
    RegisterForm,
    ReportForm,
    RevokeForm,
)
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState
from workflows.nominations.paper_models import paper_decision_of
from workflows.nominations.selectors import (
    dossier_candidate_counts,
    dossier_candidates,
    dossier_history,
    households_unregistered,
    units_unregistered,
)
from workflows.nominations.titles import SPECS, STEP_LABELS, Step
from workflows.nominations.views.common import (
    check_fresh,
    detail_url,
    dossier_visible,
    error_status,
    page_of,
    today,
)
from workflows.nominations.waiting import dossier_waiting

#: Candidates shown per page of a dossier.
CANDIDATE_PAGE_SIZE = 100


@dataclass
class Offer:
    """An action the page offers on the dossier, with the engine's answer for the user."""

    key: str
    decision: Decision

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def objections_received(dossier: Dossier) -> bool:
    """Whether the list is still posted: objections are received until the period's last day
    (the service refuses one received later)."""
    deadline = dossier.posting_deadline
    return deadline is None or today() <= deadline.due_on


def _offers(user: Any, dossier: Dossier) -> dict[str, Offer]:
    """The actions the dossier's stage allows, each with whether ``user`` may take it."""
    spec = SPECS[dossier.title]
    step = spec.next_step(dossier.state)
    proposing, deciding = dossier.proposing_unit, dossier.deciding_unit
    wanted: list[tuple[str, str, OrgUnit]] = []
    if dossier.state == DossierState.REGISTRATION:
        wanted.append(("register", services.REGISTER, proposing))
    if spec.report and dossier.state in (DossierState.REGISTRATION, DossierState.RETURNED):
        wanted.append(("report", services.REGISTER, proposing))
    if step == Step.MEETING:
        wanted.append(("meeting", services.MEETING, proposing))
    if step == Step.LOCAL_COUNCIL:
        wanted.append(("council", services.COUNCIL, proposing))
    if step == Step.POSTING:
        wanted.append(("posting", services.POSTING, proposing))
    if dossier.state == DossierState.POSTING and objections_received(dossier):
        wanted.append(("objection", services.POSTING, proposing))
    if step == Step.SUBMISSION:
        wanted.append(("submit", services.SUBMIT, proposing))
    if dossier.state == DossierState.SUBMITTED:
        wanted.append(("appraise", services.APPRAISE, deciding))
    if dossier.state == DossierState.COUNCIL:
        wanted.append(("council", services.COUNCIL, deciding))
    if dossier.state == DossierState.DECISION and dossier.signature_id is None:
        wanted.append(("decide", services.DECIDE, deciding))
        wanted.append(("paper", services.PAPER_DECISION, deciding))
    if dossier.state == DossierState.DECISION and dossier.signature_id is not None:
        wanted.append(("issue", services.NUMBER, deciding))
    if dossier.state == DossierState.DECIDED:
        wanted.append(("revoke", services.REVOKE, deciding))
    return {key: Offer(key, decide(user, code, dossier, unit=unit)) for key, code, unit in wanted}


def council_candidates(dossier: Dossier) -> list[Candidate]:
    """The candidates an emulation council reviews at the dossier's stage (none otherwise)."""
    spec = SPECS[dossier.title]
    step = spec.next_step(dossier.state)
    if step not in (Step.LOCAL_COUNCIL, Step.COUNCIL):
        return []
    return list(dossier_candidates(dossier).filter(state=spec.candidates_before(step)))


def revocation_grounds(dossier: Dossier) -> list[str]:
    """The grounds on which the regulation lets a title of the dossier be revoked."""
    grounds = services.dossier_rules(dossier).get("title.revocation_grounds")
    return [str(g) for g in grounds]


def register_form(
    dossier: Dossier, data: Any = None, *, households: Any = None, units: Any = None
) -> RegisterForm:
    """The bulk registration's form: who is not yet a candidate, each ticked."""
    if SPECS[dossier.title].candidate == "household":
        rows = households if households is not None else households_unregistered(dossier)
        choices = [(h.pk, str(h)) for h in rows]
    else:
        rows = (
            units
            if units is not None
            else units_unregistered(dossier, today()).select_related("parent")
        )
        choices = [(u.pk, unit_label(u)) for u in rows]
    return RegisterForm(data, choices=choices)


def _forms(dossier: Dossier, offers: dict[str, Offer], bound: dict[str, Any]) -> dict[str, Any]:
    """An unbound form for each offered action, or the bound one the user just sent."""
    built: dict[str, Any] = {}
    day = today()
    if "posting" in offers:
        meeting = dossier.meeting
        built["posting"] = bound.get("posting") or PostingForm(
            initial={"posted_on": day}, meeting_on=meeting.held_on if meeting else None
        )
    if "objection" in offers:
        posted = dossier_candidates(dossier).filter(state=CandidateState.POSTED)
        built["objection"] = bound.get("objection") or ObjectionForm(candidates=posted)
    if "report" in offers:
        built["report"] = bound.get("report") or ReportForm(candidates=dossier_candidates(dossier))
    if "appraise" in offers:
        built["appraise"] = bound.get("appraise") or AppraiseForm()
    if "council" in offers:
        built["council"] = bound.get("council") or CouncilForm(
            candidates=council_candidates(dossier), initial={"held_on": day}
        )
    if "decide" in offers:
        built["decide"] = bound.get("decide") or DecideForm()
    if "revoke" in offers:
        recognised = dossier_candidates(dossier).filter(state=CandidateState.RECOGNISED)
        built["revoke"] = bound.get("revoke") or RevokeForm(
            candidates=recognised, grounds=revocation_grounds(dossier)
        )
    if "register" in offers and SPECS[dossier.title].candidate in ("household", "unit"):
        built["register"] = bound.get("register") or register_form(dossier)
    if "register" in offers and SPECS[dossier.title].candidate == "household":
        built["import"] = bound.get("import") or HouseholdImportForm()
    return built


@dataclass(frozen=True)
class HistoryRow:
    """An audit event with its action and states named for people."""

    event: AuditEvent
    action: str
    from_state: str
    to_state: str


def _history(dossier: Dossier) -> list[HistoryRow]:
    events = history_events(list(dossier_history(dossier)))
    states = dict(DossierState.choices)
    return [
        HistoryRow(
            e,
            label,
            str(states.get(e.from_state, e.from_state)),
            str(states.get(e.to_state, e.to_state)),
        )
        for e, label in zip(events, event_labels(events), strict=True)
    ]


def render_detail(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: dict[str, Any] | None = None,
    error: ApprovalError | None = None,
    status: int = 200,
) -> HttpResponse:
    spec = SPECS[dossier.title]
    step = spec.next_step(dossier.state)
    offers = _offers(request.user, dossier)
    allowed = [key for key, offer in offers.items() if offer.allowed]
    signer = offers.get("decide")
    block = (
        signer.decision.authority.signature_block()
        if signer is not None and signer.allowed and signer.decision.authority is not None
        else []
    )
    built = _forms(dossier, offers, bound or {})
    register = built.get("register")
    unregistered = len(register.fields["chosen"].choices) if register is not None else 0
    context = {
        "dossier": dossier,
        "spec": spec,
        "stage": dossier_stage(dossier),
        "next_step": STEP_LABELS[step] if step is not None else None,
        "candidates": page_of(request, dossier_candidates(dossier), CANDIDATE_PAGE_SIZE),
        "counts": [
            (CandidateState(state).label, n)
            for state, n in sorted(dossier_candidate_counts(dossier).items())
        ],
        "history": _history(dossier),
        "meeting": dossier.meeting,
        "meetings": list(dossier.meetings.order_by("held_on", "pk")),
        "council_review": getattr(dossier, "council_review", None),
        "paper": paper_decision_of(dossier),
        "offers": offers,
        "allowed": allowed,
        "waiting": None if allowed else dossier_waiting(dossier),
        "forms": built,
        "signature_block": "\n".join(block),
        "pin_needed": "decide" in offers and offers["decide"].allowed and pin_needed(request.user),
        "unregistered": unregistered,
        "error": error,
        "today": today(),
        "documents": dossier.state in (DossierState.DECISION, DossierState.DECIDED),
        "decided": dossier.state == DossierState.DECIDED,
    }
    return render(request, "nominations/dossier_detail.html", context, status=status)


@login_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A dossier: candidates, state, deadlines, history, documents and the next step."""
    return render_detail(request, dossier_visible(request, pk))


def act(
    request: HttpRequest,
    dossier: Dossier,
    key: str,
    form: Any,
    perform: Callable[[], Any],
    done: str | None,
    *,
    to: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Validate ``form``, run ``perform`` (a flow action or service) and redirect, or explain.

    The redirect goes to the dossier's page, or to ``to(result)`` (a started job's page)."""
    if form is not None and not form.is_valid():
        return render_detail(request, dossier, bound={key: form}, status=400)
    try:
        check_fresh(request, dossier)
        result = perform()
    except ApprovalError as error:
        if form is not None and hasattr(form, "add_error"):
            form.add_error(refused_field(form, error), str(error))
        fresh = dossier_visible(request, dossier.pk)
        bound = {key: form} if form is not None else {}
        return render_detail(request, fresh, bound=bound, error=error, status=error_status(error))
    if done:
        messages.success(request, done)
    return HttpResponseRedirect(to(result) if to is not None else detail_url(dossier))


def refused_field(form: Any, error: ApprovalError) -> str | None:
    """The form's field a refusal belongs to: its date field for a refused act's date."""
    field = getattr(form, "act_date_field", None)
    if isinstance(error, ActDateRefused) and field in form.fields:
        return str(field)
    return None


__all__ = [
    "CANDIDATE_PAGE_SIZE",
    "HistoryRow",
    "Offer",
    "act",
    "council_candidates",
    "dossier_detail",
    "refused_field",
    "register_form",
    "render_detail",
    "revocation_grounds",
]
