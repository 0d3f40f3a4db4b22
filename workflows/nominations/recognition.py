"""The recognition decision as a record: its signed content, consecutive years, stored PDF."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from workflows.documents import esign as shared
from workflows.nominations.models import Candidate, CandidateState
from workflows.nominations.titles import SPECS

if TYPE_CHECKING:
    from workflows.nominations.models import Dossier

#: The subject type of the decision's signed files and its refusals.
SUBJECT = "nominations.dossier"


def decision_content(dossier: Dossier) -> bytes:
    """What the decision signature covers: the dossier, the list it recognises and the review
    meeting whose votes it rests on (its day and attendance), as the decision cites it."""
    ids = list(
        Candidate.objects.of_dossier(dossier)
        .filter(state=CandidateState.PROPOSED)
        .order_by("pk")
        .values_list("pk", "household_id", "unit_id", "person_id")
    )
    body: dict[str, Any] = {
        "dossier": dossier.pk,
        "title": dossier.title,
        "year": dossier.year,
        "deciding_unit": dossier.deciding_unit_id,
        "candidates": ids,
    }
    meeting = dossier.meeting if dossier.meeting_id is not None else None
    if meeting is not None:
        body["meeting"] = {
            "id": meeting.pk,
            "held_on": meeting.held_on.isoformat(),
            "invited": meeting.invited,
            "present": meeting.present,
            "chaired_by": meeting.chaired_by,
        }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def consecutive_years_after(dossier: Dossier) -> Any:
    """The consecutive years a candidate counts once recognised: the database expression."""
    # The previous year's title of the same household, unit or person: one correlated
    # lookup, on the column this title's candidates use (the others are empty).
    column = {"household": "household_id", "unit": "unit_id", "person": "person_id"}[
        SPECS[dossier.title].candidate
    ]
    previous = Candidate.objects.filter(
        title=dossier.title,
        year=dossier.year - 1,
        state=CandidateState.RECOGNISED,
        **{column: OuterRef(column)},
    ).values("consecutive_years")
    # Looked up in the dossier's province first (one partition when the table is
    # partitioned), elsewhere only when not found there (a unit moved between provinces).
    province = dossier.root_unit_id
    here = Subquery(previous.filter(province_id=province)[:1])
    elsewhere = Subquery(previous.exclude(province_id=province)[:1])
    return Coalesce(here, elsewhere, Value(0)) + 1


def issued_pdf(dossier: Dossier) -> bytes | None:
    """The decision's PDF as handed out: the issued file, else the signed one, else None."""
    return shared.stored_pdf(SUBJECT, dossier.pk)


__all__ = ["SUBJECT", "consecutive_years_after", "decision_content", "issued_pdf"]
