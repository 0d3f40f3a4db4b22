"""The recognition decision: its checks, signature and number, and a title's revocation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.hashing import sha256_hex
from approvals.audit.services import audit_record, audit_record_each, signature_record
from approvals.bulk import update_returning_pks
from approvals.calendar.models import Deadline
from approvals.calendar.services import deadline_complete
from approvals.checkpoints.tasks import checkpoint_after_issue
from approvals.exceptions import DeadlinePassed, InvalidTransition, ValidationFailed
from approvals.organisation.resolver import Authority, require
from approvals.registers.models import DocumentKind
from approvals.registers.services import number_issue
from approvals.transitions import transition_perform
from workflows.nominations import decision_pdf
from workflows.nominations.choices import ground_label
from workflows.nominations.exceptions import CandidatesRefused
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState
from workflows.nominations.recognition import consecutive_years_after
from workflows.nominations.services._common import (
    CANDIDATE,
    DECIDE,
    NUMBER,
    REVOKE,
    _fmt,
    _locked,
    dossier_rules,
)
from workflows.nominations.services.eligibility import _criteria_problems
from workflows.nominations.services.notices import DossierOutcome, dossier_step_notify

#: A background job's progress: (done, total).
Progress = Callable[[int, int], None]

#: Candidates recognised per statement when the issue reports its progress.
RECOGNISE_BATCH = 500


def decision_checks(
    dossier: Dossier, user: Any, day: datetime.date, late_reason: str
) -> tuple[Deadline | None, Authority]:
    """What a decision must pass before it is signed (raises the refusal), and the decider's
    authority. The batch signing runs them again before it opens the key."""
    if dossier.state != DossierState.DECISION:
        raise InvalidTransition(
            _("The dossier is not waiting for a decision (now: %(state)s).")
            % {"state": dossier.get_state_display()}
        )
    if dossier.signature_id is not None:
        raise InvalidTransition(_("The decision is already signed; it awaits its number."))
    proposed = Candidate.objects.of_dossier(dossier).filter(state=CandidateState.PROPOSED)
    if not proposed.exists():
        raise ValidationFailed(_("No candidate is left to recognise."))
    problems = _criteria_problems(dossier, CandidateState.PROPOSED, day)
    if problems:
        raise CandidatesRefused(problems)
    deadline = dossier.decision_deadline
    late = deadline is not None and deadline.is_overdue(day)
    if deadline is not None and late and not late_reason.strip():
        raise DeadlinePassed(
            _("The time limit for the decision ended on %(date)s; record the reason for the delay.")
            % {"date": _fmt(deadline.due_on)}
        )
    return deadline, require(user, DECIDE, dossier, unit=dossier.deciding_unit)


@decision_pdf.refusal_recorded(decision_pdf.SIGN_REFUSED)
@transaction.atomic
def dossier_decide(
    *,
    dossier: Dossier,
    user: Any,
    on: datetime.date | None = None,
    late_reason: str = "",
    pin: str | None = None,
) -> Dossier:
    """The decider signs the decision recognising every proposed candidate: its PDF gets
    their digital signature (:mod:`workflows.nominations.decision_pdf`; ``pin`` of their token).

    After the regulation's time limit the decision needs a recorded reason. ``on`` is the
    decision's day, an act's date (:func:`approvals.acts.act_date_check`; today when not
    given): the dossier keeps it and the moment it was recorded.
    """
    locked = _locked(dossier)
    day = act_date_check(ActKind.DECISION, on, unit=locked.deciding_unit)
    deadline, authority = decision_checks(locked, user, day, late_reason)
    signature = signature_record(
        subject=locked,
        content=decision_pdf.sign_decision(locked, authority=authority, signer=user, pin=pin),
        user=user,
        action_code=DECIDE,
        unit=locked.deciding_unit,
        comment=late_reason,
        authority=authority,
    )
    recorded_at = timezone.now()
    Dossier.objects.filter(pk=locked.pk).update(
        signature=signature,
        late_reason=late_reason.strip(),
        decided_on=day,
        decision_recorded_at=recorded_at,
    )
    locked.decided_on, locked.decision_recorded_at = day, recorded_at
    if deadline is not None and deadline.completed_on is None:
        deadline_complete(deadline=deadline, on=max(day, deadline.started_on), user=user)
    locked.signature = signature
    dossier_step_notify(locked, actor=user, outcome=DossierOutcome.SIGNED, on=day)
    return locked


def decision_issue_check(
    *, dossier: Dossier, user: Any, on: datetime.date | None = None
) -> tuple[Dossier, datetime.date, Authority]:
    """What numbering the decision checks first (raises the refusal; changes nothing): the
    day of issue, a signed decision waiting for its number, the clerk's authority."""
    day = act_date_check(ActKind.ISSUE, on, unit=dossier.deciding_unit)
    if dossier.state != DossierState.DECISION or dossier.signature_id is None:
        raise InvalidTransition(_("Only a signed decision can be numbered."))
    return dossier, day, require(user, NUMBER, dossier, unit=dossier.deciding_unit)


