"""The emulation council's review of a dossier's candidates."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.resolver import require
from approvals.transitions import transition_perform
from workflows.nominations.exceptions import NoQuorum
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    CouncilReview,
    Dossier,
    DossierState,
)
from workflows.nominations.services._common import (
    COUNCIL,
    _locked,
    _move,
    _share,
    _spec,
    dossier_rules,
)
from workflows.nominations.services.eligibility import _reports_missing
from workflows.nominations.services.notices import DossierOutcome, dossier_step_notify
from workflows.nominations.titles import Step

if TYPE_CHECKING:
    from collections.abc import Sequence


@transaction.atomic
def council_record(
    *,
    dossier: Dossier,
    user: Any,
    minutes: str,
    refused: Sequence[Candidate] = (),
    held_on: datetime.date | None = None,
    members: int | None = None,
    present: int | None = None,
    votes: dict[int, int] | None = None,
) -> Dossier:
    """The emulation council's review, with minutes; candidates it rejects drop out.

    Where the title places the council before submission (a commune's council on its
    villages) it sits at the proposing unit and its list goes on to the posting; after
    appraisal it sits at the deciding unit and those it rejects are refused. When the rules
    give the council's approval share, every candidate's votes are required and decide.
    """
    locked = _locked(dossier)
    spec = _spec(locked)
    step = spec.next_step(locked.state)
    if step not in (Step.LOCAL_COUNCIL, Step.COUNCIL):
        raise InvalidTransition(
            _("The dossier is not waiting for an emulation council's review (now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    local = step == Step.LOCAL_COUNCIL
    unit = locked.proposing_unit if local else locked.deciding_unit
    # The appraisal's day is an act's date (today when not given), checked before any change.
    day = act_date_check(ActKind.APPRAISAL, held_on, unit=unit)
    if not minutes.strip():
        raise ValidationFailed(_("The council's minutes are required."))
    authority = require(user, COUNCIL, locked, unit=unit)
    if local and locked.state == DossierState.REGISTRATION:
        _reports_missing(locked, spec)
    source = spec.candidates_before(step)
    active = set(
        Candidate.objects.of_dossier(locked).filter(state=source).values_list("pk", flat=True)
    )
    rejected = {c.pk for c in refused}
    if rejected - active:
        raise ValidationFailed(
            _("Only candidates before the council can be rejected (not: %(ids)s).")
            % {"ids": sorted(rejected - active)}
        )
    rules = dossier_rules(locked)
    quorum_key, share_key = spec.key("council_quorum_percent"), spec.key("council_approval_percent")
    if share_key in rules.rules and votes is None:
        raise ValidationFailed(
            _("The rules set the council's approval share: give each candidate's votes.")
        )
    if votes is not None:
        if members is None or present is None or not 0 < present <= members:
            raise ValidationFailed(
                _("Give the council's members and how many were present (at least one).")
            )
        if quorum_key in rules.rules and _share(present, members) < rules.percent(quorum_key):
            raise NoQuorum(
                _(
                    "No quorum: %(present)s of the council's %(members)s members attended; the "
                    "rules require %(quorum)s%%."
                )
                % {"present": present, "members": members, "quorum": rules.percent(quorum_key)}
            )
        unknown = sorted(set(votes) - active)
        missing = sorted(active - set(votes))
        bad = sorted(pk for pk, n in votes.items() if n < 0 or n > present)
        if unknown or missing or bad:
            raise ValidationFailed(
                _(
                    "Votes must be given for every candidate before the council, between 0 and "
                    "%(present)s (unknown: %(unknown)s; missing: %(missing)s; out of range: "
                    "%(bad)s)."
                )
                % {"present": present, "unknown": unknown, "missing": missing, "bad": bad}
            )
        if share_key in rules.rules:
            needed = rules.percent(share_key)
            rejected |= {pk for pk in active if _share(votes[pk], present) < needed}
    passed = sorted(active - rejected)
    transition_perform(
        obj=locked,
        transition="review" if local else "council_reviewed",
        user=user,
        action=COUNCIL,
        comment=minutes,
        unit=unit,
        payload={"passed": len(passed), "rejected": len(rejected), "held_on": day.isoformat()},
        authority=authority,
    )
    CouncilReview.objects.create(
        dossier=locked,
        unit=unit,
        held_on=day,
        members=members,
        present=present,
        votes={str(pk): n for pk, n in (votes or {}).items()},
        minutes=minutes.strip(),
        recorded_by=user,
    )
    if local:
        _move(
            locked,
            source=source,
            target=CandidateState.VOTED,
            actor=user,
            action=COUNCIL,
            authority=authority,
            only=passed,
        )
    _move(
        locked,
        source=source,
        target=CandidateState.NOT_VOTED if local else CandidateState.REFUSED,
        actor=user,
        action=COUNCIL,
        authority=authority,
        only=sorted(rejected),
    )
    if local:
        dossier_step_notify(locked, actor=user, on=day)
    else:
        dossier_step_notify(
            locked,
            actor=user,
            outcome=DossierOutcome.REVIEWED,
            comment=minutes,
            on=day,
            passed=len(passed),
            refused=len(rejected),
        )
    return locked
