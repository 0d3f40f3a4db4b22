"""What a dossier waits for, and from whom, when the reader has nothing to do on it."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from approvals.calendar.models import Deadline
from workflows.nominations.cycle import REVIEW_DEADLINE
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.titles import SPECS, Step
from workflows.waiting import Waiting, acting_body

SUBJECT_TYPE = "nominations.dossier"  # as services._common names it

#: What each step's unit does, as a verb phrase ("Waiting for … to …").
STEP_VERBS = {
    Step.MEETING: _("hold the review meeting"),
    Step.LOCAL_COUNCIL: _("hold the emulation council's review"),
    Step.POSTING: _("post the list publicly"),
    Step.SUBMISSION: _("submit the dossier"),
    Step.APPRAISAL: _("appraise"),
    Step.COUNCIL: _("hold the emulation council's review"),
    Step.DECISION: _("sign the decision"),
}
NUMBER_VERB = _("number and issue the decision")

#: The steps taken at the deciding level (the others at the proposing unit).
DECIDING_STEPS = (Step.APPRAISAL, Step.COUNCIL, Step.DECISION)


def _running(deadline: Deadline | None) -> datetime.date | None:
    if deadline is None or deadline.completed_on is not None:
        return None
    return deadline.due_on


def _review_due(dossier: Dossier) -> datetime.date | None:
    found = (
        Deadline.objects.for_subject(subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk))
        .filter(purpose=REVIEW_DEADLINE, completed_on__isnull=True)
        .first()
    )
    return _running(found)


def dossier_waiting(dossier: Dossier) -> Waiting | None:
    """The unit the dossier's next step waits for, with the step's running deadline."""
    if dossier.state == DossierState.DECIDED:
        return None
    if dossier.state == DossierState.DECISION and dossier.signature_id is not None:
        return Waiting(
            acting_body(dossier.deciding_unit), NUMBER_VERB, _running(dossier.decision_deadline)
        )
    step = SPECS[dossier.title].next_step(dossier.state)
    if step is None:
        return None
    if step in DECIDING_STEPS:
        return Waiting(
            acting_body(dossier.deciding_unit),
            STEP_VERBS[step],
            _running(dossier.decision_deadline),
        )
    return Waiting(acting_body(dossier.proposing_unit), STEP_VERBS[step], _review_due(dossier))


__all__ = ["STEP_VERBS", "dossier_waiting"]
