"""The nomination pages: dossiers, their steps, the decision, and the secretary's dashboard.

Reads go through :mod:`workflows.nominations.selectors`; every change goes through
:mod:`workflows.nominations.flow_actions` (which keeps the dossier's workflow in step) or,
for what is not a step (households import, objections, revocations), through the services.
A refused action renders the page again with the reason and the form as typed; a dossier
outside the user's reach answers 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals.audit.models import AuditEvent
from approvals.exceptions import (
    ActionNotPermitted,
    ApprovalError,
    ConcurrentUpdate,
    ValidationFailed,
)
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import Decision, decide
from workflows.documents.esign import pin_needed
from workflows.nominations import flow_actions, imports, services
from workflows.nominations.exports import (
    decision_document,
    recognised_csv,
    recognised_xlsx,
)
from workflows.nominations.flows import dossier_stage
from workflows.nominations.forms import (
    AppraiseForm,
    CouncilForm,
    DashboardForm,
    DecideForm,
    DossierCreateForm,
    DossierFilterForm,
    HouseholdImportForm,
    MeetingForm,
    ObjectionForm,
    PostingForm,
    ReportForm,
    RevokeForm,
)
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState, Title
from workflows.nominations.selectors import (
    RecognitionShare,
    ShareRow,
    action_names,
    candidate_for,
    dossier_candidate_counts,
    dossier_candidates,
    dossier_counts_by_step,
    dossier_get_for,
    dossier_history,
    dossier_list_for,
    dossier_list_pending,
    households_unregistered,
    position_unit_ids,
    proposing_units_for,
    reach_units,
    recognition_share,
    registration_rate,
    units_unregistered,
)
from workflows.nominations.titles import SPECS, STEP_LABELS, Step
from workflows.plans.selectors import report_list_outstanding

#: Rows per page of the lists.
PAGE_SIZE = 25
#: Candidates shown per page of a dossier.
CANDIDATE_PAGE_SIZE = 100
#: Titles whose shares the dashboard charts (households, then villages).
SHARE_TITLES = (Title.CULTURAL_FAMILY, Title.CULTURAL_VILLAGE)


def _today() -> datetime.date:
    return timezone.localdate()


def _page(request: HttpRequest, rows: Any, size: int, param: str = "page") -> Page[Any]:
    return Paginator(rows, size).get_page(request.GET.get(param))


def _status(error: ApprovalError) -> int:
    if isinstance(error, ActionNotPermitted):
        return 403
    if isinstance(error, ConcurrentUpdate):
        return 409
    return 400


def _visible(request: HttpRequest, pk: int) -> Dossier:
    dossier = dossier_get_for(user=request.user, pk=pk, day=_today())
    if dossier is None:
        raise Http404(_("No such dossier, or it is outside your units."))
    return dossier


def _detail_url(dossier: Dossier) -> str:
    return reverse("nominations:detail", args=[dossier.pk])


def _check_fresh(request: HttpRequest, dossier: Dossier) -> None:
    """Refuse an action posted from a page showing an older stage of the dossier."""
    seen = request.POST.get("stage", "")
    now = dossier_stage(dossier)
    if seen and seen != now:
        state = now.split(":")[0]
        raise ConcurrentUpdate(
            _(
                "The dossier has moved on since you opened the page (now: %(state)s); "
                "nothing was changed. Reload the page and check it again."
            )
            % {"state": DossierState(state).label}
        )


# --- the list --------------------------------------------------------------------------------


@login_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    """Dossiers of the user's units and below, filtered by title, state and year."""
    form = DossierFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "title": form.cleaned_data["title"] or "",
            "state": form.cleaned_data["state"] or "",
            "year": form.cleaned_data["year"],
        }
    rows = dossier_list_for(user=request.user, day=_today(), **filters)
    page = _page(request, rows, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/dossier_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": _today()},
    )


# --- creating a dossier ----------------------------------------------------------------------


