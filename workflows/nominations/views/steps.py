"""The actions on a dossier (its steps, objections, reports, revocations), one view each."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.exceptions import ActionNotPermitted, ApprovalError, ValidationFailed
from approvals.jobs.models import Job
from approvals.organisation.models import OrgUnit
from workflows.nominations import flow_actions, imports, jobs, jobs_decisions, services
from workflows.nominations.cycle import dossier_warnings
from workflows.nominations.flows import dossier_stage
from workflows.nominations.forms import (
    AppraiseForm,
    CouncilForm,
    DecideForm,
    HouseholdImportForm,
    MeetingForm,
    ObjectionForm,
    PostingForm,
    RegisterForm,
    ReportForm,
    RevokeForm,
)
from workflows.nominations.models import CandidateState, Dossier
from workflows.nominations.selectors import (
    candidate_for,
    dossier_candidates,
    households_unregistered,
    units_unregistered,
)
from workflows.nominations.titles import SPECS, Step
from workflows.nominations.views.common import (
    check_fresh,
    detail_url,
    dossier_visible,
    error_status,
    job_url,
    today,
)
from workflows.nominations.views.detail import (
    act,
    council_candidates,
    refused_field,
    register_form,
    render_detail,
    revocation_grounds,
)

if TYPE_CHECKING:
    from approvals.jobs.models import Job


@login_required
@require_POST
def register_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the households (or units) of the proposing unit not yet candidates: those the
    officer left ticked, or all of them when the request does not choose."""
    dossier = dossier_visible(request, pk)
    if SPECS[dossier.title].candidate == "household":
        households = list(households_unregistered(dossier))
        units: list[OrgUnit] = []
    else:
        households, units = [], list(units_unregistered(dossier, today()).select_related("parent"))
    form: RegisterForm | None = None
    if RegisterForm.MARKER in request.POST and (households or units):
        form = register_form(dossier, request.POST, households=households, units=units)

    def perform() -> None:
        nonlocal households, units
        if form is not None:
            chosen = form.chosen_ids()
            households = [h for h in households if h.pk in chosen]
            units = [u for u in units if u.pk in chosen]
        if not households and not units:
            raise ValidationFailed(_("Everyone the unit could propose is already registered."))
        flow_actions.flow_register(dossier, request.user, households=households, units=units)

    return act(request, dossier, "register", form, perform, _("The candidates were registered."))


