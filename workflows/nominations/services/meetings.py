"""Review meetings: quorum, each candidate's votes and who goes on.

A dossier may hold several meetings. One without the quorum is recorded as held (date,
attendance, minutes) and marked inquorate: no vote is counted, the candidates keep their
states and votes, and the dossier stays in registration, waiting for a further meeting. A
quorate meeting counts the votes, moves the dossier on and is the one its decision cites
(``Dossier.meeting``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.services import audit_record
from approvals.exceptions import ValidationFailed
from approvals.organisation.resolver import Authority, require
from approvals.transitions import transition_perform
from workflows.nominations.models import Candidate, CandidateState, Dossier, Meeting
from workflows.nominations.services._common import (
    INQUORATE_MEETING,
    MEETING,
    VOTES_BATCH,
    _expect,
    _fmt,
    _locked,
    _move,
    _share,
    dossier_rules,
)
from workflows.nominations.services.eligibility import _reports_missing
from workflows.nominations.services.notices import dossier_step_notify
from workflows.nominations.titles import Step


@transaction.atomic
def meeting_record(
    *,
    dossier: Dossier,
    user: Any,
    held_on: datetime.date,
    invited: int,
    present: int,
    votes: dict[int, int],
    chaired_by: str,
    minutes: str = "",
) -> Meeting:
    """Record the review meeting: quorum from the rules, then each candidate's vote share.

    The meeting's day is an act's date (:func:`approvals.acts.act_date_check`): not after
    today, nor earlier than its grace; a refusal changes nothing.
    """
    locked = _locked(dossier)
    held_on = act_date_check(ActKind.MEETING, held_on, unit=locked.proposing_unit)
    spec = _expect(locked, Step.MEETING)
    authority = require(user, MEETING, locked, unit=locked.proposing_unit)
    _reports_missing(locked, spec)
    rules = dossier_rules(locked)
    if invited <= 0 or present < 0 or present > invited:
        raise ValidationFailed(_("Attendance must be between 0 and the number invited."))
    _after_previous(locked, held_on)
    quorum = rules.percent(spec.key("meeting_quorum_percent"))
    fields = {
        "dossier": locked,
        "held_on": held_on,
        "invited": invited,
        "present": present,
        "chaired_by": chaired_by,
        "minutes": minutes,
        "recorded_by": user,
        "quorum_percent": quorum,
    }
    if _share(present, invited) < quorum:
        return _inquorate(locked, user=user, authority=authority, fields=fields)
    registered = {
        c.pk: c
        for c in Candidate.objects.of_dossier(locked).filter(
            state=spec.candidates_before(Step.MEETING)
        )
    }
    unknown = sorted(set(votes) - set(registered))
    missing = sorted(set(registered) - set(votes))
    bad = sorted(pk for pk, n in votes.items() if n < 0 or n > present)
    if unknown or missing or bad:
        raise ValidationFailed(
            _(
                "Votes must be given for every registered candidate, between 0 and %(present)s "
                "(unknown: %(unknown)s; missing: %(missing)s; out of range: %(bad)s)."
            )
            % {"present": present, "unknown": unknown, "missing": missing, "bad": bad}
        )
    needed = rules.percent(spec.key("approval_percent"))
    # One UPDATE per distinct vote count (at most present + 1 of them, two or three in a
    # village), not a CASE per candidate: the meeting of 250 households is a few statements.
    by_count: dict[int, list[int]] = {}
    for pk, candidate in registered.items():
        candidate.votes_for = votes[pk]
        candidate.votes_cast = present
        by_count.setdefault(votes[pk], []).append(pk)
    for count, pks in sorted(by_count.items()):
        for start in range(0, len(pks), VOTES_BATCH):
            Candidate.objects.of_dossier(locked).filter(
                pk__in=pks[start : start + VOTES_BATCH]
            ).update(votes_for=count, votes_cast=present)
    passed = [pk for pk in registered if _share(votes[pk], present) >= needed]
    passed_set = set(passed)
    failed = [pk for pk in registered if pk not in passed_set]
    _move(
        locked,
        source=CandidateState.REGISTERED,
        target=CandidateState.VOTED,
        actor=user,
        action=MEETING,
        authority=authority,
        only=passed,
    )
    _move(
        locked,
        source=CandidateState.REGISTERED,
        target=CandidateState.NOT_VOTED,
        actor=user,
        action=MEETING,
        authority=authority,
        only=failed,
    )
    meeting = Meeting.objects.create(quorate=True, **fields)
    locked.meeting = meeting  # the meeting the decision will cite
    transition_perform(
        obj=locked,
        transition="hold_meeting",
        user=user,
        action=MEETING,
        unit=locked.proposing_unit,
        payload={
            "invited": invited,
            "present": present,
            "passed": len(passed),
            "meeting": meeting.pk,
            "held_on": held_on.isoformat(),
        },
        authority=authority,
    )
    dossier_step_notify(locked, actor=user)
    return meeting


def _after_previous(dossier: Dossier, held_on: datetime.date) -> None:
    """A further meeting is not dated before the one it follows."""
    previous = Meeting.objects.filter(dossier=dossier).order_by("-held_on", "-pk").first()
    if previous is not None and held_on < previous.held_on:
        raise ValidationFailed(
            _(
                "A further meeting cannot be dated %(day)s, before the previous meeting of "
                "%(previous)s."
            )
            % {"day": _fmt(held_on), "previous": _fmt(previous.held_on)}
        )


def _inquorate(
    dossier: Dossier, *, user: Any, authority: Authority, fields: dict[str, Any]
) -> Meeting:
    """Record a meeting without the quorum: held, with its minutes, counting no vote.

    The candidates keep their votes and states and the dossier its state, so it waits for
    a further meeting; the audit trail names the act as an inquorate meeting.
    """
    meeting = Meeting.objects.create(quorate=False, **fields)
    audit_record(
        actor=user,
        action=INQUORATE_MEETING,
        subject=dossier,
        from_state=dossier.state,
        to_state=dossier.state,
        comment=meeting.minutes,
        authority=authority,
        payload={
            "meeting": meeting.pk,
            "held_on": meeting.held_on.isoformat(),
            "recorded_at": meeting.recorded_at.isoformat() if meeting.recorded_at else None,
            "invited": meeting.invited,
            "present": meeting.present,
            "quorum_percent": str(meeting.quorum_percent),
        },
    )
    return meeting
