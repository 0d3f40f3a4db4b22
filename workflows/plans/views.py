"""The plan pages: the drafter's drafts and form, the plan's page with its approval sheet and
the actions open to the user, document downloads, consultations and receipts.

Every change goes through ``flow_actions`` (which keeps the viewflow tasks in step and calls
the services); every read that depends on the user goes through ``selectors``. A refusal shows
the engine's reason in the page and changes nothing; a plan the user may not open is a 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.audit.labels import event_labels, history_events
from approvals.audit.models import AuditEvent
from approvals.downloads import file_download, stream_download
from approvals.exceptions import ApprovalError
from approvals.organisation.models import Capacity, OrgUnit
from approvals.organisation.resolver import decide, user_label
from approvals.organisation.selectors import action_holders, action_scopes
from workflows.plans import documents, esign
from workflows.plans.flow_actions import (
    flow_answer,
    flow_approve,
    flow_issue,
    flow_return,
    flow_sign,
    flow_submit,
    flow_withdraw,
)
from workflows.plans.forms import AnswerForm, CommentForm, PlanForm
from workflows.plans.models import (
    REVIEW_STEPS,
    Consultation,
    Dispatch,
    Plan,
    PlanAttachment,
    PlanState,
)
from workflows.plans.selectors import (
    WAITING,
    PlanReach,
    approval_sheet,
    consultation_list_awaiting,
    dispatch_list_for_units,
    plan_changes_for,
    plan_changes_since_previous,
    plan_get_visible,
    plan_list_awaiting,
    plan_list_drafts,
    plan_list_visible,
    plan_reach,
)
from workflows.plans.services import (
    DRAFT,
    Addressing,
    dispatch_acknowledge,
    plan_attach,
    plan_create,
    plan_detach,
    plan_edit,
    step_deadline,
)
from workflows.plans.waiting import plan_waiting

PAGE_SIZE = 25


def _reach(request: HttpRequest) -> PlanReach:
    cached: PlanReach | None = getattr(request, "_plan_reach", None)
    if cached is None:
        cached = plan_reach(user=request.user, day=timezone.localdate())
        request._plan_reach = cached  # type: ignore[attr-defined]
    return cached


def _plan_or_404(request: HttpRequest, pk: int) -> Plan:
    try:
        return plan_get_visible(reach=_reach(request), pk=pk)
    except Plan.DoesNotExist:
        raise Http404(_("No such plan, or you may not see it.")) from None


def _refused(request: HttpRequest, exc: ApprovalError) -> None:
    messages.error(request, str(exc))


def _perform(
    request: HttpRequest, plan: Plan, action: Callable[[], Any], done: str
) -> HttpResponseRedirect:
    """Run one action; show its outcome or the reason it was refused, then back to the plan."""
    try:
        action()
    except ApprovalError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return redirect("plans:detail", pk=plan.pk)


# --- lists ---------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """My drafts, what waits for me, and every plan I may open (filtered, paginated)."""
    reach = _reach(request)
    state = request.GET.get("state") or None
    if state not in PlanState.values:
        state = None
    try:
        year = int(request.GET.get("year", "")) or None
    except ValueError:
        year = None
    plans = plan_list_visible(reach=reach, state=state, year=year)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    can_draft = bool(
        action_scopes(user=request.user, action_codes=[DRAFT], day=timezone.localdate())[DRAFT]
    )
    return render(
        request,
        "plans/list.html",
        {
            "drafts": list(plan_list_drafts(user=request.user)[:PAGE_SIZE]),
            "awaiting": list(plan_list_awaiting(reach=reach)[:PAGE_SIZE]),
            "consultations": list(consultation_list_awaiting(reach=reach)[:PAGE_SIZE]),
            "page": page,
            "states": PlanState.choices,
            "state": state or "",
            "year": year or "",
            "can_draft": can_draft,
            "today": timezone.localdate(),
        },
    )


@login_required
def received(request: HttpRequest) -> HttpResponse:
    """Plans dispatched to my units, to acknowledge receipt."""
    dispatches = dispatch_list_for_units(reach=_reach(request))
    page = Paginator(dispatches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/received.html", {"page": page})


# --- drafting ------------------------------------------------------------------------------------


def _drafting_units(request: HttpRequest) -> list[OrgUnit]:
    day = timezone.localdate()
    scope = action_scopes(user=request.user, action_codes=[DRAFT], day=day)[DRAFT]
    if not scope:
        return []
    return list(OrgUnit.objects.active_on(day).filter(scope.units_q()).order_by("path"))


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    units = _drafting_units(request)
    if not units:
        messages.error(request, _("You hold no position that may draft plans."))
        return redirect("plans:list")
    form = PlanForm(request.POST or None, drafting_units=units, day=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_create(
                user=request.user,
                issuing_agency=data["issuing_agency"],
                drafting_unit=data["drafting_unit"],
                kind=data["kind"],
                year=data["year"],
                content=form.content(),
                needs_consultation=data["needs_consultation"],
                consulted_agencies=list(data["consulted_agencies"]),
                consultation_working_days=data.get("consultation_working_days") or 0,
                recipient_units=list(data["recipient_units"]),
            )
        except ApprovalError as exc:
            form.add_error(
                exc.params.get("field") if exc.params.get("field") in form.fields else None,
                str(exc),
            )
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "plan": None})


@login_required
def plan_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    if plan.author_id != request.user.pk or plan.state != PlanState.DRAFT:
        messages.error(request, _("Only the drafter edits a plan, and only while it is a draft."))
        return redirect("plans:detail", pk=plan.pk)
    units = _drafting_units(request) or [plan.drafting_unit]
    form = PlanForm(
        request.POST or None,
        initial=PlanForm.initial_for(plan),
        drafting_units=units,
        day=timezone.localdate(),
    )
    for locked in ("kind", "drafting_unit", "issuing_agency", "year"):
        form.fields[locked].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            plan_edit(
                plan=plan,
                user=request.user,
                content=form.content(),
                addressing=Addressing(
                    needs_consultation=data["needs_consultation"],
                    consulted_agencies=list(data["consulted_agencies"]),
                    consultation_working_days=data.get("consultation_working_days") or 0,
                    recipient_units=list(data["recipient_units"]),
                ),
            )
        except ApprovalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("A new revision was saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "plan": plan})


# --- the plan's page -----------------------------------------------------------------------------


def _history(plan: Plan) -> list[dict[str, Any]]:
    """The plan's audit events in words: what was done and the steps, never codes."""
    events = history_events(
        list(
            AuditEvent.objects.filter(subject_type="plans.plan", subject_id=str(plan.pk)).order_by(
                "created_at", "index"
            )
        )
    )
    labels = dict(PlanState.choices)
    return [
        {
            "at": e.created_at,
            "who": e.actor_label,
            "capacity": "" if e.capacity == Capacity.OWN else e.get_capacity_display(),
            "action": label,
            "from": labels.get(e.from_state, e.from_state),
            "to": labels.get(e.to_state, e.to_state),
            "comment": e.comment,
        }
        for e, label in zip(events, event_labels(events), strict=True)
    ]


