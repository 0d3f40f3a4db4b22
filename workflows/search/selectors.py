"""The search, read through the lists' own selectors: a hit is a row of the index whose
object the user may open, by the same rules as the plan list, the dossier list and the
households of their reach. Counts and facets are taken over that same set, so none of them
tells of anything the user may not read.

Matching: every term of the query must match. A word matches an indexed word that starts
with it (one letter: the whole word); PostgreSQL asks its full-text index (``unaccent`` over
the stored words, migration 0001), SQLite the ``folded`` column, with the same hits. A số/ký
hiệu term matches the number, the notation's beginning and the year it gives.

Ranking: số/ký hiệu exact first, then the words all in the trích yếu (whole words before
beginnings of words), then the rest; newest first within each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from approvals.organisation.models import OrgUnit
from workflows.nominations.models import Candidate, Dossier, Household
from workflows.nominations.selectors import dossier_list_for, household_list_for
from workflows.plans.models import Plan
from workflows.plans.selectors import plan_list_visible, plan_reach
from workflows.search.models import EntryKind, SearchEntry
from workflows.search.query import Query, Symbol
from workflows.search.text import WORD

DECISION = "decision"
KINDS = (EntryKind.DOCUMENT, DECISION, EntryKind.DOSSIER, EntryKind.HOUSEHOLD)
# ``search_vector``: the stored to_tsvector('simple', search_unaccent(words)) (migration 0001)
_FTS = "search_vector @@ to_tsquery('simple'::regconfig, %s)"


@dataclass(frozen=True)
class Filters:
    """What the search is narrowed to beside its words (all optional)."""

    kinds: frozenset[str] = frozenset()
    document_kind: str = ""
    agency: OrgUnit | None = None
    signer_id: int | None = None
    state: str = ""
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass
class Scope:
    """The objects of each kind the user may read, narrowed by the filters (querysets, not
    yet run)."""

    documents: QuerySet[Plan] | None = None
    dossiers: QuerySet[Dossier] | None = None
    households: QuerySet[Household] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def q(self) -> Q:
        condition = Q(pk__in=[])
        for kind, objects in (
            (EntryKind.DOCUMENT, self.documents),
            (EntryKind.DOSSIER, self.dossiers),
            (EntryKind.HOUSEHOLD, self.households),
        ):
            if objects is not None:
                # EXISTS, one primary-key probe per matched row: ``object_id IN (…)`` made
                # PostgreSQL hash every object the user may read (a province's 850,000
                # households do not fit work_mem: it re-ran the list per row instead)
                condition |= Q(kind=kind) & Q(Exists(objects.filter(pk=OuterRef("object_id"))))
        return condition


def search_scope(*, user: Any, day: datetime.date, filters: Filters) -> Scope:
    """What ``user`` may find on ``day``, through the plans' and nominations' selectors."""
    scope = Scope()
    if filters.wants(EntryKind.DOCUMENT):
        plans = plan_list_visible(
            reach=plan_reach(user=user, day=day),
            state=filters.state or None,
            year=filters.year,
            unit=filters.agency,
        )
        if filters.document_kind:
            plans = plans.filter(kind__code=filters.document_kind)
        if filters.signer_id is not None:
            plans = plans.filter(signature__signer_id=filters.signer_id)
        scope.documents = plans
    if filters.wants(EntryKind.DOSSIER) or filters.wants(DECISION):
        dossiers = dossier_list_for(user=user, day=day, state=filters.state, year=filters.year)
        if not filters.wants(EntryKind.DOSSIER):
            dossiers = dossiers.filter(register_entry__isnull=False)
        if filters.agency is not None:
            path = filters.agency.path
            dossiers = dossiers.filter(
                Q(deciding_unit__path__startswith=path) | Q(proposing_unit__path__startswith=path)
            )
        if filters.signer_id is not None:
            dossiers = dossiers.filter(signature__signer_id=filters.signer_id)
        if filters.document_kind:
            dossiers = dossiers.none()
        scope.dossiers = dossiers
    only_documents = filters.state or filters.signer_id is not None or filters.document_kind
    if filters.wants(EntryKind.HOUSEHOLD) and not only_documents:
        households = household_list_for(user=user, day=day)
        if filters.agency is not None:
            households = households.filter(village__path__startswith=filters.agency.path)
        if filters.year is not None:
            households = households.filter(
                Exists(Candidate.objects.filter(household=OuterRef("pk"), year=filters.year))
            )
        scope.households = households
    return scope


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _whole(word: str) -> bool:
    return len(word) == 1 or word.isdigit()


def _words_q(words: tuple[str, ...]) -> Q:
    """Every word begins a stored word; a word of one letter or of digits only must be one
    (numbers are identifiers: "30" does not find "300")."""
    if not words:
        return Q()
    if _postgres():
        tsquery = " & ".join(word if _whole(word) else f"{word}:*" for word in words)
        # Fixed SQL (the column is PostgreSQL's only, not the model's); the tsquery is a
        # bound parameter.
        return Q(RawSQL(_FTS, [tsquery], output_field=BooleanField()))  # noqa: S611
    condition = Q()
    for word in words:
        if _whole(word):
            condition &= Q(hay_whole__contains=f" {word} ")
        else:
            condition &= Q(hay__contains=f" {word}")
    return condition


def _notation_q(notation: str) -> Q:
    return Q(notation=notation) | Q(notation__startswith=f"{notation}-")


def _symbol_q(symbol: Symbol) -> Q:
    """A số/ký hiệu term: its number, its notation's beginning, its year."""
    if symbol.digits_only:
        return Q(number=symbol.number) | _words_q((symbol.text,))
    condition = Q()
    if symbol.number is not None:
        condition &= Q(number=symbol.number)
    if symbol.notation:
        notation = _notation_q(symbol.notation)
        if symbol.number is None:
            # a code (household "HH-012") anywhere in the codes; a hyphenated word as words
            notation |= Q(keys__contains=symbol.notation)
            notation |= _words_q(tuple(WORD.findall(symbol.notation)))
        condition &= notation
    if symbol.year is not None:
        condition &= Q(year=symbol.year)
    return condition


