"""Every change to an exemplary model goes through these services.

Each runs in one transaction, locks the model's row, asks the engine's resolver (the
proposing unit proposes, the culture office verifies, the steering committee reviews and
commends, the adopting unit records its adoption) and writes its audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check, act_today
from approvals.audit.hashing import sha256_hex
from approvals.audit.services import audit_record
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.models import OrgUnit, UnitKind
from approvals.organisation.resolver import require
from approvals.transitions import transition_perform
from workflows.exemplary.models import (
    Adoption,
    Commendation,
    CommitteeReview,
    Evidence,
    ExemplaryModel,
    ModelKind,
    ModelState,
    ReviewKind,
    Verification,
    VerificationOutcome,
)
from workflows.nominations.models import Candidate, Dossier, Household
from workflows.nominations.services import candidates_register

PROPOSE = "exemplary.propose_model"
VERIFY = "exemplary.verify_model"
REVIEW = "exemplary.review_model"
COMMEND = "exemplary.commend_model"
ADOPT = "exemplary.record_adoption"

#: States in which a model is recognised and can be commended, put forward and adopted.
RECOGNISED = (ModelState.APPROVED,)


_today = act_today  # today in the site's zone, or the day history is built as of


def _locked(model: ExemplaryModel) -> ExemplaryModel:
    locked: ExemplaryModel = (
        ExemplaryModel.objects.select_for_update(of=("self",))
        .select_related("proposing_unit", "culture_office", "committee", "collective")
        .get(pk=model.pk)
    )
    return locked


def _text(value: str, message: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed(message)
    return text


def _recognised(model: ExemplaryModel) -> None:
    if model.state not in RECOGNISED:
        raise InvalidTransition(
            _("The model “%(name)s” is in state “%(state)s”; it is not a recognised model yet.")
            % {"name": model.name, "state": model.get_state_display()}
        )


@transaction.atomic
def model_propose(
    *,
    user: Any,
    name: str,
    kind: str,
    proposing_unit: OrgUnit,
    culture_office: OrgUnit,
    committee: OrgUnit,
    achievements: str,
    movement_content: str,
    period: str,
    collective: OrgUnit | None = None,
    household: Household | None = None,
    person: Any = None,
    evidence: str = "",
    on: datetime.date | None = None,
) -> ExemplaryModel:
    """A unit proposes a collective, an individual or a household as an exemplary model.

    ``on`` is the date of the unit's proposal, a document it issues: dated the day it is
    recorded (``act_dates.issue_grace``)."""
    if kind not in ModelKind.values:
        raise ValidationFailed(_("Unknown kind of model “%(kind)s”.") % {"kind": kind})
    subject = {
        ModelKind.COLLECTIVE: collective,
        ModelKind.HOUSEHOLD: household,
        ModelKind.INDIVIDUAL: person,
    }[ModelKind(kind)]
    if subject is None:
        raise ValidationFailed(
            _("A model of kind “%(kind)s” must name its %(kind)s.")
            % {"kind": ModelKind(kind).label.lower()}
        )
    if committee.kind != UnitKind.STEERING_COMMITTEE:
        raise ValidationFailed(
            _("%(unit)s is not a steering committee.") % {"unit": committee.name}
        )
    if collective is not None and not collective.is_within(proposing_unit):
        raise ValidationFailed(
            _("%(unit)s is not under %(proposing)s, so it cannot propose it.")
            % {"unit": collective.name, "proposing": proposing_unit.name}
        )
    if (
        household is not None
        and not OrgUnit.objects.filter(
            pk=household.village_id, path__startswith=proposing_unit.path
        ).exists()
    ):
        raise ValidationFailed(
            _("Household %(code)s does not live in %(unit)s.")
            % {"code": household.code, "unit": proposing_unit.name}
        )
    day = act_date_check(ActKind.ISSUE, on, unit=proposing_unit)
    authority = require(user, PROPOSE, unit=proposing_unit, at=day)
    model: ExemplaryModel = ExemplaryModel.objects.create(
        name=_text(name, _("The model has no name.")),
        kind=kind,
        proposing_unit=proposing_unit,
        culture_office=culture_office,
        committee=committee,
        collective=collective if kind == ModelKind.COLLECTIVE else None,
        household=household if kind == ModelKind.HOUSEHOLD else None,
        person=person if kind == ModelKind.INDIVIDUAL else None,
        achievements=_text(achievements, _("The achievements are empty.")),
        movement_content=_text(movement_content, _("Name the movement content it serves.")),
        period=period.strip(),
        proposed_by=user,
        proposed_on=day,
    )
    if evidence.strip():
        Evidence.objects.create(model=model, text=evidence.strip(), added_by=user)
    audit_record(
        actor=user,
        action=PROPOSE,
        subject=model,
        to_state=ModelState.PROPOSED,
        content_hash=model.content_hash(),
        authority=authority,
        payload={"kind": kind, "culture_office": culture_office.pk, "committee": committee.pk},
    )
    return model


@transaction.atomic
def verification_record(
    *,
    model: ExemplaryModel,
    user: Any,
    visited_on: datetime.date,
    findings: str,
    confirmed: bool,
) -> Verification:
    """The culture office's visit: it confirms the model or returns it for more evidence.

    The visit is an appraisal of the model, entered within ``act_dates.appraisal_grace``."""
    locked = _locked(model)
    if locked.state != ModelState.PROPOSED:
        raise InvalidTransition(
            _("Only a proposed model can be verified; this one is “%(state)s”.")
            % {"state": locked.get_state_display()}
        )
    visited_on = act_date_check(ActKind.APPRAISAL, visited_on, unit=locked.culture_office)
    authority = require(user, VERIFY, locked, unit=locked.culture_office, at=visited_on)
    text = _text(findings, _("The findings of the visit are empty."))
    visit: Verification = Verification.objects.create(
        model=locked,
        visited_on=visited_on,
        findings=text,
        outcome=VerificationOutcome.CONFIRMED if confirmed else VerificationOutcome.MORE_EVIDENCE,
        revision=locked.revision,
        verified_by=user,
    )
    transition_perform(
        obj=locked,
        transition="verify" if confirmed else "return_for_evidence",
        user=user,
        action=VERIFY,
        comment=text,
        unit=locked.culture_office,
        authority=authority,
        payload={"visit": visit.pk, "visited_on": visited_on.isoformat()},
    )
    return visit


@transaction.atomic
def evidence_add(*, model: ExemplaryModel, user: Any, text: str, resubmit: bool = True) -> Evidence:
    """The proposing unit adds the evidence asked for and sends the model back for verification."""
    locked = _locked(model)
    if locked.state not in (ModelState.PROPOSED, ModelState.RETURNED):
        raise InvalidTransition(
            _("Evidence is added before the verification or after a return, not in “%(state)s”.")
            % {"state": locked.get_state_display()}
        )
    authority = require(user, PROPOSE, locked, unit=locked.proposing_unit)
    evidence: Evidence = Evidence.objects.create(
        model=locked, text=_text(text, _("The evidence is empty.")), added_by=user
    )
    audit_record(
        actor=user,
        action=PROPOSE,
        subject=evidence,
        authority=authority,
        content_hash=sha256_hex(evidence.text.encode()),
        payload={"model": locked.pk},
    )
    if resubmit and locked.state == ModelState.RETURNED:
        locked.revision += 1
        transition_perform(
            obj=locked,
            transition="resubmit",
            user=user,
            action=PROPOSE,
            unit=locked.proposing_unit,
            authority=authority,
            payload={"revision": locked.revision},
        )
    return evidence


@transaction.atomic
def committee_review_record(
    *,
    model: ExemplaryModel,
    user: Any,
    held_on: datetime.date,
    approved: bool,
    minutes: str,
) -> CommitteeReview:
    """The steering committee recognises (or does not recognise) a verified model.

    ``held_on`` is the committee's meeting, entered from its minutes within
    ``act_dates.meeting_grace``."""
    locked = _locked(model)
    if locked.state != ModelState.VERIFIED:
        raise InvalidTransition(
            _("The steering committee reviews verified models; this one is “%(state)s”.")
            % {"state": locked.get_state_display()}
        )
    held_on = act_date_check(ActKind.MEETING, held_on, unit=locked.committee)
    authority = require(user, REVIEW, locked, unit=locked.committee, at=held_on)
    review: CommitteeReview = CommitteeReview.objects.create(
        model=locked,
        held_on=held_on,
        approved=approved,
        minutes=_text(minutes, _("The minutes of the review are empty.")),
        reviewed_by=user,
    )
    transition_perform(
        obj=locked,
        transition="approve" if approved else "reject",
        user=user,
        action=REVIEW,
        comment=review.minutes,
        unit=locked.committee,
        authority=authority,
    )
    return review


@transaction.atomic
def commendation_record(
    *,
    model: ExemplaryModel,
    user: Any,
    review: str,
    year: int,
    held_on: datetime.date,
    citation: str,
) -> Commendation:
    """The model is commended at the year's interim review (sơ kết) or the final one (tổng kết).

    ``held_on`` is the review conference, entered within ``act_dates.meeting_grace``."""
    locked = _locked(model)
    _recognised(locked)
    if review not in ReviewKind.values:
        raise ValidationFailed(_("Unknown kind of review “%(review)s”.") % {"review": review})
    if held_on.year != year:
        raise ValidationFailed(_("A review of %(year)s is held in %(year)s.") % {"year": year})
    held_on = act_date_check(ActKind.MEETING, held_on, unit=locked.committee)
    authority = require(user, COMMEND, locked, unit=locked.committee, at=held_on)
    if Commendation.objects.filter(model=locked, review=review, year=year).exists():
        raise ValidationFailed(
            _("“%(name)s” was already commended at the %(review)s of %(year)s.")
            % {"name": locked.name, "review": ReviewKind(review).label, "year": year}
        )
    commendation: Commendation = Commendation.objects.create(
        model=locked,
        review=review,
        year=year,
        held_on=held_on,
        citation=_text(citation, _("The citation is empty.")),
        recorded_by=user,
    )
    audit_record(
        actor=user,
        action=COMMEND,
        subject=commendation,
        authority=authority,
        content_hash=sha256_hex(commendation.citation.encode()),
        payload={"model": locked.pk, "review": review, "year": year},
    )
    return commendation


@transaction.atomic
def model_put_forward(
    *, model: ExemplaryModel, user: Any, dossier: Dossier, on: datetime.date | None = None
) -> Candidate:
    """Put a recognised model forward for a title: it becomes a candidate of ``dossier``.

    The nominations process checks the rest (who may register, the title's candidates,
    one candidacy a year); the dossier follows that title's steps.
    """
    day = on or _today()
    locked = _locked(model)
    _recognised(locked)
    if locked.nomination_candidate_id is not None:
        raise ValidationFailed(
            _("“%(name)s” has already been put forward for a title.") % {"name": locked.name}
        )
    (candidate,) = candidates_register(
        dossier=dossier,
        user=user,
        households=[locked.household] if locked.household else [],
        units=[locked.collective] if locked.collective else [],
        people=[locked.person] if locked.person else [],
        on=day,
    )
    ExemplaryModel.objects.filter(pk=locked.pk).update(nomination_candidate=candidate)
    locked.nomination_candidate = candidate
    audit_record(
        actor=user,
        action=PROPOSE,
        subject=locked,
        from_state=locked.state,
        to_state=locked.state,
        payload={"dossier": dossier.pk, "candidate": candidate.pk, "title": dossier.title},
    )
    return candidate


@transaction.atomic
def adoption_record(
    *,
    model: ExemplaryModel,
    user: Any,
    unit: OrgUnit,
    adopted_on: datetime.date,
    note: str = "",
) -> Adoption:
    """``unit`` took the model up (nhân rộng); each unit counts once.

    ``adopted_on`` is the day of the adopting unit's decision to take it up, dated the day
    it is recorded (``act_dates.decision_grace``)."""
    locked = _locked(model)
    _recognised(locked)
    own = locked.collective or locked.proposing_unit
    if unit.pk == own.pk:
        raise ValidationFailed(
            _("%(unit)s is where the model comes from; it cannot adopt it.") % {"unit": unit.name}
        )
    adopted_on = act_date_check(ActKind.DECISION, adopted_on, unit=unit)
    authority = require(user, ADOPT, locked, unit=unit, at=adopted_on)
    if Adoption.objects.filter(model=locked, unit=unit).exists():
        raise ValidationFailed(
            _("%(unit)s has already adopted “%(name)s”.") % {"unit": unit.name, "name": locked.name}
        )
    adoption: Adoption = Adoption.objects.create(
        model=locked, unit=unit, adopted_on=adopted_on, note=note.strip(), recorded_by=user
    )
    audit_record(
        actor=user,
        action=ADOPT,
        subject=adoption,
        authority=authority,
        payload={"model": locked.pk, "unit": unit.pk, "adopted_on": adopted_on.isoformat()},
    )
    return adoption


__all__ = [
    "adoption_record",
    "commendation_record",
    "committee_review_record",
    "evidence_add",
    "model_propose",
    "model_put_forward",
    "verification_record",
]
