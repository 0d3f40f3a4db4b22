"""What the index holds for each object, written in the transaction of the change.

One upsert per object (``INSERT … ON CONFLICT`` on both databases); a number issued to a
document adds its số/ký hiệu to the row in one ``UPDATE``. Labels are written in Vietnamese,
the language of the documents, whatever the language of the request that changed them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, F, OuterRef, TextField, Value
from django.db.models.functions import Concat
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.registers.models import EntryStatus, RegisterEntry
from workflows.nominations.models import Dossier, Household
from workflows.plans.content import body_text
from workflows.plans.models import Plan, PlanRevision
from workflows.search.models import EntryKind, SearchEntry
from workflows.search.text import fold, words

INDEX_LANGUAGE = "vi"
_UPDATED = [
    "label",
    "subject",
    "body",
    "words",
    "folded",
    "subject_folded",
    "number",
    "notation",
    "symbol",
    "keys",
    "year",
    "dated",
    "updated_at",
]
SUBJECT_TYPES = {"plans.plan": EntryKind.DOCUMENT, "nominations.dossier": EntryKind.DOSSIER}


def _entry(
    kind: str,
    object_id: int,
    *,
    label: str,
    subject: str,
    body: str,
    extra: str = "",
    number_entry: RegisterEntry | None = None,
    year: int | None = None,
    dated: Any = None,
    codes: str = "",
) -> SearchEntry:
    issued = number_entry is not None and number_entry.status == EntryStatus.ISSUED
    symbol = number_entry.symbol if issued and number_entry is not None else ""
    all_words = words(" ".join((label, symbol, subject, body, extra, codes)))
    numbered = _number_fields(symbol, codes)
    return SearchEntry(
        kind=kind,
        object_id=object_id,
        label=label[:255],
        subject=subject,
        body=body,
        words=all_words,
        folded=fold(all_words),
        subject_folded=" ".join(fold(words(subject)).split()),
        number=number_entry.number if issued and number_entry is not None else None,
        **numbered,
        year=year,
        dated=dated,
    )


def _number_fields(symbol: str, codes: str = "") -> dict[str, str]:
    """The row's notation, symbol and codes for the số/ký hiệu ``symbol`` ("" when none)."""
    return {
        "notation": fold(symbol.partition("/")[2])[:64],
        "symbol": symbol,
        "keys": fold(" ".join(filter(None, (symbol, codes))))[:255],
    }


def _upsert(entries: list[SearchEntry]) -> None:
    if entries:
        SearchEntry.objects.bulk_create(
            entries,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=_UPDATED,
        )


def plan_entry(plan: Plan, revision: PlanRevision | None) -> SearchEntry:
    """A plan (any document kind) as the index holds it: its revision's text and number."""
    content = revision.content if revision is not None else {}
    subject = str(content.get("subject_summary") or plan.subject_summary)
    body = "\n".join([*content.get("basis", []), body_text(content.get("sections", []))]).strip()
    entry = plan.register_entry
    dated = entry.issued_on if entry is not None else plan.created_at.date()
    return _entry(
        EntryKind.DOCUMENT,
        plan.pk,
        label=plan.kind.name,
        subject=subject,
        body=body,
        extra=f"{plan.issuing_agency.name} {plan.drafting_unit.name} {plan.year}",
        number_entry=entry,
        year=plan.year,
        dated=dated,
    )


def index_plans(plan_ids: Iterable[int], revision: PlanRevision | None = None) -> None:
    """(Re)index the plans, from ``revision`` when given (the one just written)."""
    with translation.override(INDEX_LANGUAGE):
        plans = Plan.objects.filter(pk__in=list(plan_ids)).select_related(
            "kind", "issuing_agency", "drafting_unit", "register_entry"
        )
        entries = []
        for plan in plans:
            current = revision if revision is not None and revision.plan_id == plan.pk else None
            if current is None:
                current = plan.revisions.filter(number=plan.revision_number).first()
            entries.append(plan_entry(plan, current))
        _upsert(entries)


