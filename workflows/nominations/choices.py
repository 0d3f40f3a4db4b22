"""The titles nominated for, and where a dossier and a candidate stand (no model imports)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Title(models.TextChoices):
    """The titles nominated for (Decree 86/2023; Law on Emulation and Commendation 2022)."""

    CULTURAL_FAMILY = "cultural_family", _("Cultural family (household)")
    CULTURAL_VILLAGE = "cultural_village", _("Cultural village or residential group")
    EXEMPLARY_COMMUNE = "exemplary_commune", _("Exemplary commune, ward or town")
    CULTURAL_STANDARD_ORGANIZATION = (
        "cultural_standard_organization",
        _("Agency, unit or enterprise meeting the cultural standard"),
    )
    ADVANCED_WORKER = "advanced_worker", _("Advanced worker")
    ADVANCED_COLLECTIVE = "advanced_collective", _("Advanced collective")
    EMULATION_FLAG = "emulation_flag", _("Emulation flag of the province")
    PROVINCIAL_COMMENDATION = (
        "provincial_commendation",
        _("Certificate of commendation of the provincial chairman"),
    )


class DossierState(models.TextChoices):
    """Where a nomination dossier is."""

    REGISTRATION = "registration", _("Registration")
    MEETING = "meeting", _("Review meeting held")
    POSTING = "posting", _("Public posting")
    SUBMITTED = "submitted", _("Submitted, under appraisal")
    RETURNED = "returned", _("Returned for supplement")
    COUNCIL = "council", _("Emulation council review")
    DECISION = "decision", _("Awaiting the decision")
    DECIDED = "decided", _("Decided")


class CandidateState(models.TextChoices):
    """Where one candidate stands."""

    REGISTERED = "registered", _("Registered")
    VOTED = "voted", _("Passed the review meeting")
    NOT_VOTED = "not_voted", _("Not passed by the meeting")
    POSTED = "posted", _("Publicly posted")
    STRUCK = "struck", _("Struck after an objection")
    PROPOSED = "proposed", _("Proposed")
    RECOGNISED = "recognised", _("Recognised")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Title revoked")


class RevocationGround(models.TextChoices):
    """The legal grounds for revoking a title (Law 06/2022/QH15, Chapter VII).

    Which grounds apply is the rule ``title.revocation_grounds``; these are their names.
    """

    FRAUDULENT_DECLARATION = "fraudulent_declaration", _("Achievements falsely declared")
    FALSE_DOCUMENTS = "false_documents", _("False information or documents supplied")
    UNLAWFUL_REVIEW = "unlawful_review", _("Unlawful appraisal, review or proposal")
    LATER_FINDING = "later_finding", _("A later finding that the criteria are not met")


def ground_label(code: str) -> str:
    """The name of a revocation ground in the active language (the code if it has none)."""
    return str(dict(RevocationGround.choices).get(code, code))


__all__ = ["CandidateState", "DossierState", "RevocationGround", "Title", "ground_label"]