def _exact_q(symbol: Symbol) -> Q:
    if symbol.digits_only:
        return Q(number=symbol.number)
    condition = Q(notation=symbol.notation) if symbol.notation else Q()
    if symbol.number is not None:
        condition &= Q(number=symbol.number)
    return condition


def _padded(column: str, after: str) -> Concat:
    return Concat(Value(" "), F(column), Value(after), output_field=TextField())


def search_entries(
    *, user: Any, day: datetime.date, query: Query, filters: Filters | None = None
) -> QuerySet[SearchEntry]:
    """The index rows ``user`` may read that match ``query``, best first (``tier``)."""
    filters = filters or Filters()
    if query.empty:
        return SearchEntry.objects.none()
    entries = SearchEntry.objects.alias(
        hay=_padded("folded", ""),
        hay_whole=_padded("folded", " "),
        in_subject=_padded("subject_folded", ""),
        in_subject_whole=_padded("subject_folded", " "),
    ).filter(_words_q(query.words))
    for symbol in query.symbols:
        entries = entries.filter(_symbol_q(symbol))
    entries = entries.filter(search_scope(user=user, day=day, filters=filters).q())
    if filters.date_from is not None:
        entries = entries.filter(dated__gte=filters.date_from)
    if filters.date_to is not None:
        entries = entries.filter(dated__lte=filters.date_to)
    return entries.annotate(tier=_tier(query)).order_by(
        "-tier", F("dated").desc(nulls_last=True), "-pk"
    )


def _tier(query: Query) -> Case:
    whens: list[When] = []
    exact = Q(pk__in=[])
    for symbol in query.symbols:
        exact |= _exact_q(symbol)
    if query.symbols:
        whens.append(When(exact, then=Value(4)))
    if query.words:
        whole = Q()
        begins = Q()
        for word in query.words:
            whole &= Q(in_subject_whole__contains=f" {word} ")
            begins &= Q(in_subject__contains=f" {word}")
        whens += [When(whole, then=Value(3)), When(begins, then=Value(2))]
    return Case(*whens, default=Value(1), output_field=IntegerField())


def search_facets(entries: QuerySet[SearchEntry]) -> dict[str, int]:
    """How many of the hits are of each kind (decisions counted among dossiers too)."""
    rows = entries.order_by().values("kind").annotate(n=Count("pk"))
    counts = {row["kind"]: row["n"] for row in rows}
    counts[DECISION] = (
        entries.order_by().filter(kind=EntryKind.DOSSIER, number__isnull=False).count()
    )
    return counts
