"""Who a nomination dossier's step tells: whoever takes the next step, and its author.

Each state-changing service calls :func:`dossier_step_notify` inside its transaction once
the dossier is where the step left it. The next step's holders are found as the reminders
find them (the proposing unit's people before the submission, the deciding unit's after
it: appraisal, council, signature, number). The dossier's author (who opened it) hears of
what the deciding level made of it: returned for supplement, accepted at the appraisal,
reviewed by the council (how many refused), the decision signed, issued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.acts import act_today
from approvals.organisation.holders import StepQuery, step_holders_many
from approvals.people import person_name
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.services._common import (
    APPRAISE,
    COUNCIL,
    DECIDE,
    MEETING,
    NUMBER,
    POSTING,
    SUBMIT,
)
from workflows.nominations.titles import SPECS, Step
from workflows.nominations.waiting import NUMBER_VERB, STEP_VERBS
from workflows.step_notices import CaseRef, step_tell

if TYPE_CHECKING:
    import datetime

    from django.utils.functional import Promise

__all__ = ["PROPOSING_ACTIONS", "DossierOutcome", "dossier_step_notify"]

SUBJECT_TYPE = "nominations.dossier"  # as services._common names it

#: The action that takes each step, at the proposing unit before the submission (the
#: reminders' ``workflows.nominations.notifications`` reads it too) and at the deciding unit after.
PROPOSING_ACTIONS = {
    Step.MEETING: MEETING,
    Step.LOCAL_COUNCIL: COUNCIL,
    Step.POSTING: POSTING,
    Step.SUBMISSION: SUBMIT,
}
_DECIDING_ACTIONS = {Step.APPRAISAL: APPRAISE, Step.COUNCIL: COUNCIL, Step.DECISION: DECIDE}


class DossierOutcome:
    """What the deciding level made of the dossier, told to its author."""

    RETURNED = "returned"
    ACCEPTED = "accepted"
    REVIEWED = "reviewed"
    SIGNED = "signed"
    ISSUED = "issued"


def _next(dossier: Dossier) -> tuple[StepQuery, Promise] | None:
    """The next step's holders query and what they do, or None when nothing waits."""
    if dossier.state in (DossierState.DECIDED, DossierState.RETURNED):
        return None
    if dossier.state == DossierState.DECISION and dossier.signature_id is not None:
        return StepQuery(NUMBER, dossier.deciding_unit), NUMBER_VERB
    step = SPECS[dossier.title].next_step(dossier.state)
    if step in _DECIDING_ACTIONS:
        return StepQuery(_DECIDING_ACTIONS[step], dossier.deciding_unit), STEP_VERBS[step]
    if step in PROPOSING_ACTIONS:
        return StepQuery(PROPOSING_ACTIONS[step], dossier.proposing_unit), STEP_VERBS[step]
    return None


def _outcome_title(outcome: str, dossier: Dossier, actor: str, **extra: Any) -> str:
    params = {"subject": str(dossier), "actor": actor, **extra}
    titles = {
        DossierOutcome.RETURNED: _("%(subject)s was returned for supplement by %(actor)s"),
        DossierOutcome.ACCEPTED: _("%(subject)s passed the appraisal by %(actor)s"),
        DossierOutcome.REVIEWED: _(
            "%(subject)s was reviewed by the emulation council: %(passed)s passed, "
            "%(refused)s refused"
        ),
        DossierOutcome.SIGNED: _("The decision on %(subject)s was signed by %(actor)s"),
        DossierOutcome.ISSUED: _("The decision on %(subject)s was issued as %(symbol)s"),
    }
    return titles[outcome] % params


def dossier_step_notify(
    dossier: Dossier,
    *,
    actor: Any,
    outcome: str | None = None,
    comment: str = "",
    on: datetime.date | None = None,
    **extra: Any,
) -> None:
    """Tell who the dossier now waits for, and its author of ``outcome`` (if any).

    ``extra`` fills the outcome's text (``passed``/``refused`` for the council). Five
    queries when someone must act next, two for an outcome alone."""
    found = _next(dossier)
    holders = step_holders_many([found[0]], on=on or act_today()) if found else []
    with translation.override(settings.LANGUAGE_CODE):
        title = body = ""
        if outcome is not None:
            if outcome == DossierOutcome.ISSUED:
                entry = dossier.register_entry
                extra.setdefault("symbol", entry.symbol if entry is not None else "")
            title = _outcome_title(outcome, dossier, person_name(actor, _("the system")), **extra)
            body = comment.strip()
            if outcome == DossierOutcome.RETURNED:
                body = "\n".join(
                    p for p in (body, _("Supplement the dossier and submit it again.")) if p
                )
        step_tell(
            CaseRef(
                SUBJECT_TYPE,
                str(dossier.pk),
                str(dossier),
                reverse("nominations:detail", args=[dossier.pk]),
            ),
            actor_id=getattr(actor, "pk", None),
            waiting=holders[0] if holders else frozenset(),
            verb=str(found[1]) if found else "",
            author_id=dossier.created_by_id,
            outcome=title,
            outcome_body=body,
        )
