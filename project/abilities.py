"""What a user may do on the site, read once per request: the start page's main actions and the
menu entries a role uses. Everything comes from the resolver (``decide``) and the action scopes
built on it, never from role names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from approvals.organisation.selectors import ActionScope, action_scopes
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.selectors import proposing_units_for
from workflows.plans.models import Plan, PlanState
from workflows.plans.selectors import plan_list_awaiting, plan_reach

DRAFT_PLAN = "plans.draft_plan"
ISSUE_PLAN = "plans.issue_plan"
SIGN_PLAN = "plans.sign_plan"
REGISTER_CANDIDATES = "nominations.register_candidates"
DECIDE_DOSSIER = "nominations.decide_dossier"
NUMBER_DECISION = "nominations.number_decision"
REGISTER_ACTIONS = ("approvals_registers.issue_number", "approvals_registers.void_number")

#: Actions that make the plans pages part of a user's work.
PLAN_ACTIONS = (
    DRAFT_PLAN,
    "plans.review_plan",
    "plans.check_plan_format",
    "plans.answer_consultation",
    SIGN_PLAN,
    ISSUE_PLAN,
    "plans.acknowledge_plan",
    "plans.submit_report",
    "plans.close_plan",
)
#: Actions that make the nomination pages part of a user's work.
DOSSIER_ACTIONS = (
    REGISTER_CANDIDATES,
    "nominations.record_meeting",
    "nominations.run_posting",
    "nominations.submit_dossier",
    "nominations.appraise_dossier",
    "nominations.record_council",
    DECIDE_DOSSIER,
    NUMBER_DECISION,
    "nominations.revoke_title",
    "nominations.record_paper_decision",
)
#: Actions taken above the village: who takes them follows the dashboard of pending dossiers.
OVERSIGHT_ACTIONS = (
    "nominations.appraise_dossier",
    "nominations.record_council",
    DECIDE_DOSSIER,
    NUMBER_DECISION,
)
SIGN_ACTIONS = (SIGN_PLAN, DECIDE_DOSSIER)


def _any(scopes: dict[str, ActionScope], codes: tuple[str, ...]) -> bool:
    return any(scopes[code] for code in codes)


def menu_keys(*, user: Any, day: datetime.date) -> set[str]:
    """The menu entries (``project.menu.MENU`` keys) of the pages the user works with."""
    codes = {*PLAN_ACTIONS, *DOSSIER_ACTIONS, *REGISTER_ACTIONS}
    scopes = action_scopes(user=user, action_codes=sorted(codes), day=day)
    keys = {"notifications", "verify", "jobs"}
    if _any(scopes, PLAN_ACTIONS):
        keys.add("plans")
    if _any(scopes, SIGN_ACTIONS):
        keys.add("sign")
    if _any(scopes, DOSSIER_ACTIONS):
        keys.add("dossiers")
    if _any(scopes, OVERSIGHT_ACTIONS):
        keys.add("dashboard")
    if _any(scopes, REGISTER_ACTIONS):
        keys.add("registers")
    return keys


def decisions_awaiting_number(*, user: Any, day: datetime.date) -> QuerySet[Dossier]:
    """Signed decisions the user may number, oldest first."""
    scope = action_scopes(user=user, action_codes=[NUMBER_DECISION], day=day)[NUMBER_DECISION]
    if not scope:
        none: QuerySet[Dossier] = Dossier.objects.none()
        return none
    waiting: QuerySet[Dossier] = (
        Dossier.objects.filter(
            scope.q("deciding_unit"),
            state=DossierState.DECISION,
            signature__isnull=False,
            register_entry__isnull=True,
        )
        .select_related("proposing_unit", "deciding_unit")
        .order_by("decided_on", "pk")
    )
    return waiting


def plans_awaiting_number(*, user: Any, day: datetime.date) -> QuerySet[Plan]:
    """Signed plans the user may number and dispatch, longest waiting first."""
    reach = plan_reach(user=user, day=day)
    return plan_list_awaiting(reach=reach, states=(PlanState.SIGNED,))


@dataclass(frozen=True)
class StartActions:
    """The main actions of the start page ("Việc của tôi") the user may take."""

    draft_plan: bool
    open_dossier: bool
    number: bool
    plans_to_number: list[Plan]
    decisions_to_number: list[Dossier]

    @property
    def to_number(self) -> int:
        return len(self.plans_to_number) + len(self.decisions_to_number)

    @property
    def any(self) -> bool:
        return self.draft_plan or self.open_dossier or self.number


def start_actions(*, user: Any, day: datetime.date) -> StartActions:
    """What the start page offers: draft a plan, open a dossier, number documents."""
    scopes = action_scopes(
        user=user,
        action_codes=[DRAFT_PLAN, ISSUE_PLAN, NUMBER_DECISION, REGISTER_CANDIDATES],
        day=day,
    )
    # the resolver's answer for a unit with no object yet: the units proposing_units_for
    # gives exist on the day, and no grant or separation of duties applies without one
    open_dossier = any(
        scopes[REGISTER_CANDIDATES].covers(unit) for unit in proposing_units_for(user=user, day=day)
    )
    number = bool(scopes[ISSUE_PLAN] or scopes[NUMBER_DECISION])
    return StartActions(
        draft_plan=bool(scopes[DRAFT_PLAN]),
        open_dossier=open_dossier,
        number=number,
        plans_to_number=list(plans_awaiting_number(user=user, day=day)) if number else [],
        decisions_to_number=(list(decisions_awaiting_number(user=user, day=day)) if number else []),
    )


__all__ = [
    "StartActions",
    "decisions_awaiting_number",
    "menu_keys",
    "plans_awaiting_number",
    "start_actions",
]
