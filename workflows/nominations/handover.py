"""Dossiers in the hand-over of a reorganisation, and the rules a handed-over dossier follows."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.handover.registry import HandedCase, HandoverContext, pending_cases_register
from approvals.regulations.services import RuleSet, rule_value, rules_in_force
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.titles import SPECS

#: The regulation, and its rule, saying whose rules decide a handed-over case.
HANDOVER = "handover"
RULES_OF = "handover.rules_of"
#: Its values: the rules of the day the case was filed, or of the day it is decided.
FILING_DATE = "filing_date"
DECISION_DATE = "decision_date"


def pending_dossiers(context: HandoverContext) -> list[HandedCase]:
    """Move each undecided dossier decided or proposed by a unit of the dissolved one."""
    units = context.unit_ids
    dossiers = (
        Dossier.objects.select_for_update(of=("self",))
        .filter(Q(deciding_unit_id__in=units) | Q(proposing_unit_id__in=units))
        .exclude(state=DossierState.DECIDED)
        .select_related("proposing_unit", "deciding_unit")
        .order_by("pk")
    )
    cases = []
    for dossier in dossiers:
        origin = dossier.deciding_unit if dossier.deciding_unit_id in units else context.predecessor
        Dossier.objects.filter(pk=dossier.pk).update(
            proposing_unit=context.target(dossier.proposing_unit),
            deciding_unit=context.target(dossier.deciding_unit),
            handed_over_from=origin,
            handed_over_on=context.effective_from,
        )
        cases.append(
            HandedCase(
                kind=str(_("Nomination dossier")),
                title=str(dossier),
                state=dossier.get_state_display(),
                subject_type="nominations.dossier",
                subject_id=str(dossier.pk),
                url=reverse("nominations:detail", args=[dossier.pk]),
            )
        )
    return cases


def handed_over_rules(dossier: Dossier) -> RuleSet | None:
    """For a handed-over dossier whose regulations say so, the rules of the decision date
    (today); None when the dossier keeps the rules it was filed under."""
    if dossier.handed_over_on is None:
        return None
    today = timezone.localdate()
    rules_of = rule_value(HANDOVER, RULES_OF, on=dossier.handed_over_on, unit=dossier.deciding_unit)
    if rules_of != DECISION_DATE:
        return None
    return rules_in_force(SPECS[dossier.title].regulation, on=today, unit=dossier.deciding_unit)


def register() -> None:
    """Hand the dossiers over with every reorganisation."""
    pending_cases_register("nominations.dossier", pending_dossiers)