@login_required
def dossier_new(request: HttpRequest) -> HttpResponse:
    """Open a dossier for a title and a year, and start its workflow."""
    day = _today()
    units = proposing_units_for(user=request.user, day=day)
    form = DossierCreateForm(
        request.POST or None,
        units=units,
        initial={"year": day.year, "title": Title.CULTURAL_FAMILY},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                dossier = services.dossier_create(
                    user=request.user,
                    title=form.cleaned_data["title"],
                    year=form.cleaned_data["year"],
                    proposing_unit=form.cleaned_data["proposing_unit"],
                )
                flow_actions.flow_start(dossier, request.user)
        except ApprovalError as error:
            form.add_error(None, str(error))
            status = _status(error)
        else:
            messages.success(request, _("The dossier was opened."))
            return HttpResponseRedirect(_detail_url(dossier))
    elif request.method == "POST":
        status = 400
    return render(
        request, "nominations/dossier_new.html", {"form": form, "units": units}, status=status
    )


# --- one dossier -----------------------------------------------------------------------------


@dataclass
class Offer:
    """An action the page offers on the dossier, with the engine's answer for the user."""

    key: str
    decision: Decision

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


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
    if dossier.state == DossierState.POSTING:
        wanted.append(("objection", services.POSTING, proposing))
    if step == Step.SUBMISSION:
        wanted.append(("submit", services.SUBMIT, proposing))
    if dossier.state == DossierState.SUBMITTED:
        wanted.append(("appraise", services.APPRAISE, deciding))
    if dossier.state == DossierState.COUNCIL:
        wanted.append(("council", services.COUNCIL, deciding))
    if dossier.state == DossierState.DECISION and dossier.signature_id is None:
        wanted.append(("decide", services.DECIDE, deciding))
    if dossier.state == DossierState.DECISION and dossier.signature_id is not None:
        wanted.append(("issue", services.NUMBER, deciding))
    if dossier.state == DossierState.DECIDED:
        wanted.append(("revoke", services.REVOKE, deciding))
    return {key: Offer(key, decide(user, code, dossier, unit=unit)) for key, code, unit in wanted}


def _before_council(dossier: Dossier) -> list[Candidate]:
    """The candidates an emulation council reviews at the dossier's stage (none otherwise)."""
    spec = SPECS[dossier.title]
    step = spec.next_step(dossier.state)
    if step not in (Step.LOCAL_COUNCIL, Step.COUNCIL):
        return []
    return list(dossier_candidates(dossier).filter(state=spec.candidates_before(step)))


def _revocation_grounds(dossier: Dossier) -> list[str]:
    grounds = services.dossier_rules(dossier).get("title.revocation_grounds")
    return [str(g) for g in grounds]


def _forms(dossier: Dossier, offers: dict[str, Offer], bound: dict[str, Any]) -> dict[str, Any]:
    """An unbound form for each offered action, or the bound one the user just sent."""
    built: dict[str, Any] = {}
    day = _today()
    if "posting" in offers:
        meeting = getattr(dossier, "meeting", None)
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
            candidates=_before_council(dossier), initial={"held_on": day}
        )
    if "decide" in offers:
        built["decide"] = bound.get("decide") or DecideForm()
    if "revoke" in offers:
        recognised = dossier_candidates(dossier).filter(state=CandidateState.RECOGNISED)
        built["revoke"] = bound.get("revoke") or RevokeForm(
            candidates=recognised, grounds=_revocation_grounds(dossier)
        )
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
    events = list(dossier_history(dossier))
    names = action_names({e.action for e in events}, english=get_language() == "en")
    states = dict(DossierState.choices)
    return [
        HistoryRow(
            e,
            names.get(e.action, e.action),
            str(states.get(e.from_state, e.from_state)),
            str(states.get(e.to_state, e.to_state)),
        )
        for e in events
    ]