@decision_pdf.refusal_recorded(decision_pdf.ISSUE_REFUSED)
@transaction.atomic
def decision_issue(
    *,
    dossier: Dossier,
    user: Any,
    on: datetime.date | None = None,
    progress: Progress | None = None,
) -> Dossier:
    """Number the signed decision, fill the number and date in its PDF and add the deciding
    unit's seal signature; record every recognition in bulk.

    ``on`` is the day of issue, an act's date (:func:`approvals.acts.act_date_check`; today
    when not given); the register entry keeps it and the moment it was recorded.
    ``progress`` (a background job's) is told ``(done, total)`` of the candidates plus two
    phases (numbering and sealing the PDF; the dossier's transition); the candidates are
    then recognised in batches of :data:`RECOGNISE_BATCH`.
    """
    locked, day, authority = decision_issue_check(dossier=_locked(dossier), user=user, on=on)
    total = 0
    if progress is not None:
        total = Candidate.objects.of_dossier(locked).filter(state=CandidateState.PROPOSED).count()
        progress(0, total + 2)
    entry = number_issue(
        agency=locked.deciding_unit,
        kind=DocumentKind.objects.get(code="decision"),
        issued_on=day,
        user=user,
        subject=locked,
        subject_summary=_("Recognising the title “%(title)s” for %(year)s")
        % {"title": locked.get_title_display(), "year": locked.year},
    )
    Dossier.objects.filter(pk=locked.pk).update(register_entry=entry)
    locked.register_entry = entry
    issued = decision_pdf.issue_decision(locked, entry=entry, day=day)
    if progress is None:
        _recognise(locked, user, authority)
    else:
        report = progress
        report(1, total + 2)
        _recognise(
            locked,
            user,
            authority,
            batch=RECOGNISE_BATCH,
            progress=lambda done: report(1 + done, total + 2),
        )
    transition_perform(
        obj=locked,
        transition="decide",
        user=user,
        action=NUMBER,
        unit=locked.deciding_unit,
        payload={"symbol": entry.symbol, "issued_on": day.isoformat()},
        authority=authority,
        content_hash=sha256_hex(issued),
    )
    dossier_step_notify(locked, actor=user, outcome=DossierOutcome.ISSUED, on=day)
    checkpoint_after_issue()
    if progress is not None:
        progress(total + 2, total + 2)
    return locked


def _recognise(
    dossier: Dossier,
    user: Any,
    authority: Authority,
    *,
    action: str = DECIDE,
    batch: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """PROPOSED → RECOGNISED in one statement (or one per ``batch`` candidates, telling
    ``progress`` how many are done), counting consecutive years in the database; each
    candidate's audit event is taken under ``action``. Returns how many."""
    proposed = Candidate.objects.of_dossier(dossier).filter(state=CandidateState.PROPOSED)
    if batch is None:
        chunks = [proposed]
    else:
        pks = list(proposed.order_by("pk").values_list("pk", flat=True))
        chunks = [proposed.filter(pk__in=pks[i : i + batch]) for i in range(0, len(pks), batch)]
    done = 0
    for chunk in chunks:
        ids = update_returning_pks(
            chunk,
            state=CandidateState.RECOGNISED,
            consecutive_years=consecutive_years_after(dossier),
        )
        audit_record_each(
            subject_type=CANDIDATE,
            subject_ids=ids,
            actor=user,
            action=action,
            from_state=CandidateState.PROPOSED,
            to_state=CandidateState.RECOGNISED,
            authority=authority,
        )
        done += len(ids)
        if progress is not None:
            progress(done)
    return done


@transaction.atomic
def candidate_revoke(*, candidate: Candidate, user: Any, ground: str, note: str) -> Candidate:
    """Annul one candidate's title on a legal ground; the rest of the decision stands."""
    dossier = _locked(candidate.dossier)
    locked: Candidate = Candidate.objects.select_for_update().row(candidate).get()
    if locked.state != CandidateState.RECOGNISED:
        raise InvalidTransition(_("Only a recognised title can be revoked."))
    grounds = dossier_rules(dossier).get("title.revocation_grounds")
    if ground not in grounds:
        raise ValidationFailed(
            _("“%(ground)s” is not a legal ground for revocation (%(grounds)s).")
            % {
                "ground": ground_label(ground),
                "grounds": "; ".join(ground_label(g) for g in grounds),
            }
        )
    if not note.strip():
        raise ValidationFailed(_("Describe the finding the revocation rests on."))
    authority = require(user, REVOKE, dossier, unit=dossier.deciding_unit)
    Candidate.objects.row(locked).update(
        state=CandidateState.REVOKED, revocation_ground=ground, revocation_note=note.strip()
    )
    audit_record(
        actor=user,
        action=REVOKE,
        subject=locked,
        from_state=CandidateState.RECOGNISED,
        to_state=CandidateState.REVOKED,
        comment=note.strip(),
        authority=authority,
        payload={"ground": ground},
    )
    locked.refresh_from_db()
    return locked
