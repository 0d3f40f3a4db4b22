"""The bloc's award proposals and their reception into the nominations process."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.services import signature_record
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import require
from approvals.transitions import transition_perform
from workflows.emulation.models import AwardProposal, BlocYear, BlocYearState, ProposalState
from workflows.emulation.services.guards import (
    AWARD_TITLES,
    PROPOSE,
    RECEIVE,
    _in_state,
    _locked,
    _member,
    _today,
    member_ids,
)
from workflows.nominations.models import Dossier, DossierState, Title
from workflows.nominations.services import (
    candidate_report_record,
    candidates_register,
    dossier_create,
)


@transaction.atomic
def awards_propose(
    *,
    bloc_year: BlocYear,
    user: Any,
    title: str,
    units: Sequence[OrgUnit],
    justification: str = "",
    on: datetime.date | None = None,
) -> AwardProposal:
    """The leader signs the bloc's proposal of ranked members for a provincial award.

    The signed proposal is the leader's decision, dated the day it is recorded
    (``act_dates.decision_grace``)."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.RANKED, BlocYearState.PROPOSED)
    if title not in AWARD_TITLES:
        raise ValidationFailed(
            _("A bloc proposes for “%(flag)s” or “%(commendation)s” only.")
            % {
                "flag": Title.EMULATION_FLAG.label,
                "commendation": Title.PROVINCIAL_COMMENDATION.label,
            }
        )
    if not units:
        raise ValidationFailed(_("The proposal names no member."))
    for unit in units:
        _member(locked, unit)
    day = act_date_check(ActKind.DECISION, on, unit=locked.leader)
    authority = require(user, PROPOSE, locked)
    if AwardProposal.objects.filter(bloc_year=locked, title=title).exists():
        raise ValidationFailed(
            _("The bloc has already proposed members for “%(title)s” this year.")
            % {"title": Title(title).label}
        )
    proposal: AwardProposal = AwardProposal.objects.create(
        bloc_year=locked,
        title=title,
        justification=justification.strip(),
        proposed_by=user,
        proposed_on=day,
    )
    proposal.units.set(units)
    proposal.signature = signature_record(
        subject=proposal,
        content=proposal.content(),
        user=user,
        action_code=PROPOSE,
        unit=locked.leader,
        authority=authority,
    )
    proposal.save(update_fields=["signature"])
    if locked.state == BlocYearState.RANKED:
        transition_perform(
            obj=locked,
            transition="propose",
            user=user,
            action=PROPOSE,
            authority=authority,
            payload={"proposal": proposal.pk, "title": title},
        )
    return proposal


@transaction.atomic
def proposal_receive(
    *, proposal: AwardProposal, user: Any, on: datetime.date | None = None
) -> Dossier:
    """The province's emulation office opens (or adds to) the title's nomination dossier.

    Each proposed member becomes a candidate whose achievement report is the bloc's
    result; the dossier then follows the title's own steps in the nominations process.
    """
    day = on or _today()
    locked: AwardProposal = (
        AwardProposal.objects.select_for_update(of=("self",))
        .select_related("bloc_year__bloc__province", "bloc_year__leader")
        .get(pk=proposal.pk)
    )
    bloc_year = locked.bloc_year
    province = bloc_year.bloc.province
    authority = require(user, RECEIVE, locked, unit=province, at=day)
    if locked.state != ProposalState.SUBMITTED:
        raise InvalidTransition(_("This proposal has already been received."))
    dossier: Dossier | None = Dossier.objects.filter(
        title=locked.title, year=bloc_year.year, proposing_unit=province
    ).first()
    if dossier is None:
        dossier = dossier_create(
            user=user, title=locked.title, year=bloc_year.year, proposing_unit=province, on=day
        )
    elif dossier.state != DossierState.REGISTRATION:
        raise InvalidTransition(
            _("The province's dossier for “%(title)s” %(year)s has already been submitted.")
            % {"title": Title(locked.title).label, "year": bloc_year.year}
        )
    results = {
        m.unit_id: m
        for m in bloc_year.memberships.filter(unit__in=locked.units.all()).select_related("unit")
    }
    units = [m.unit for m in sorted(results.values(), key=lambda m: (m.rank or 0, m.unit.name))]
    candidates = candidates_register(dossier=dossier, user=user, units=units, on=day)
    size = len(member_ids(bloc_year))
    for candidate in candidates:
        member = results[candidate.unit_id]  # type: ignore[index]
        report = _(
            "%(unit)s ranked %(rank)s of %(size)s in %(bloc)s in %(year)s with %(points)s "
            "points from the bloc (self-assessed: %(self)s). %(justification)s"
        ) % {
            "unit": member.unit.name,
            "rank": member.rank,
            "size": size,
            "bloc": bloc_year.bloc.name,
            "year": bloc_year.year,
            "points": member.bloc_total,
            "self": member.self_total,
            "justification": locked.justification,
        }
        candidate_report_record(candidate=candidate, user=user, report=report.strip())
    locked.dossier = dossier
    transition_perform(
        obj=locked,
        transition="receive",
        user=user,
        action=RECEIVE,
        unit=province,
        authority=authority,
        payload={"dossier": dossier.pk, "candidates": [c.pk for c in candidates]},
    )
    return dossier