def _render_detail(
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
    signer = offers.get("decide")
    block = (
        signer.decision.authority.signature_block()
        if signer is not None and signer.allowed and signer.decision.authority is not None
        else []
    )
    unregistered = 0
    if "register" in offers and spec.candidate == "household":
        unregistered = households_unregistered(dossier).count()
    elif "register" in offers and spec.candidate == "unit":
        unregistered = units_unregistered(dossier, _today()).count()
    context = {
        "dossier": dossier,
        "spec": spec,
        "stage": dossier_stage(dossier),
        "next_step": STEP_LABELS[step] if step is not None else None,
        "candidates": _page(request, dossier_candidates(dossier), CANDIDATE_PAGE_SIZE),
        "counts": [
            (CandidateState(state).label, n)
            for state, n in sorted(dossier_candidate_counts(dossier).items())
        ],
        "history": _history(dossier),
        "meeting": getattr(dossier, "meeting", None),
        "council_review": getattr(dossier, "council_review", None),
        "offers": offers,
        "forms": _forms(dossier, offers, bound or {}),
        "signature_block": "\n".join(block),
        "pin_needed": "decide" in offers and offers["decide"].allowed and pin_needed(request.user),
        "unregistered": unregistered,
        "error": error,
        "today": _today(),
        "documents": dossier.state in (DossierState.DECISION, DossierState.DECIDED),
        "decided": dossier.state == DossierState.DECIDED,
    }
    return render(request, "nominations/dossier_detail.html", context, status=status)


@login_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A dossier: candidates, state, deadlines, history, documents and the next step."""
    return _render_detail(request, _visible(request, pk))


def _act(
    request: HttpRequest,
    dossier: Dossier,
    key: str,
    form: Any,
    perform: Callable[[], object],
    done: str,
) -> HttpResponse:
    """Validate ``form``, run ``perform`` (a flow action or service) and redirect, or explain."""
    if form is not None and not form.is_valid():
        return _render_detail(request, dossier, bound={key: form}, status=400)
    try:
        _check_fresh(request, dossier)
        perform()
    except ApprovalError as error:
        if form is not None and hasattr(form, "add_error"):
            form.add_error(None, str(error))
        fresh = _visible(request, dossier.pk)
        bound = {key: form} if form is not None else {}
        return _render_detail(request, fresh, bound=bound, error=error, status=_status(error))
    messages.success(request, done)
    return HttpResponseRedirect(_detail_url(dossier))


@login_required
@require_POST
def register_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Register every household (or unit) of the proposing unit not yet a candidate."""
    dossier = _visible(request, pk)

    def perform() -> None:
        if SPECS[dossier.title].candidate == "household":
            households = list(households_unregistered(dossier))
            units: list[OrgUnit] = []
        else:
            households, units = [], list(units_unregistered(dossier, _today()))
        if not households and not units:
            raise ValidationFailed(_("Everyone the unit could propose is already registered."))
        flow_actions.flow_register(dossier, request.user, households=households, units=units)

    return _act(request, dossier, "register", None, perform, _("The candidates were registered."))


@login_required
@require_POST
def households_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the village's households from an XLSX or CSV list (then register them)."""
    dossier = _visible(request, pk)
    form = HouseholdImportForm(request.POST, request.FILES)

    def perform() -> None:
        upload = form.cleaned_data["file"]
        imports.households_import(
            village=dossier.proposing_unit,
            user=request.user,
            data=upload.read(),
            filename=upload.name or "",
        )

    return _act(request, dossier, "import", form, perform, _("The households were imported."))


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the review meeting: attendance and the votes for every household in one form."""
    dossier = _visible(request, pk)
    spec = SPECS[dossier.title]
    before = spec.candidates_before(Step.MEETING) if spec.meeting else CandidateState.REGISTERED
    candidates = list(dossier_candidates(dossier).filter(state=before))
    form = MeetingForm(request.POST or None, request.FILES or None, candidates=candidates)
    status = 200
    error: ApprovalError | None = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            meeting_fields = {
                "held_on": data["held_on"],
                "invited": data["invited"],
                "present": data["present"],
                "chaired_by": data["chaired_by"],
                "minutes": data["minutes"],
            }
            try:
                _check_fresh(request, dossier)
                sheet = data.get("votes_file")
                if sheet:
                    flow_actions.flow_meeting_from_sheet(
                        dossier,
                        request.user,
                        data=sheet.read(),
                        filename=sheet.name or "",
                        **meeting_fields,
                    )
                else:
                    flow_actions.flow_meeting(
                        dossier, request.user, votes=form.votes(), **meeting_fields
                    )
            except ApprovalError as refused:
                error = refused
                status = _status(refused)
            else:
                messages.success(request, _("The review meeting was recorded."))
                return HttpResponseRedirect(_detail_url(dossier))
        else:
            status = 400
    elif spec.next_step(dossier.state) != Step.MEETING:
        error = ActionNotPermitted(_("This dossier does not wait for a review meeting now."))
    return render(
        request,
        "nominations/meeting.html",
        {"dossier": dossier, "form": form, "error": error, "stage": dossier_stage(dossier)},
        status=status,
    )


@login_required
@require_POST
def posting(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the public posting from the day the list went up."""
    dossier = _visible(request, pk)
    held = getattr(dossier, "meeting", None)
    form = PostingForm(request.POST, meeting_on=held.held_on if held else None)
    return _act(
        request,
        dossier,
        "posting",
        form,
        lambda: flow_actions.flow_open_posting(
            dossier, request.user, on=form.cleaned_data["posted_on"]
        ),
        _("The list is posted publicly."),
    )


@login_required
@require_POST
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an objection to one posted candidate (an upheld one strikes it)."""
    dossier = _visible(request, pk)
    posted = dossier_candidates(dossier).filter(state=CandidateState.POSTED)
    form = ObjectionForm(request.POST, candidates=posted)

    def perform() -> None:
        candidate = candidate_for(dossier=dossier, pk=form.cleaned_data["candidate"])
        if candidate is None:
            raise Http404(_("No such candidate in this dossier."))
        services.objection_record(
            candidate=candidate,
            user=request.user,
            text=form.cleaned_data["text"],
            upheld=form.cleaned_data["upheld"],
        )

    return _act(request, dossier, "objection", form, perform, _("The objection was recorded."))


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """File a candidate's achievement report (before the review, or after a return)."""
    dossier = _visible(request, pk)
    form = ReportForm(request.POST, candidates=dossier_candidates(dossier))

    def perform() -> None:
        candidate = candidate_for(dossier=dossier, pk=form.cleaned_data["candidate"])
        if candidate is None:
            raise Http404(_("No such candidate in this dossier."))
        services.candidate_report_record(
            candidate=candidate, user=request.user, report=form.cleaned_data["report"]
        )

    return _act(request, dossier, "report", form, perform, _("The achievement report was filed."))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit (or resubmit) the dossier to the deciding level."""
    dossier = _visible(request, pk)
    return _act(
        request,
        dossier,
        "submit",
        None,
        lambda: flow_actions.flow_submit(dossier, request.user),
        _("The dossier was submitted."),
    )


@login_required
@require_POST
def appraise(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the dossier, or return it for supplement with a comment."""
    dossier = _visible(request, pk)
    form = AppraiseForm(request.POST)

    def perform() -> None:
        comment = form.cleaned_data["comment"]
        if form.cleaned_data["decision"] == AppraiseForm.ACCEPT:
            flow_actions.flow_accept(dossier, request.user, comment=comment)
        else:
            flow_actions.flow_return(dossier, request.user, comment=comment)

    return _act(request, dossier, "appraise", form, perform, _("The appraisal was recorded."))


@login_required
@require_POST
def council(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the emulation council's review."""
    dossier = _visible(request, pk)
    candidates = _before_council(dossier)
    form = CouncilForm(request.POST, candidates=candidates)

    def perform() -> None:
        refused_ids = {int(pk) for pk in form.cleaned_data["refused"]}
        flow_actions.flow_council(
            dossier,
            request.user,
            minutes=form.cleaned_data["minutes"],
            refused=[c for c in candidates if c.pk in refused_ids],
            held_on=form.cleaned_data["held_on"],
            members=form.cleaned_data["members"],
            present=form.cleaned_data["present"],
            votes=form.votes(),
        )

    return _act(request, dossier, "council", form, perform, _("The council review was recorded."))


@login_required
@require_POST
def decide_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the recognition decision."""
    dossier = _visible(request, pk)
    form = DecideForm(request.POST)
    return _act(
        request,
        dossier,
        "decide",
        form,
        lambda: flow_actions.flow_decide(
            dossier,
            request.user,
            late_reason=form.cleaned_data["late_reason"],
            pin=request.POST.get("pin") or None,
        ),
        _("The decision was signed; the records clerk gives it its number."),
    )


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """The records clerk numbers the signed decision; the titles are recorded."""
    dossier = _visible(request, pk)
    return _act(
        request,
        dossier,
        "issue",
        None,
        lambda: flow_actions.flow_issue_decision(dossier, request.user),
        _("The decision was numbered and the titles recorded."),
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one recognised title on a legal ground."""
    dossier = _visible(request, pk)
    recognised = dossier_candidates(dossier).filter(state=CandidateState.RECOGNISED)
    form = RevokeForm(request.POST, candidates=recognised, grounds=_revocation_grounds(dossier))

    def perform() -> None:
        candidate = candidate_for(dossier=dossier, pk=form.cleaned_data["candidate"])
        if candidate is None:
            raise Http404(_("No such candidate in this dossier."))
        services.candidate_revoke(
            candidate=candidate,
            user=request.user,
            ground=form.cleaned_data["ground"],
            note=form.cleaned_data["note"],
        )

    return _act(request, dossier, "revoke", form, perform, _("The title was revoked."))


# --- documents ------------------------------------------------------------------------------

_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _download(data: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def decision_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The decision as PDF or DOCX (a draft with a blank number until it is numbered)."""
    dossier = _visible(request, pk)
    if fmt not in ("pdf", "docx") or dossier.state not in (
        DossierState.DECISION,
        DossierState.DECIDED,
    ):
        raise Http404(_("No decision document here."))
    return _download(decision_document(dossier, fmt), f"quyet-dinh-{dossier.pk}", fmt)


@login_required
@require_GET
def recognised_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The recognised list as XLSX or CSV, once the decision is numbered."""
    dossier = _visible(request, pk)
    if fmt not in ("xlsx", "csv") or dossier.state != DossierState.DECIDED:
        raise Http404(_("No recognised list here."))
    data = recognised_xlsx(dossier) if fmt == "xlsx" else recognised_csv(dossier)
    return _download(data, f"danh-sach-{dossier.pk}", fmt)


# --- the dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One row of a share chart, with the CSS widths as plain numbers."""

    row: ShareRow
    width: str
    target_left: str


@dataclass(frozen=True)
class Chart:
    """A share (or registration rate) with its bars."""

    share: RecognitionShare
    bars: list[Bar]
    overall: Bar
    registered: bool

    @property
    def title_label(self) -> str:
        """The title, in the active language."""
        return str(Title(self.share.title).label)


def _css(value: Decimal | None) -> str:
    if value is None:
        return "0"
    return f"{min(max(value, Decimal(0)), Decimal(100)):.2f}"


def _chart(share: RecognitionShare, *, registered: bool) -> Chart:
    def bar(row: ShareRow) -> Bar:
        return Bar(row, _css(row.share), _css(share.target) if share.target is not None else "")

    return Chart(share, [bar(r) for r in share.rows], bar(share.overall), registered)


@dataclass
class Dashboard:
    """What the dashboard shows for a user, a unit and a year."""

    units: list[OrgUnit]
    unit: OrgUnit | None
    year: int
    day: datetime.date
    pending: Any
    counts: list[Any]
    charts: list[Chart]
    reports: list[Any]


def _dashboard(request: HttpRequest) -> tuple[Dashboard, DashboardForm]:
    day = _today()
    units = reach_units(user=request.user, day=day)
    form = DashboardForm(request.GET or None, units=units)
    year = day.year
    unit = units[0] if units else None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        chosen = form.cleaned_data["unit"]
        if chosen is not None:
            unit = next((u for u in units if u.pk == chosen), None)
            if unit is None:
                raise Http404(_("This unit is outside your reach."))
    pending = dossier_list_pending(user=request.user, day=day)
    counts = dossier_counts_by_step(user=request.user, day=day)
    charts: list[Chart] = []
    reports: list[Any] = []
    if unit is not None:
        for title in SHARE_TITLES:
            charts.append(
                _chart(recognition_share(unit=unit, year=year, title=title), registered=False)
            )
        charts.append(
            _chart(
                registration_rate(unit=unit, year=year, title=Title.CULTURAL_FAMILY),
                registered=True,
            )
        )
        recipients = {unit.pk, *position_unit_ids(user=request.user, day=day)}
        for recipient in OrgUnit.objects.filter(pk__in=recipients).order_by("path"):
            reports.extend(report_list_outstanding(recipient=recipient, day=day))
    board = Dashboard(units, unit, year, day, pending, counts, charts, reports)
    return board, form


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Pending dossiers by step and level, overdue first; shares against the target; reports."""
    board, form = _dashboard(request)
    page = _page(request, board.pending, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/dashboard.html",
        {"board": board, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard as an XLSX workbook: pending dossiers, counts, shares, late reports."""
    from workflows.nominations.dashboard_export import dashboard_xlsx

    board, _form = _dashboard(request)
    return _download(dashboard_xlsx(board), f"bang-dieu-khien-{board.day:%Y%m%d}", "xlsx")