def _open_actions(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    """What the user may do here now; each answer comes from the resolver."""
    user = request.user
    open_: dict[str, Any] = {}
    if plan.state == PlanState.DRAFT and plan.author_id == user.pk:
        open_["edit"] = open_["submit"] = True
    if plan.state in (*WAITING, PlanState.CONSULTATION) and plan.state != PlanState.SIGNED:
        action, field_name = WAITING.get(plan.state, ("plans.review_plan", "drafting_unit"))
        decision = decide(user, action, plan, unit=getattr(plan, field_name))
        if decision:
            if plan.state == PlanState.SIGNATURE:
                authority = decision.raise_if_refused()
                open_["sign"] = authority.signature_block()
            elif plan.state != PlanState.CONSULTATION:
                open_["approve"] = True
            open_["return"] = True
        # a refusal is shown only when the user tries: the page says what the plan waits for
    if plan.state == PlanState.SIGNED:
        decision = decide(user, "plans.issue_plan", plan, unit=plan.issuing_agency)
        if decision:
            open_["issue"] = True
    before_signature = (PlanState.DRAFT, *REVIEW_STEPS, PlanState.SIGNATURE)
    if plan.state in before_signature and plan.author_id == user.pk:
        open_["withdraw"] = True
    return open_


def _holders(plan: Plan) -> list[Any]:
    """Who has the plan now: the positions that may take its current step (not its author)."""
    if plan.state == PlanState.DRAFT:
        return []
    waiting = WAITING.get(str(plan.state))
    if waiting is None:
        return []
    action, field_name = waiting
    holders = action_holders(
        action_code=action, unit=getattr(plan, field_name), day=timezone.localdate()
    )
    return [p for p in holders if p.user_id != plan.author_id]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    revision = plan.current_revision
    since_previous = plan_changes_since_previous(plan=plan, current=revision)
    consultation = None
    if plan.state == PlanState.CONSULTATION:
        consultation = (
            Consultation.objects.filter(
                plan=plan, agency_id__in=sorted(_reach(request).unit_ids), status="pending"
            )
            .select_related("agency", "deadline")
            .first()
        )
    open_ = _open_actions(request, plan)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "revision": revision,
            "content": revision.content,
            "sheet": approval_sheet(plan=plan),
            "signature": plan.signature,
            "signer": user_label(plan.signature.signer) if plan.signature else "",
            "history": _history(plan),
            "since_previous": since_previous,
            "since_mine": plan_changes_for(plan=plan, user=request.user, current=revision),
            "open": open_,
            "waiting": None if set(open_) - {"withdraw"} else plan_waiting(plan),
            "comment_form": CommentForm(
                initial={"seen_revision": revision.number, "seen_state": plan.state}
            ),
            "answer_form": AnswerForm() if consultation else None,
            "consultation": consultation,
            "consultations": list(plan.consultations.select_related("agency", "deadline")),
            "dispatches": list(plan.dispatches.select_related("unit", "acknowledged_by")),
            "step_deadline": step_deadline(plan),
            "holders": _holders(plan),
            "attachments": list(
                plan.attachments.filter(removed_at__isnull=True).select_related("uploaded_by")
            ),
            "today": timezone.localdate(),
            "pin_needed": plan.state == PlanState.SIGNATURE and esign.pin_needed(request.user),
        },
    )


