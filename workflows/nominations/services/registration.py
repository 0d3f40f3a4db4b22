"""Registering a dossier's candidates and filing their achievement reports."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.audit.hashing import sha256_hex
from approvals.audit.services import audit_record, audit_record_each
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.models import OrgUnit, UnitKind
from approvals.organisation.resolver import decide, require
from workflows.nominations.exceptions import CandidatesRefused, Problem
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Disqualification,
    Dossier,
    DossierState,
    Household,
)
from workflows.nominations.services._common import (
    CANDIDATE,
    REGISTER,
    _locked,
    _spec,
    _today,
    candidate_label,
    dossier_rules,
)
from workflows.nominations.services.eligibility import _rating_problems, _staff_problems

if TYPE_CHECKING:
    from collections.abc import Sequence


@transaction.atomic
def candidates_register(
    *,
    dossier: Dossier,
    user: Any,
    households: Sequence[Household] = (),
    units: Sequence[OrgUnit] = (),
    people: Sequence[Any] = (),
    on: datetime.date | None = None,
) -> list[Candidate]:
    """Register candidates in bulk; every bad one is named and nothing is written."""
    day = on or _today()
    locked = _locked(dossier)
    if locked.state != DossierState.REGISTRATION:
        raise InvalidTransition(_("Candidates can only be registered before the review."))
    authority = require(user, REGISTER, unit=locked.proposing_unit)
    spec = _spec(locked)
    problems: list[Problem] = []
    rows: list[Candidate] = []
    base = {
        "dossier": locked,
        "title": locked.title,
        "year": locked.year,
        "province_id": locked.root_unit_id,
    }
    if spec.candidate == "household":
        rows = _household_rows(locked, households, problems, base)
    elif spec.candidate == "unit":
        for unit in units:
            if unit.kind not in spec.candidate_kinds:
                problems.append(
                    Problem(
                        unit.name,
                        "wrong_kind",
                        _("%(unit)s is a %(kind)s; this title is for %(kinds)s.")
                        % {
                            "unit": unit.name,
                            "kind": unit.get_kind_display(),
                            "kinds": ", ".join(
                                str(UnitKind(k).label) for k in spec.candidate_kinds
                            ),
                        },
                    )
                )
            elif not unit.is_within(locked.proposing_unit):
                problems.append(
                    Problem(
                        unit.name,
                        "outside_unit",
                        _("%(unit)s is not under %(proposing)s, so this dossier cannot propose it.")
                        % {"unit": unit.name, "proposing": locked.proposing_unit.name},
                    )
                )
            rows.append(Candidate(unit=unit, **base))
    else:
        problems.extend(_staff_problems(locked, people, day))
        problems.extend(_rating_problems(locked, people))
        rows = [Candidate(person=person, **base) for person in people]
    rows_key = [(c.household_id, c.unit_id, c.person_id) for c in rows]
    if len(set(rows_key)) != len(rows_key):
        problems.append(
            Problem("", "duplicate", _("The same candidate appears twice in the list."))
        )
    problems.extend(_taken(locked, rows))
    if problems:
        raise CandidatesRefused(problems)
    created: list[Candidate] = Candidate.objects.bulk_create(rows, batch_size=2000)
    audit_record_each(
        subject_type=CANDIDATE,
        subject_ids=[c.pk for c in created],
        actor=user,
        action=REGISTER,
        from_state="",
        to_state=CandidateState.REGISTERED,
        authority=authority,
    )
    return created


def _household_rows(
    dossier: Dossier, households: Sequence[Household], problems: list[Problem], base: dict[str, Any]
) -> list[Candidate]:
    rules = dossier_rules(dossier)
    grounds = set(rules.get("cultural_family.disqualifiers"))
    ids = [h.pk for h in households]
    barred = dict(
        Disqualification.objects.filter(
            household_id__in=ids, year=dossier.year, ground__in=grounds
        ).values_list("household_id", "ground")
    )
    villages = set(OrgUnit.objects.under(dossier.proposing_unit).values_list("pk", flat=True))
    rows = []
    for household in households:
        if household.village_id not in villages:
            problems.append(
                Problem(
                    household.code,
                    "outside_unit",
                    _("Household %(code)s does not live in %(unit)s.")
                    % {"code": household.code, "unit": dossier.proposing_unit.name},
                )
            )
        if household.pk in barred:
            problems.append(
                Problem(
                    household.code,
                    "disqualified",
                    _("Household %(code)s cannot be recognised in %(year)s: %(ground)s.")
                    % {
                        "code": household.code,
                        "year": dossier.year,
                        "ground": barred[household.pk],
                    },
                )
            )
        rows.append(Candidate(household=household, **base))
    return rows


def _taken(dossier: Dossier, rows: list[Candidate]) -> list[Problem]:
    households = [c.household_id for c in rows if c.household_id]
    units = [c.unit_id for c in rows if c.unit_id]
    people = [c.person_id for c in rows if c.person_id]
    existing = Candidate.objects.filter(title=dossier.title, year=dossier.year).filter(
        models_q(households, units, people)
    )
    return [
        Problem(
            candidate_label(c),
            "duplicate",
            _("%(candidate)s is already a candidate for this title in %(year)s.")
            % {"candidate": candidate_label(c), "year": dossier.year},
        )
        for c in existing.select_related("household", "unit", "person")
    ]


def models_q(households: list[int], units: list[int], people: list[int]) -> Any:
    """Candidates matching any of the given households, units or people."""
    from django.db.models import Q

    return Q(household_id__in=households) | Q(unit_id__in=units) | Q(person_id__in=people)


@transaction.atomic
def candidate_report_record(*, candidate: Candidate, user: Any, report: str) -> Candidate:
    """Attach the candidate's achievement report (the village head's, the commune's…).

    The candidate unit's own staff (the village head) or the proposing unit's may file it,
    before the review or while the dossier is back for supplement.
    """
    dossier = _locked(candidate.dossier)
    if dossier.state not in (DossierState.REGISTRATION, DossierState.RETURNED):
        raise InvalidTransition(
            _("Achievement reports are filed before the review or when the dossier is returned.")
        )
    locked: Candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .row(candidate)
        .select_related("unit", "person", "household")
        .get()
    )
    text = report.strip()
    if not text:
        raise ValidationFailed(_("The achievement report is empty."))
    own = decide(user, REGISTER, unit=locked.unit) if locked.unit_id else None
    authority = (
        own.raise_if_refused()
        if own
        else require(user, REGISTER, dossier, unit=dossier.proposing_unit)
    )
    Candidate.objects.row(locked).update(achievement_report=text)
    audit_record(
        actor=user,
        action=REGISTER,
        subject=locked,
        from_state=locked.state,
        to_state=locked.state,
        content_hash=sha256_hex(text.encode()),
        authority=authority,
        payload={"achievement_report": len(text)},
    )
    locked.achievement_report = text
    return locked
