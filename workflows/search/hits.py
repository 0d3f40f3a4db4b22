"""The hits of one page as a person reads them: what the row is, its number, its trích yếu
and a snippet with the matched words marked, its state and where it leads."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.safestring import SafeString

from workflows.nominations.models import Candidate, Dossier, Household
from workflows.plans.models import Plan
from workflows.search.models import EntryKind, SearchEntry
from workflows.search.query import Query
from workflows.search.text import highlight, snippet

SNIPPET_CHARS = 220


@dataclass
class Hit:
    """One result row."""

    kind: str
    kind_label: str
    object_id: int
    label: str
    symbol: str
    subject: SafeString
    snippet: SafeString
    dated: datetime.date | None
    state: str = ""
    #: The state's code (``state`` is its label); blank for a household.
    state_code: str = ""
    unit: str = ""
    url: str = ""
    exact: bool = False
    details: list[str] = field(default_factory=list)
    #: A household's latest candidacy's dossier (None for the other kinds).
    latest_dossier_id: int | None = None


def search_hits(entries: Sequence[SearchEntry], query: Query) -> list[Hit]:
    """The page's rows with their objects (one query per kind on the page, at most four)."""
    terms = query.terms
    by_kind: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry.object_id)
    plans = Plan.objects.select_related("issuing_agency").in_bulk(by_kind[EntryKind.DOCUMENT])
    dossiers = Dossier.objects.select_related("proposing_unit", "deciding_unit").in_bulk(
        by_kind[EntryKind.DOSSIER]
    )
    households = Household.objects.select_related("village", "village__parent").in_bulk(
        by_kind[EntryKind.HOUSEHOLD]
    )
    candidacies: dict[int, list[Candidate]] = defaultdict(list)
    if households:
        for candidate in (
            Candidate.objects.filter(household_id__in=list(households))
            .only("household_id", "dossier_id", "title", "year", "state")
            .order_by("-year", "title")
        ):
            candidacies[candidate.household_id or 0].append(candidate)
    hits: list[Hit] = []
    for entry in entries:
        hit = Hit(
            kind=entry.kind,
            kind_label=str(EntryKind(entry.kind).label),
            object_id=entry.object_id,
            label=entry.label,
            symbol=entry.symbol,
            subject=highlight(entry.subject, terms),
            snippet=snippet(entry.body, terms, SNIPPET_CHARS) if entry.body else SafeString(""),
            dated=entry.dated,
            exact=getattr(entry, "tier", 0) == 4,
        )
        if entry.kind == EntryKind.DOCUMENT and entry.object_id in plans:
            plan = plans[entry.object_id]
            hit.state, hit.unit = str(plan.get_state_display()), plan.issuing_agency.name
            hit.state_code = plan.state
            hit.url = reverse("plans:detail", args=[plan.pk])
        elif entry.kind == EntryKind.DOSSIER and entry.object_id in dossiers:
            dossier = dossiers[entry.object_id]
            hit.state, hit.unit = str(dossier.get_state_display()), dossier.deciding_unit.name
            hit.state_code = dossier.state
            hit.url = reverse("nominations:detail", args=[dossier.pk])
        elif entry.kind == EntryKind.HOUSEHOLD and entry.object_id in households:
            household = households[entry.object_id]
            village = household.village
            hit.unit = f"{village.name}, {village.parent.name}" if village.parent else village.name
            mine = candidacies.get(household.pk, [])
            hit.latest_dossier_id = mine[0].dossier_id if mine else None
            hit.details = [
                f"{candidate.get_title_display()} {candidate.year}: {candidate.get_state_display()}"
                for candidate in mine
            ]
            hit.url = reverse("nominations:household", args=[household.pk])
        else:
            continue  # removed since the count was taken
        hits.append(hit)
    return hits
