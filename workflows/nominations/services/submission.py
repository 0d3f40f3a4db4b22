"""Submitting the dossier to the deciding level, its appraisal and its return."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.services import (
    deadline_complete,
    deadline_pause,
    deadline_resume,
    deadline_start,
)
from approvals.exceptions import ValidationFailed
from approvals.organisation.resolver import require
from approvals.transitions import transition_perform
from workflows.nominations.cycle import REVIEW_DEADLINE, review_deadline
from workflows.nominations.exceptions import CandidatesRefused, PostingNotOver
from workflows.nominations.models import CandidateState, Dossier, DossierState
from workflows.nominations.services._common import (
    APPRAISE,
    SUBJECT_TYPE,
    SUBMIT,
    _deadline,
    _expect,
    _fmt,
    _locked,
    _move,
    _spec,
    _today,
    dossier_rules,
)
from workflows.nominations.services.eligibility import _criteria_problems, _reports_missing
from workflows.nominations.services.notices import DossierOutcome, dossier_step_notify
from workflows.nominations.titles import Step


@transaction.atomic
def dossier_submit(*, dossier: Dossier, user: Any, on: datetime.date | None = None) -> Dossier:
    """Send the dossier to the deciding level; a posting cannot be closed early."""
    day = on or _today()
    locked = _locked(dossier)
    if locked.state == DossierState.RETURNED:
        return _resubmit(locked, user, day)
    spec = _expect(locked, Step.SUBMISSION)
    if locked.state == DossierState.POSTING:
        posting = _deadline(locked.posting_deadline)
        if day <= posting.due_on:
            raise PostingNotOver(
                _("The public posting runs until %(date)s; it cannot be closed early.")
                % {"date": _fmt(posting.due_on)}
            )
    authority = require(user, SUBMIT, locked, unit=locked.proposing_unit)
    if locked.state == DossierState.REGISTRATION:
        _reports_missing(locked, spec)
    source = spec.candidates_before(Step.SUBMISSION)
    problems = _criteria_problems(locked, source, day)
    if problems:
        raise CandidatesRefused(problems)
    if locked.state == DossierState.POSTING:
        deadline_complete(deadline=_deadline(locked.posting_deadline), on=day, user=user)
    late = _review_deadline_close(locked, user, day)
    transition_perform(
        obj=locked,
        transition="submit",
        user=user,
        action=SUBMIT,
        unit=locked.proposing_unit,
        authority=authority,
        payload=(
            {"review_deadline": late.isoformat(), "submitted_after_review_deadline": True}
            if late is not None
            else None
        ),
    )
    proposed = _move(
        locked,
        source=source,
        target=CandidateState.PROPOSED,
        actor=user,
        action=SUBMIT,
        authority=authority,
    )
    if not proposed:
        raise ValidationFailed(_("No candidate is left to propose."))
    period = dossier_rules(locked).period(spec.decision_period)
    deadline = deadline_start(
        subject_type=SUBJECT_TYPE,
        subject_id=locked.pk,
        purpose="decision",
        length=period.length,
        day_kind=DayKind(period.day_kind),
        started_on=day,
        user=user,
    )
    Dossier.objects.filter(pk=locked.pk).update(decision_deadline=deadline)
    locked.decision_deadline = deadline
    dossier_step_notify(locked, actor=user, on=day)
    return locked


def _review_deadline_close(locked: Dossier, user: Any, day: datetime.date) -> datetime.date | None:
    """Close the dossier's review-deadline clock; the deadline missed on ``day``, if any.

    Submitting after the review deadline is not refused (the deciding level judges): the
    dossier records the deadline it missed, which the page, the API and the audit show.
    """
    for running in Deadline.objects.for_subject(
        subject_type=SUBJECT_TYPE, subject_id=str(locked.pk)
    ).filter(purpose=REVIEW_DEADLINE, completed_on__isnull=True):
        deadline_complete(deadline=running, on=max(day, running.started_on), user=user)
    deadline = review_deadline(_spec(locked), dossier_rules(locked), locked.year)
    if deadline is None or day <= deadline:
        return None
    locked.review_deadline_missed = deadline  # saved with the transition
    return deadline


def _resubmit(locked: Dossier, user: Any, day: datetime.date) -> Dossier:
    transition_perform(
        obj=locked, transition="submit", user=user, action=SUBMIT, unit=locked.proposing_unit
    )
    deadline_resume(deadline=_deadline(locked.decision_deadline), on=day, user=user)
    dossier_step_notify(locked, actor=user, on=day)
    return locked


@transaction.atomic
def dossier_return(
    *, dossier: Dossier, user: Any, comment: str, on: datetime.date | None = None
) -> Dossier:
    """The culture officer returns the dossier for supplement; the decision clock stops."""
    day = on or _today()
    locked = _locked(dossier)
    if not comment.strip():
        raise ValidationFailed(_("Say what is missing: a comment is required."))
    transition_perform(
        obj=locked,
        transition="return_for_supplement",
        user=user,
        action=APPRAISE,
        comment=comment,
        require_comment=True,
        unit=locked.deciding_unit,
    )
    deadline_pause(deadline=_deadline(locked.decision_deadline), on=day, user=user)
    dossier_step_notify(
        locked, actor=user, outcome=DossierOutcome.RETURNED, comment=comment, on=day
    )
    return locked


@transaction.atomic
def dossier_accept(*, dossier: Dossier, user: Any, comment: str = "") -> Dossier:
    """The appraisal finds the dossier complete: on to the council or the decision."""
    locked = _locked(dossier)
    target = DossierState.COUNCIL if _spec(locked).council else DossierState.DECISION
    transition_perform(
        obj=locked,
        transition="accept",
        user=user,
        action=APPRAISE,
        comment=comment,
        unit=locked.deciding_unit,
        to=target,
    )
    dossier_step_notify(locked, actor=user, outcome=DossierOutcome.ACCEPTED, comment=comment)
    return locked
