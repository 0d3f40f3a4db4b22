"""The rules a dossier is decided under, below the services and the documents that read them."""

from __future__ import annotations

from approvals.regulations.services import RuleSet, rules_from_versions
from workflows.nominations.handover import handed_over_rules
from workflows.nominations.models import Dossier
from workflows.nominations.titles import SPECS


def dossier_rules(dossier: Dossier) -> RuleSet:
    """The rules the dossier started under (a later version does not change them), unless
    it was handed over and the regulation "handover" says the decision date's rules apply."""
    handed = handed_over_rules(dossier)
    if handed is not None:
        return handed
    spec = SPECS[dossier.title]
    return rules_from_versions(spec.regulation, dossier.regulation_versions, on=dossier.started_on)


__all__ = ["dossier_rules"]
