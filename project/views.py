"""The site's own pages: the start page ("My work"), the signing inbox across processes and
the registers."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from approvals.exceptions import ApprovalError
from approvals.organisation.models import Position
from approvals.organisation.selectors import action_scopes
from approvals.registers.models import Register, RegisterEntry
from approvals.registers.rollover import may_roll_over
from approvals.registers.services import number_void
from project.abilities import start_actions
from workflows.documents.esign import pin_needed
from workflows.nominations.flow_actions import flow_decide_batch
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.selectors import candidate_count, dossier_list_pending
from workflows.plans.models import PlanState
from workflows.plans.selectors import plan_list_awaiting, plan_list_drafts, plan_reach

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user holds and what waits for them."""
    today = timezone.localdate()
    positions = (
        Position.objects.active_on(today)
        .filter(user_id=cast(int, request.user.pk))
        .select_related("unit", "role")
        .order_by("unit__path", "role__name")
    )
    reach = plan_reach(user=request.user, day=today)
    work = {
        "drafts": plan_list_drafts(user=request.user).count(),
        "plans_awaiting": plan_list_awaiting(reach=reach).count(),
        "to_sign": plan_list_awaiting(reach=reach, states=(PlanState.SIGNATURE,)).count()
        + _decisions_awaiting(request.user, today).count(),
        "dossiers_pending": dossier_list_pending(user=request.user, day=today).count(),
    }
    actions = start_actions(user=request.user, day=today)
    return render(
        request,
        "home.html",
        {"positions": positions, "today": today, "work": work, "actions": actions},
    )


# --- the leader's signing inbox: plans and decisions together ---------------------------------

DECIDE = "nominations.decide_dossier"


def _decisions_awaiting(user: Any, day: datetime.date) -> QuerySet[Dossier]:
    scope = action_scopes(user=user, action_codes=[DECIDE], day=day)[DECIDE]
    awaiting: QuerySet[Dossier] = (
        Dossier.objects.filter(
            scope.q("deciding_unit"), state=DossierState.DECISION, signature__isnull=True
        )
        .select_related("proposing_unit", "deciding_unit", "decision_deadline")
        .annotate(candidate_count=candidate_count())
        .order_by(F("decision_deadline__due_on").asc(nulls_last=True), "pk")
    )
    return awaiting


@login_required
def inbox_sign(request: HttpRequest) -> HttpResponse:
    """Everything waiting for the user's signature, soonest due first; decisions in bulk."""
    day = timezone.localdate()
    reach = plan_reach(user=request.user, day=day)
    plans = list(plan_list_awaiting(reach=reach, states=(PlanState.SIGNATURE,))[:PAGE_SIZE])
    decisions = list(_decisions_awaiting(request.user, day)[:PAGE_SIZE])
    return render(
        request,
        "inbox_sign.html",
        {
            "plans": plans,
            "decisions": decisions,
            "today": day,
            "pin_needed": bool(decisions) and pin_needed(request.user),
        },
    )


@login_required
@require_POST
def inbox_sign_decisions(request: HttpRequest) -> HttpResponse:
    """Ký hàng loạt: sign the chosen decisions with one opening of the key (one PIN entry,
    one remote authorisation); each is its own step with its own outcome."""
    day = timezone.localdate()
    try:
        ids = sorted({int(v) for v in request.POST.getlist("dossier")})
    except ValueError:
        ids = []
    if not ids:
        messages.error(request, _("Choose at least one decision to sign."))
        return redirect("inbox_sign")
    dossiers = {d.pk: d for d in _decisions_awaiting(request.user, day).filter(pk__in=ids)}
    for pk in ids:
        if pk not in dossiers:
            messages.error(
                request, _("Decision %(id)s is not waiting for your signature.") % {"id": pk}
            )
    try:
        outcomes = flow_decide_batch(
            [dossiers[pk] for pk in ids if pk in dossiers],
            request.user,
            late_reason=request.POST.get("late_reason", ""),
            pin=request.POST.get("pin") or None,
        )
    except ApprovalError as exc:  # the key itself: wrong PIN, token absent, no certificate
        messages.error(request, _("No decision was signed: %(reason)s") % {"reason": exc})
        return redirect("inbox_sign")
    signed = 0
    for outcome in outcomes:
        if outcome.ok:
            signed += 1
        else:
            messages.error(request, f"{outcome.dossier.proposing_unit.name}: {outcome.refusal}")
    if signed:
        messages.success(
            request,
            ngettext("%(n)s decision signed.", "%(n)s decisions signed.", signed) % {"n": signed},
        )
    return redirect("inbox_sign")


# --- registers: numbers issued and voided --------------------------------------------------------

REGISTER_ACTIONS = ("approvals_registers.issue_number", "approvals_registers.void_number")


def _registers_for(user: Any, day: datetime.date) -> tuple[QuerySet[Register], Any]:
    scopes = action_scopes(user=user, action_codes=REGISTER_ACTIONS, day=day)
    scope = scopes[REGISTER_ACTIONS[0]].union(scopes[REGISTER_ACTIONS[1]])
    registers = (
        Register.objects.filter(scope.q("agency"))
        .select_related("agency")
        .annotate(issued=Count("entries"), last_issued=Max("entries__created_at"))
    )
    ordered = registers.order_by(F("last_issued").desc(nulls_last=True), "-year", "name")
    return ordered, scopes[REGISTER_ACTIONS[1]]


@login_required
def registers(request: HttpRequest) -> HttpResponse:
    """The registers the user keeps, and the numbers of the chosen one (paginated)."""
    day = timezone.localdate()
    available, void_scope = _registers_for(request.user, day)
    listed = list(available)
    chosen = None
    wanted = request.GET.get("register")
    if wanted:
        chosen = next((r for r in listed if str(r.pk) == wanted), None)
        if chosen is None:
            raise Http404(_("No such register, or you do not keep it."))
    elif listed:
        chosen = listed[0]
    page = None
    if chosen is not None:
        entries = (
            RegisterEntry.objects.filter(register=chosen)
            .select_related("kind", "issued_by", "voided_by", "drafting_unit")
            .order_by("-number")
        )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registers.html",
        {
            "registers": listed,
            "chosen": chosen,
            "page": page,
            "can_void": chosen is not None and void_scope.covers(chosen.agency),
            "can_roll_over": may_roll_over(request.user),
        },
    )


@login_required
@require_POST
def register_entry_void(request: HttpRequest, pk: int) -> HttpResponse:
    day = timezone.localdate()
    available, _void = _registers_for(request.user, day)
    entry = RegisterEntry.objects.filter(pk=pk, register__in=available).first()
    if entry is None:
        raise Http404(_("No such number in your registers."))
    try:
        number_void(
            entry=entry, user=cast(Any, request.user), reason=request.POST.get("reason", "")
        )
    except ApprovalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Number %(symbol)s voided.") % {"symbol": entry.symbol})
    return redirect(f"{reverse('registers')}?register={entry.register_id}")