@login_required
@require_POST
def households_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the village's households from an XLSX or CSV list (then register them): checked
    here (the right, the file's kind), imported by a background job."""
    dossier = dossier_visible(request, pk)
    form = HouseholdImportForm(request.POST, request.FILES)

    def perform() -> Job:
        village = dossier.proposing_unit
        imports.households_import_check(village=village, user=request.user)
        upload = form.cleaned_data["file"]
        data, filename = upload.read(), upload.name or ""
        imports.file_check(data, filename)
        return jobs.upload_job_start(
            kind=jobs.HOUSEHOLDS_IMPORT,
            user=request.user,
            label=_("Import of the households of %(unit)s from “%(file)s”")
            % {"unit": village.name, "file": filename},
            data=data,
            unit=village,
            subject=dossier,
            url=detail_url(dossier),
            params={"village": village.pk, "dossier": dossier.pk, "filename": filename},
        )

    return act(request, dossier, "import", form, perform, None, to=job_url)


def _meeting_job(request: HttpRequest, dossier: Dossier, sheet: Any, fields: dict[str, Any]) -> Job:
    """Check the meeting from a sheet as far as can be without reading it, then start the
    job that reads it and records the meeting."""
    if SPECS[dossier.title].next_step(dossier.state) != Step.MEETING:
        raise ActionNotPermitted(_("This dossier does not wait for a review meeting now."))
    _authority, held_on = imports.votes_import_check(
        dossier=dossier, user=request.user, held_on=fields["held_on"]
    )
    data, filename = sheet.read(), sheet.name or ""
    imports.file_check(data, filename)
    return jobs.upload_job_start(
        kind=jobs.VOTES_IMPORT,
        user=request.user,
        label=_("Review meeting of %(dossier)s, votes from “%(file)s”")
        % {"dossier": dossier, "file": filename},
        data=data,
        unit=dossier.proposing_unit,
        subject=dossier,
        url=detail_url(dossier),
        params={
            **fields,
            "held_on": held_on.isoformat(),
            "dossier": dossier.pk,
            "filename": filename,
        },
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the review meeting: attendance and the votes for every household in one form."""
    dossier = dossier_visible(request, pk)
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
                check_fresh(request, dossier)
                sheet = data.get("votes_file")
                if sheet:
                    job = _meeting_job(request, dossier, sheet, meeting_fields)
                    return HttpResponseRedirect(job_url(job))
                held = flow_actions.flow_meeting(
                    dossier, request.user, votes=form.votes(), **meeting_fields
                )
            except ApprovalError as refused:
                error = refused
                status = error_status(refused)
                if refused_field(form, refused):
                    form.add_error(refused_field(form, refused), str(refused))
            else:
                if held.quorate:
                    messages.success(request, _("The review meeting was recorded."))
                else:
                    messages.warning(
                        request,
                        _(
                            "The meeting was recorded without the quorum: no vote was counted. "
                            "The dossier waits for a further meeting."
                        ),
                    )
                return HttpResponseRedirect(detail_url(dossier))
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
    dossier = dossier_visible(request, pk)
    held = getattr(dossier, "meeting", None)
    form = PostingForm(request.POST, meeting_on=held.held_on if held else None)
    return act(
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
    dossier = dossier_visible(request, pk)
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
            on=form.cleaned_data["received_on"],
        )

    return act(request, dossier, "objection", form, perform, _("The objection was recorded."))


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """File a candidate's achievement report (before the review, or after a return)."""
    dossier = dossier_visible(request, pk)
    form = ReportForm(request.POST, candidates=dossier_candidates(dossier))

    def perform() -> None:
        candidate = candidate_for(dossier=dossier, pk=form.cleaned_data["candidate"])
        if candidate is None:
            raise Http404(_("No such candidate in this dossier."))
        services.candidate_report_record(
            candidate=candidate, user=request.user, report=form.cleaned_data["report"]
        )

    return act(request, dossier, "report", form, perform, _("The achievement report was filed."))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit (or resubmit) the dossier to the deciding level."""
    dossier = dossier_visible(request, pk)

    def perform() -> None:
        submitted = flow_actions.flow_submit(dossier, request.user)
        for warning in dossier_warnings(submitted):
            messages.warning(request, warning)

    return act(request, dossier, "submit", None, perform, _("The dossier was submitted."))


@login_required
@require_POST
def appraise(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the dossier, or return it for supplement with a comment."""
    dossier = dossier_visible(request, pk)
    form = AppraiseForm(request.POST)

    def perform() -> None:
        comment = form.cleaned_data["comment"]
        if form.cleaned_data["decision"] == AppraiseForm.ACCEPT:
            flow_actions.flow_accept(dossier, request.user, comment=comment)
        else:
            flow_actions.flow_return(dossier, request.user, comment=comment)

    return act(request, dossier, "appraise", form, perform, _("The appraisal was recorded."))


@login_required
@require_POST
def council(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the emulation council's review."""
    dossier = dossier_visible(request, pk)
    candidates = council_candidates(dossier)
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

    return act(request, dossier, "council", form, perform, _("The council review was recorded."))


@login_required
@require_POST
def decide_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the recognition decision."""
    dossier = dossier_visible(request, pk)
    form = DecideForm(request.POST)
    pin = request.POST.get("pin") or None
    if form.is_valid() and jobs_decisions.decision_sign_runs_as_job(dossier, request.user, pin=pin):
        return _as_job(
            request,
            dossier,
            lambda: jobs_decisions.decision_sign_start(
                dossier, request.user, late_reason=form.cleaned_data["late_reason"]
            ),
            key="decide",
            form=form,
        )
    return act(
        request,
        dossier,
        "decide",
        form,
        lambda: flow_actions.flow_decide(
            dossier,
            request.user,
            late_reason=form.cleaned_data["late_reason"],
            pin=pin,
        ),
        _("The decision was signed; the records clerk gives it its number."),
    )


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """The records clerk numbers the signed decision; the titles are recorded. A decision
    recognising many candidates runs as a background job: its page follows the progress."""
    dossier = dossier_visible(request, pk)
    if jobs_decisions.issue_runs_as_job(dossier):
        return _as_job(
            request, dossier, lambda: jobs_decisions.decision_issue_start(dossier, request.user)
        )
    return act(
        request,
        dossier,
        "issue",
        None,
        lambda: flow_actions.flow_issue_decision(dossier, request.user),
        _("The decision was numbered and the titles recorded."),
    )


def _as_job(
    request: HttpRequest,
    dossier: Dossier,
    start: Callable[[], Job],
    *,
    key: str = "",
    form: Any = None,
) -> HttpResponse:
    """Start a large step as a background job (its rights checked first) and show its page;
    a refusal is shown in the dossier's page as the step's own would be."""
    try:
        check_fresh(request, dossier)
        job = start()
    except ApprovalError as error:
        if form is not None:
            form.add_error(refused_field(form, error), str(error))
        fresh = dossier_visible(request, dossier.pk)
        bound = {key: form} if form is not None else {}
        return render_detail(request, fresh, bound=bound, error=error, status=error_status(error))
    return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one recognised title on a legal ground."""
    dossier = dossier_visible(request, pk)
    recognised = dossier_candidates(dossier).filter(state=CandidateState.RECOGNISED)
    form = RevokeForm(request.POST, candidates=recognised, grounds=revocation_grounds(dossier))

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

    return act(request, dossier, "revoke", form, perform, _("The title was revoked."))


__all__ = [
    "appraise",
    "council",
    "decide_dossier",
    "households_upload",
    "issue",
    "meeting",
    "objection",
    "posting",
    "register_all",
    "report",
    "revoke",
    "submit",
]