def dossier_entry(dossier: Dossier) -> SearchEntry:
    """A dossier, and its decision once numbered."""
    entry = dossier.register_entry
    title = str(dossier.get_title_display())
    subject = f"{title} {dossier.year} — {dossier.proposing_unit.name}"
    body = entry.subject_summary if entry is not None else ""
    return _entry(
        EntryKind.DOSSIER,
        dossier.pk,
        label=_("Nomination dossier"),
        subject=subject,
        body=body,
        extra=dossier.deciding_unit.name,
        number_entry=entry,
        year=dossier.year,
        dated=entry.issued_on if entry is not None else dossier.started_on,
    )


def index_dossiers(dossier_ids: Iterable[int]) -> None:
    """(Re)index the dossiers."""
    with translation.override(INDEX_LANGUAGE):
        dossiers = Dossier.objects.filter(pk__in=list(dossier_ids)).select_related(
            "proposing_unit", "deciding_unit", "register_entry"
        )
        _upsert([dossier_entry(dossier) for dossier in dossiers])


def household_entry(household: Household) -> SearchEntry:
    """A household: its head's name and village first, then its address and commune."""
    village = household.village
    commune = village.parent.name if village.parent_id and village.parent else ""
    return _entry(
        EntryKind.HOUSEHOLD,
        household.pk,
        label=f"{household.code} — {household.head_name}",
        subject=f"{household.head_name} — {village.name}",
        body=", ".join(filter(None, (household.address, commune))),
        codes=household.code,
    )


def index_households(household_ids: Iterable[int]) -> None:
    """(Re)index the households, a thousand at a time."""
    ids = sorted(set(household_ids))
    with translation.override(INDEX_LANGUAGE):
        for start in range(0, len(ids), 1000):
            households = Household.objects.filter(pk__in=ids[start : start + 1000]).select_related(
                "village", "village__parent"
            )
            _upsert([household_entry(household) for household in households])


def number_added(entry: RegisterEntry) -> None:
    """A number issued to (or voided on) a document: its row learns the số/ký hiệu, in one
    UPDATE. Rows of other subjects (none indexed) are left alone."""
    kind = SUBJECT_TYPES.get(entry.subject_type)
    if kind is None or not entry.subject_id.isdigit():
        return
    rows = SearchEntry.objects.filter(kind=kind, object_id=int(entry.subject_id))
    if entry.status != EntryStatus.ISSUED:
        rows.update(number=None, **_number_fields(""))
        return
    added = words(f"{entry.symbol} {entry.subject_summary}")
    rows.update(
        number=entry.number,
        **_number_fields(entry.symbol),
        dated=entry.issued_on,
        words=Concat(F("words"), Value(" " + added), output_field=TextField()),
        folded=Concat(F("folded"), Value(" " + fold(added)), output_field=TextField()),
    )


def remove(kind: str, object_ids: Iterable[int]) -> None:
    """Objects deleted: their rows go too."""
    SearchEntry.objects.filter(kind=kind, object_id__in=list(object_ids)).delete()


def reindex_all() -> dict[str, int]:
    """The whole index rebuilt from the objects (``manage.py search_reindex``)."""
    counts: dict[str, int] = {}
    plan_ids = list(Plan.objects.values_list("pk", flat=True))
    for start in range(0, len(plan_ids), 500):
        index_plans(plan_ids[start : start + 500])
    counts[EntryKind.DOCUMENT] = len(plan_ids)
    dossier_ids = list(Dossier.objects.values_list("pk", flat=True))
    for start in range(0, len(dossier_ids), 500):
        index_dossiers(dossier_ids[start : start + 500])
    counts[EntryKind.DOSSIER] = len(dossier_ids)
    household_ids = list(Household.objects.values_list("pk", flat=True))
    index_households(household_ids)
    counts[EntryKind.HOUSEHOLD] = len(household_ids)
    for kind, model in (
        (EntryKind.DOCUMENT, Plan),
        (EntryKind.DOSSIER, Dossier),
        (EntryKind.HOUSEHOLD, Household),
    ):
        alive = Exists(model.objects.filter(pk=OuterRef("object_id")))
        SearchEntry.objects.filter(kind=kind).exclude(alive).delete()
    return counts
