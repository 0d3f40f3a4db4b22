"""Who a plan's step tells: whoever must act next, and the drafter of an outcome.

Each state-changing service calls :func:`plan_step_notify` inside its transaction once the
plan is where the step left it. The people the plan now waits for are those who hold its
new step (as the reminders find them, :func:`approvals.organisation.holders.step_holders_many`):
the division head, the office, the signing leaders, the records clerk once it is signed,
the consulted agencies' people while it is out for opinions, the recipient units once it
is dispatched. The drafter hears of what became of the plan: approved at a review,
returned, signed, issued, closed. The actor is never told of their own step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.acts import act_today
from approvals.organisation.holders import StepQuery, step_holders_many
from approvals.people import person_name
from workflows.plans.models import Consultation, ConsultationStatus, Plan, PlanState
from workflows.plans.services.steps import ACKNOWLEDGE, ANSWER, ISSUE, STEP_ACTION, step_unit
from workflows.step_notices import CaseRef, step_tell

if TYPE_CHECKING:
    import datetime

    from approvals.organisation.models import OrgUnit

__all__ = ["STEP_VERBS", "Outcome", "plan_step_notify"]

SUBJECT_TYPE = "plans.plan"

#: What the holders of each step do, as a verb phrase ("Waiting for … to …"); the plan's
#: page (``workflows.plans.waiting``) reads the same table.
STEP_VERBS: dict[str, Promise] = {
    PlanState.DRAFT: gettext_lazy("finish and submit the draft"),
    PlanState.DIVISION_REVIEW: gettext_lazy("review the draft"),
    PlanState.FORMAT_CHECK: gettext_lazy("check the format"),
    PlanState.CONSULTATION: gettext_lazy("give their opinions"),
    PlanState.SIGNATURE: gettext_lazy("sign"),
    PlanState.SIGNED: gettext_lazy("number, date and dispatch"),
    PlanState.IN_FORCE: gettext_lazy("acknowledge receipt"),
}


class Outcome:
    """What became of the drafter's plan, told to the drafter."""

    APPROVED = "approved"
    RETURNED = "returned"
    SIGNED = "signed"
    ISSUED = "issued"
    CLOSED = "closed"


def _waiting_queries(plan: Plan, recipients: list[OrgUnit] | None) -> list[StepQuery]:
    """Who the plan waits for where it is now, as queries for its step's holders."""
    state = str(plan.state)
    author = frozenset({plan.author_id})
    if state == PlanState.CONSULTATION:
        pending = Consultation.objects.filter(
            plan=plan, revision__number=plan.revision_number, status=ConsultationStatus.PENDING
        ).select_related("agency")
        return [StepQuery(ANSWER, c.agency) for c in pending]
    if state == PlanState.SIGNED:
        return [StepQuery(ISSUE, plan.issuing_agency)]
    if state == PlanState.IN_FORCE and recipients:
        return [StepQuery(ACKNOWLEDGE, unit) for unit in recipients]
    if state in STEP_ACTION:
        return [StepQuery(STEP_ACTION[state], step_unit(plan, state), author)]
    return []


def _outcome_title(outcome: str, label: str, actor: str, step: str, symbol: str) -> str:
    params = {"subject": label, "actor": actor, "step": step, "symbol": symbol}
    titles = {
        Outcome.APPROVED: _("%(subject)s was approved at “%(step)s” by %(actor)s"),
        Outcome.RETURNED: _("%(subject)s was returned to you by %(actor)s"),
        Outcome.SIGNED: _("%(subject)s was signed by %(actor)s"),
        Outcome.ISSUED: _("%(subject)s was issued as %(symbol)s"),
        Outcome.CLOSED: _("%(subject)s was closed by %(actor)s"),
    }
    return titles[outcome] % params


def plan_step_notify(
    plan: Plan,
    *,
    actor: Any,
    outcome: str | None = None,
    step: str = "",
    comment: str = "",
    recipients: list[OrgUnit] | None = None,
    on: datetime.date | None = None,
) -> None:
    """Tell who the plan now waits for, and its drafter of ``outcome`` (if any).

    ``step`` is the state the outcome was reached at (for "approved at …"); ``recipients``
    the units a just-issued plan was dispatched to. Four queries when someone must act
    next (one more while the plan is out for opinions), two for an outcome alone.
    """
    day = on or act_today()
    queries = _waiting_queries(plan, recipients)
    holders = step_holders_many(queries, on=day) if queries else []
    with translation.override(settings.LANGUAGE_CODE):
        state = str(plan.state)
        verb = str(STEP_VERBS.get(state, PlanState(state).label))
        title = body = ""
        if outcome is not None:
            step_name = str(PlanState(step).label) if step in PlanState.values else step
            register = plan.register_entry if outcome == Outcome.ISSUED else None
            title = _outcome_title(
                outcome,
                str(plan),
                person_name(actor, _("the system")),
                step_name,
                register.symbol if register is not None else "",
            )
            body = comment.strip()
            if outcome == Outcome.RETURNED:
                body = "\n".join(p for p in (body, _("Revise the draft and submit it again.")) if p)
        step_tell(
            CaseRef(SUBJECT_TYPE, str(plan.pk), str(plan), reverse("plans:detail", args=[plan.pk])),
            actor_id=getattr(actor, "pk", None),
            waiting=frozenset(pk for ids in holders for pk in ids),
            verb=verb,
            author_id=plan.author_id,
            outcome=title,
            outcome_body=body,
        )
