"""The public posting of the eligible list and the objections raised to it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.services import audit_record
from approvals.calendar.choices import DayKind
from approvals.calendar.services import deadline_start
from approvals.exceptions import DeadlinePassed, InvalidTransition, ValidationFailed
from approvals.organisation.resolver import require
from approvals.transitions import transition_perform
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState
from workflows.nominations.services._common import (
    POSTING,
    _expect,
    _fmt,
    _locked,
    _move,
    dossier_rules,
)
from workflows.nominations.services.eligibility import _reports_missing
from workflows.nominations.services.notices import dossier_step_notify
from workflows.nominations.titles import Step


@transaction.atomic
def posting_open(*, dossier: Dossier, user: Any, on: datetime.date | None = None) -> Dossier:
    """Post the eligible list publicly for the regulation's period, from ``on`` (today when
    not given; an act's date, :func:`approvals.acts.act_date_check`: its grace is 0, so a
    posting cannot be "served" retroactively)."""
    locked = _locked(dossier)
    day = act_date_check(ActKind.POSTING_START, on, unit=locked.proposing_unit)
    spec = _expect(locked, Step.POSTING)
    source = spec.candidates_before(Step.POSTING)
    period = dossier_rules(locked).period(spec.key("posting_period"))
    authority = require(user, POSTING, locked, unit=locked.proposing_unit)
    if locked.state == DossierState.REGISTRATION:
        _reports_missing(locked, spec)
    transition_perform(
        obj=locked,
        transition="open_posting",
        user=user,
        action=POSTING,
        unit=locked.proposing_unit,
        payload={"starts_on": day.isoformat()},
        authority=authority,
    )
    deadline = deadline_start(
        subject_type="nominations.dossier",
        subject_id=locked.pk,
        purpose="posting",
        length=period.length,
        day_kind=DayKind(period.day_kind),
        started_on=day,
        user=user,
    )
    Dossier.objects.filter(pk=locked.pk).update(posting_deadline=deadline)
    locked.posting_deadline = deadline
    _move(
        locked,
        source=source,
        target=CandidateState.POSTED,
        actor=user,
        action=POSTING,
        authority=authority,
    )
    dossier_step_notify(locked, actor=user, on=day)
    return locked


@transaction.atomic
def objection_record(
    *, candidate: Candidate, user: Any, text: str, upheld: bool, on: datetime.date | None = None
) -> Candidate:
    """Record a resident's objection to one posted candidate; an upheld one strikes it.

    ``on`` is the day it was received (today when not given), an act's date
    (:func:`approvals.acts.act_date_check`); the audit event keeps it beside the moment it
    was recorded.
    """
    dossier = _locked(candidate.dossier)
    day = act_date_check(ActKind.OBJECTION, on, unit=dossier.proposing_unit)
    locked: Candidate = Candidate.objects.select_for_update().row(candidate).get()
    if dossier.state != DossierState.POSTING or locked.state != CandidateState.POSTED:
        raise InvalidTransition(_("Objections are recorded while the list is posted."))
    if dossier.posting_deadline is not None and day > dossier.posting_deadline.due_on:
        raise DeadlinePassed(
            _("The posting period ended on %(date)s.")
            % {"date": _fmt(dossier.posting_deadline.due_on)}
        )
    if not text.strip():
        raise ValidationFailed(_("Write down the objection."))
    authority = require(user, POSTING, unit=dossier.proposing_unit)
    locked.objection = text.strip()
    target = CandidateState.STRUCK if upheld else CandidateState.POSTED
    Candidate.objects.row(locked).update(objection=locked.objection, state=target)
    audit_record(
        actor=user,
        action=POSTING,
        subject=locked,
        from_state=CandidateState.POSTED,
        to_state=target,
        comment=locked.objection,
        authority=authority,
        payload={"upheld": upheld, "received_on": day.isoformat()},
    )
    locked.refresh_from_db()
    return locked
