"""The search, read through the lists' own selectors: a hit is a row of the index whose
object the user may open, by the same rules as the plan list, the dossier list and the
households of their reach. Counts and facets are taken over that same set, so none of them
tells of anything the user may not read.

Matching: every term of the query must match. A word matches a whole indexed word (a
Vietnamese word is a syllable: "an" does not find "anh"); PostgreSQL asks its full-text index
(``unaccent`` over the stored words, migrations 0001-0002), SQLite the ``folded`` column, with
the same hits. A số/ký hiệu term matches the number, the notation's beginning and the year it
gives.

Ranking (``tier``): số/ký hiệu exact first (4), then the words all in the trích yếu (3), then
the rest (1); newest first within each. :func:`search_entries` is the whole ranking in one
query, the reference; the pages read it through :mod:`workflows.search.ranking`, which gives
the same rows without reading every match of a common word.
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
# ``search_vector``: the stored to_tsvector('simple', search_unaccent(words)) (migration 0001);
# ``subject_vector`` the same of the trích yếu (0002). ``@@`` is what their GIN indexes answer;
# ``ts_match_vq`` is the same test as a function, which no index answers: a query ordered by
# date then walks the date index and tests each row (:mod:`workflows.search.ranking`).
_MATCH = {
    (column, indexable): (
        f"{column} @@ to_tsquery('simple'::regconfig, %s)"
        if indexable
        else f"ts_match_vq({column}, to_tsquery('simple'::regconfig, %s))"
    )
    for column in ("search_vector", "subject_vector")
    for indexable in (True, False)
}


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
    #: The ways a document is visible (``documents`` holds any of them), one filter each.
    document_arms: list[Q] = field(default_factory=list)

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
        reach = plan_reach(user=user, day=day)
        scope.document_arms = reach.visible_arms()
        plans = plan_list_visible(
            reach=reach,
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


def _vector_q(
    column: str,
    words: tuple[str, ...],
    indexable: bool,
    choices: tuple[tuple[str, ...], ...] = (),
) -> Q:
    """The tsquery: every word, and one of each of ``choices``."""
    # Fixed SQL (the columns are PostgreSQL's only, not the model's); the tsquery, made of
    # letters and digits only (query.py), is a bound parameter.
    sql = _MATCH[(column, indexable)]
    terms = [*words, *(f"({' | '.join(choice)})" for choice in choices)]
    return Q(RawSQL(sql, [" & ".join(terms)], output_field=BooleanField()))  # noqa: S611


def _number_forms(symbol: Symbol) -> tuple[str, ...]:
    """How a bare number typed ("1", "01", "2025") is written among the words: as typed,
    and as a register writes a document's number in its số/ký hiệu ("1", "01", "001"), which
    the words of a numbered row hold (indexing.py adds the số/ký hiệu to them)."""
    number = symbol.number or 0
    return tuple(sorted({symbol.text, str(number), f"{number:02d}", f"{number:03d}"}))


def _words_q(words: tuple[str, ...], indexable: bool = True) -> Q:
    """Every word is a stored word (numbers are identifiers: "30" does not find "300")."""
    if not words:
        return Q()
    if _postgres():
        return _vector_q("search_vector", words, indexable)
    condition = Q()
    for word in words:
        condition &= Q(hay__contains=f" {word} ")
    return condition


def _subject_q(words: tuple[str, ...], indexable: bool = True) -> Q:
    """Every word is a word of the trích yếu (or the household's name)."""
    if _postgres():
        return _vector_q("subject_vector", words, indexable)
    condition = Q()
    for word in words:
        condition &= Q(in_subject__contains=f" {word} ")
    return condition


def _notation_q(notation: str) -> Q:
    return Q(notation=notation) | Q(notation__startswith=f"{notation}-")


def _symbol_q(symbol: Symbol, indexable: bool = True) -> Q:
    """A số/ký hiệu term: its number, its notation's beginning, its year."""
    if symbol.digits_only:
        return Q(number=symbol.number) | _words_q((symbol.text,), indexable)
    condition = Q()
    if symbol.number is not None:
        condition &= Q(number=symbol.number)
    if symbol.notation:
        notation = _notation_q(symbol.notation)
        if symbol.number is None:
            # a household's code ("HH-012", or its beginning "HH-0"); a hyphenated word as
            # words
            notation |= Q(keys__startswith=symbol.notation)
            notation |= _words_q(tuple(WORD.findall(symbol.notation)), indexable)
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


def _padded(column: str) -> Concat:
    return Concat(Value(" "), F(column), Value(" "), output_field=TextField())


def matching(query: Query, filters: Filters, *, indexable: bool = True) -> QuerySet[SearchEntry]:
    """Every index row matching ``query`` and the dates of ``filters``, whoever may read it,
    with its ``tier``. ``indexable=False``: the words tested row by row (no full-text index)."""
    entries = SearchEntry.objects.alias(hay=_padded("folded"), in_subject=_padded("subject_folded"))
    symbols = query.symbols
    bare = tuple(symbol for symbol in symbols if symbol.digits_only)
    if _postgres() and bare:
        # a bare number joins the words in one full-text query (its number is among the
        # words of a numbered row): one index read, not the words' then a test of each row
        forms = tuple(_number_forms(symbol) for symbol in bare)
        entries = entries.filter(_vector_q("search_vector", query.words, indexable, forms))
        symbols = tuple(symbol for symbol in symbols if not symbol.digits_only)
    else:
        entries = entries.filter(_words_q(query.words, indexable))
    for symbol in symbols:
        entries = entries.filter(_symbol_q(symbol, indexable))
    if filters.date_from is not None:
        entries = entries.filter(dated__gte=filters.date_from)
    if filters.date_to is not None:
        entries = entries.filter(dated__lte=filters.date_to)
    return entries.annotate(tier=tier(query))


def exact_q(query: Query) -> Q:
    """Rows whose số/ký hiệu is one the query gives exactly (tier 4)."""
    exact = Q(pk__in=[])
    for symbol in query.symbols:
        exact |= _exact_q(symbol)
    return exact


def subject_q(query: Query, *, indexable: bool = True) -> Q:
    """Rows with every word of the query in their trích yếu (tier 3, unless exact)."""
    return _subject_q(query.words, indexable) if query.words else Q(pk__in=[])


def search_entries(
    *, user: Any, day: datetime.date, query: Query, filters: Filters | None = None
) -> QuerySet[SearchEntry]:
    """The index rows ``user`` may read that match ``query``, best first (``tier``)."""
    filters = filters or Filters()
    if query.empty:
        return SearchEntry.objects.none()
    entries = matching(query, filters).filter(search_scope(user=user, day=day, filters=filters).q())
    return entries.order_by(*ORDER)


#: Best first: the tier, then newest, then the latest indexed.
ORDER = ("-tier", F("dated").desc(nulls_last=True), "-pk")


def tier(query: Query) -> Case:
    """4: số/ký hiệu exact; 3: every word in the trích yếu; 1: the rest."""
    whens: list[When] = []
    if query.symbols:
        whens.append(When(exact_q(query), then=Value(4)))
    if query.words:
        whens.append(When(subject_q(query, indexable=False), then=Value(3)))
    return Case(*whens, default=Value(1), output_field=IntegerField())


def search_facets(entries: QuerySet[SearchEntry]) -> dict[str, int]:
    """How many of the hits are of each kind (decisions counted among dossiers too)."""
    rows = entries.order_by().values("kind").annotate(n=Count("pk"))
    counts = {row["kind"]: row["n"] for row in rows}
    counts[DECISION] = (
        entries.order_by().filter(kind=EntryKind.DOSSIER, number__isnull=False).count()
    )
    return counts
