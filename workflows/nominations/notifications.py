"""Who holds a dossier's step, for the engine's reminders (registered in ``ready``).

A dossier has up to three deadlines: the year's review deadline (``review_deadline``, the
title's rule, e.g. 25/11 for households), held by whoever must take the dossier's next step
at the proposing unit until it is submitted; the public posting (``posting``), after which
the proposing unit submits the dossier; and the decision time limit (``decision``), held at
the deciding unit by whoever appraises, reviews in council, signs or numbers the decision,
depending on where the dossier is. While it is back with the proposing unit the decision
clock is paused, so it is not reminded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from approvals.notifications.registry import StepHolding, register_step_provider
from approvals.organisation.holders import StepQuery, step_holders_many
from workflows.nominations.cycle import REVIEW_DEADLINE
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.services import (
    APPRAISE,
    COUNCIL,
    DECIDE,
    NUMBER,
    SUBMIT,
)
from workflows.nominations.services.notices import PROPOSING_ACTIONS
from workflows.nominations.titles import SPECS, STEP_LABELS, Step

if TYPE_CHECKING:
    import datetime
    from collections.abc import Mapping, Sequence

    from approvals.calendar.models import Deadline
    from approvals.organisation.models import OrgUnit

SUBJECT_TYPE = "nominations.dossier"  # as services._common names it


def _before_submission(dossier: Dossier) -> tuple[str, OrgUnit, str] | None:
    """The next step of a dossier not yet submitted: its action, unit and name."""
    step = SPECS[dossier.title].next_step(dossier.state)
    if dossier.state == DossierState.RETURNED or step not in PROPOSING_ACTIONS:
        return None
    return PROPOSING_ACTIONS[step], dossier.proposing_unit, str(STEP_LABELS[step])


def _step(deadline: Deadline, dossier: Dossier) -> tuple[str, OrgUnit, str] | None:
    """The action, the unit and the step's name now due on ``deadline``, if any."""
    if deadline.purpose == REVIEW_DEADLINE:
        return _before_submission(dossier)
    if deadline.purpose == "posting" and dossier.state == DossierState.POSTING:
        return SUBMIT, dossier.proposing_unit, str(STEP_LABELS[Step.SUBMISSION])
    if deadline.purpose != "decision":
        return None
    if dossier.state == DossierState.SUBMITTED:
        return APPRAISE, dossier.deciding_unit, str(STEP_LABELS[Step.APPRAISAL])
    if dossier.state == DossierState.COUNCIL:
        return COUNCIL, dossier.deciding_unit, str(STEP_LABELS[Step.COUNCIL])
    if dossier.state == DossierState.DECISION:
        action = NUMBER if dossier.signature_id is not None else DECIDE
        return action, dossier.deciding_unit, str(STEP_LABELS[Step.DECISION])
    return None


def dossier_step_holdings(
    deadlines: Sequence[Deadline], day: datetime.date
) -> Mapping[int, StepHolding]:
    """The holders of each dossier deadline's step (three queries for any number)."""
    dossiers = Dossier.objects.select_related("proposing_unit", "deciding_unit").in_bulk(
        [int(d.subject_id) for d in deadlines if d.subject_id.isdigit()]
    )
    wanted: list[tuple[Deadline, Dossier, str, OrgUnit, str]] = []
    for deadline in deadlines:
        dossier = dossiers.get(int(deadline.subject_id)) if deadline.subject_id.isdigit() else None
        step = _step(deadline, dossier) if dossier is not None else None
        if dossier is not None and step is not None:
            wanted.append((deadline, dossier, *step))
    holders = step_holders_many(
        [StepQuery(action, unit) for _d, _dossier, action, unit, _s in wanted], on=day
    )
    return {
        deadline.pk: StepHolding(
            label=_label(dossier),
            url=reverse("nominations:detail", args=[dossier.pk]),
            step=step,
            unit=unit,
            holder_ids=ids,
        )
        for (deadline, dossier, _action, unit, step), ids in zip(wanted, holders, strict=True)
    }


def _label(dossier: Dossier) -> str:
    return f"{dossier.get_title_display()} {dossier.year} — {dossier.proposing_unit.name}"


def register() -> None:
    """Tell the engine how to find who holds a dossier's step."""
    register_step_provider(SUBJECT_TYPE, dossier_step_holdings)