@login_required
def plan_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The plan rendered in the Decree 30 layout: the draft, or the signed and numbered text."""
    if fmt not in ("pdf", "docx"):
        raise Http404(_("Documents are rendered as PDF or DOCX."))
    plan = _plan_or_404(request, pk)
    signature = plan.signature
    if signature is not None:
        revision = plan.revisions.get(number=int(signature.revision))
        block = signature.signature_block.splitlines()
        signer = user_label(signature.signer)
    else:
        revision, block, signer = plan.current_revision, [], ""
    stored = esign.issued_pdf(plan) if fmt == "pdf" else None
    if stored is not None:  # the digitally signed file, exactly as recipients get it
        data = stored
    else:
        data = documents.render(plan, revision, fmt=fmt, signature_block=block, signer_name=signer)
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    preview = fmt == "pdf" and bool(request.GET.get("preview"))
    name = documents.download_name(plan, fmt)
    response = file_download(data, name, content_type, as_attachment=not preview)
    response["X-Content-SHA256"] = (
        hashlib.sha256(stored).hexdigest()
        if stored is not None
        else (signature.content_sha256 if signature is not None else "")
    )
    return response


# --- actions (POST only) ------------------------------------------------------------------------


def _comment(
    request: HttpRequest, *, required: bool = False
) -> tuple[str, int | None, str | None] | None:
    form = CommentForm(request.POST, required=required)
    if not form.is_valid():
        messages.error(request, _("Write a comment saying what must change."))
        return None
    data = form.cleaned_data
    return data["comment"], data.get("seen_revision"), data.get("seen_state") or None


@login_required
@require_POST
def plan_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    comment = request.POST.get("comment", "")
    return _perform(
        request,
        plan,
        lambda: flow_submit(plan, request.user, comment=comment),
        _("The plan was submitted."),
    )


def _decide(
    request: HttpRequest,
    pk: int,
    step: Callable[..., Any],
    done: str,
    *,
    comment_required: bool = False,
) -> HttpResponse:
    """A reviewer's or signer's decision: the comment form, then the flow step on the plan."""
    plan = _plan_or_404(request, pk)
    given = _comment(request, required=comment_required)
    if given is None:
        return redirect("plans:detail", pk=plan.pk)
    comment, seen, seen_state = given
    return _perform(
        request,
        plan,
        lambda: step(
            plan, request.user, comment=comment, seen_revision=seen, seen_state=seen_state
        ),
        done,
    )


@login_required
@require_POST
def plan_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, flow_approve, _("Approved; the plan moved on."))


@login_required
@require_POST
def plan_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        flow_return,
        _("The plan was returned to its drafter."),
        comment_required=True,
    )


@login_required
@require_POST
def plan_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    pin = request.POST.get("pin", "")
    return _decide(
        request,
        pk,
        lambda plan, user, **given: flow_sign(plan, user, pin=pin or None, **given),
        _("Signed."),
    )


@login_required
@require_POST
def plan_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    return _perform(
        request,
        plan,
        lambda: flow_issue(plan, request.user),
        _("The plan was numbered, dated and dispatched."),
    )


@login_required
@require_POST
def plan_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    comment = request.POST.get("comment", "")
    return _perform(
        request,
        plan,
        lambda: flow_withdraw(plan, request.user, comment=comment),
        _("The plan was withdrawn."),
    )


@login_required
@require_POST
def consultation_answer_view(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    consultation = (
        Consultation.objects.filter(plan=plan, pk=consultation_pk)
        .select_related("deadline")
        .first()
    )
    if consultation is None:
        raise Http404(_("No such consultation."))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your agency's answer."))
        return redirect("plans:detail", pk=plan.pk)
    answer = form.cleaned_data["answer"]
    return _perform(
        request,
        plan,
        lambda: flow_answer(consultation, request.user, answer=answer),
        _("Your agency's answer was recorded."),
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return redirect("plans:detail", pk=plan.pk)
    return _perform(
        request,
        plan,
        lambda: plan_attach(plan=plan, user=request.user, upload=upload),
        _("The file was attached."),
    )


def _attachment_or_404(plan: Plan, attachment_pk: int) -> PlanAttachment:
    attachment = PlanAttachment.objects.filter(
        plan=plan, pk=attachment_pk, removed_at__isnull=True
    ).first()
    if attachment is None:
        raise Http404(_("No such file."))
    return attachment


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    attachment = _attachment_or_404(plan, attachment_pk)
    return _perform(
        request,
        plan,
        lambda: plan_detach(attachment=attachment, user=request.user),
        _("The file was removed."),
    )


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file of a plan the user may open, always as a download, never rendered inline."""
    plan = _plan_or_404(request, pk)
    attachment = _attachment_or_404(plan, attachment_pk)
    response = stream_download(
        attachment.file.open("rb"), attachment.original_name, "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = attachment.sha256
    return response


@login_required
@require_POST
def dispatch_acknowledge_view(request: HttpRequest, dispatch_pk: int) -> HttpResponse:
    dispatch = (
        Dispatch.objects.filter(pk=dispatch_pk, unit_id__in=sorted(_reach(request).unit_ids))
        .select_related("plan")
        .first()
    )
    if dispatch is None:
        raise Http404(_("No such dispatch for your units."))
    try:
        dispatch_acknowledge(dispatch=dispatch, user=request.user)
    except ApprovalError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Receipt acknowledged."))
    return HttpResponseRedirect(reverse("plans:received"))
