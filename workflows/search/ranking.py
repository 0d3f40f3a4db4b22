"""The search's hits read kind by kind, without reading every match of a common word.

:func:`~workflows.search.selectors.search_entries` ranks every match in one query: right,
but a word on a hundred thousand rows ("văn", "hóa") makes PostgreSQL fetch and sort all of
them (seconds at a million rows). :class:`SearchResults` gives the same rows in the same
order, reading each kind (document, dossier, household: their permission rules differ) in
the cheapest way that is still exact:

* **A small reach** (the user may read at most ``SEARCH_LIMITS["reach_ids"]`` objects of the
  kind: a commune's households, its plans): the objects' ids come from the kind's own
  selector, and each one's row is tested for the words. Cost: the reach, whatever the words.
* **A wide reach** (a province): the full-text index finds the matches, each checked through
  the selector (``EXISTS``), at most ``SEARCH_LIMITS["probe"]`` of them. Fewer: they are all
  the hits, ranked here. More: the words are common, so each tier (số/ký hiệu exact, every
  word in the trích yếu, the rest) is read the same way, and a tier with too many matches is
  read newest first along the date index, stopping at the page's last row.

The count is exact up to the probe and "more than" beyond it (:attr:`SearchResults.exact`).
Permissions are the selectors' own in every case: ids from the list, or ``EXISTS`` in it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, overload

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from approvals.organisation.selectors import one_of
from workflows.search.models import EntryKind, SearchEntry
from workflows.search.query import Query
from workflows.search.selectors import (
    DECISION,
    ORDER,
    Filters,
    exact_q,
    matching,
    search_scope,
    subject_q,
)

_DEFAULT_LIMITS = {"probe": 500, "reach_ids": 20000}
_FAR_PAST = datetime.date.min


def limit(name: str) -> int:
    """``settings.SEARCH_LIMITS[name]`` (the probe, the ids of a small reach)."""
    limits: dict[str, int] = getattr(settings, "SEARCH_LIMITS", {})
    return int(limits.get(name, _DEFAULT_LIMITS[name]))


@contextmanager
def _by_index() -> Iterator[None]:
    """PostgreSQL told not to read the whole index table. Every query here is meant to be
    answered by an index (the words', the date's, the objects'); with a ``LIMIT`` and
    statistics taken over every kind at once (a notation common among documents, unknown
    among households) it would rather scan the million rows hoping to stop early, and read
    them all for a kind that has none (0.4 s). The setting is put back afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', false)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', 'on', false)")


@dataclass(frozen=True)
class Row:
    """What the ranking needs of one hit."""

    pk: int
    kind: str
    tier: int
    dated: datetime.date | None
    number: int | None

    @property
    def key(self) -> tuple[int, int, int, int]:
        """Best first: tier, newest (no date last), latest indexed (``selectors.ORDER``)."""
        dated = self.dated or _FAR_PAST
        return (-self.tier, self.dated is None, -dated.toordinal(), -self.pk)


_FIELDS = ("pk", "tier", "dated", "number")


def _rows(kind: str, entries: QuerySet[SearchEntry], limit_: int | None = None) -> list[Row]:
    values = entries.values_list(*_FIELDS)
    if limit_ is not None:
        values = values[:limit_]
    return [Row(pk, kind, tier, dated, number) for pk, tier, dated, number in values]


def _ids(values: QuerySet[Any], limit_: int) -> list[int]:
    """The ids ``values`` (one column) gives, at most ``limit_``: on PostgreSQL as one array
    (``array_agg``), not as that many rows."""
    values = values[:limit_]
    if connection.vendor != "postgresql":
        return list(values)
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:  # a filter that holds for nothing (``none()``, ``pk__in=[]``)
        return []
    with connection.cursor() as cursor:
        # the SQL is the ORM's own compiled query; its values stay bound parameters
        cursor.execute(f"SELECT array_agg(ids.id) FROM ({sql}) AS ids(id)", params)  # noqa: S608
        row = cursor.fetchone()
    return list(row[0] or []) if row else []


def _reach_ids(objects: QuerySet[Any], arms: list[Q], limit_: int) -> list[int]:
    """The ids of ``objects``, at most ``limit_`` (that many: the reach is wide).

    With ``arms`` (the ways an object may be in ``objects``, one filter each, together
    covering it): the objects of each way first, each way found through its own index, and
    only those tested against ``objects`` itself, its rules and filters (testing every object
    against all the ways at once read a province's 150,000 plans for a commune's 700).
    """
    if not arms:
        return _ids(objects.order_by().values_list("pk", flat=True), limit_)
    model = objects.model
    first, *others = (
        model._default_manager.filter(arm).order_by().values_list("pk", flat=True) for arm in arms
    )
    candidates = _ids(first.union(*others, all=True), limit_)
    if len(candidates) >= limit_:
        return candidates  # wide (a plan counted once for each of its ways, at most)
    visible = objects.order_by().filter(one_of("pk", sorted(set(candidates))))
    return _ids(visible.values_list("pk", flat=True), limit_)


class _Kind:
    """One kind's hits: all of them (``exact``) or the best ones, read as far as asked."""

    def __init__(
        self,
        kind: str,
        objects: QuerySet[Any],
        query: Query,
        filters: Filters,
        arms: list[Q] | None = None,
    ) -> None:
        self.kind = kind
        self.objects = objects
        self.query = query
        self.filters = filters
        self.probe = limit("probe")
        reach = limit("reach_ids")
        ids = _reach_ids(objects, arms or [], reach + 1)
        self.all: list[Row] | None
        if len(ids) <= reach:
            # every object the user may read, each row tested for the words
            self.scope = one_of("object_id", ids)
            found = _rows(kind, self._entries(indexable=False)) if ids else []
            self.all = sorted(found, key=lambda row: row.key)
        else:
            # the matches first, then their objects through the selector (``_visible``)
            self.scope = Q()
            found, every = self._probe(self._entries(indexable=True))
            self.all = sorted(found, key=lambda row: row.key) if every else None
        self._best: list[Row] = []
        self._complete = False

    def _entries(self, *, indexable: bool) -> QuerySet[SearchEntry]:
        return matching(self.query, self.filters, indexable=indexable).filter(
            Q(kind=self.kind) & self.scope
        )

    def _visible(self, batch: list[tuple[Any, ...]]) -> list[Row]:
        """The rows of ``batch`` (``_FIELDS`` and the object id) whose object the user may
        read, by the kind's selector."""
        asked = [object_id for *_row, object_id in batch]
        visible = set(
            _ids(
                self.objects.order_by().filter(one_of("pk", asked)).values_list("pk", flat=True),
                len(asked),
            )
        )
        return [
            Row(pk, self.kind, tier, dated, number)
            for pk, tier, dated, number, object_id in batch
            if object_id in visible
        ]

    def _probe(self, entries: QuerySet[SearchEntry]) -> tuple[list[Row], bool]:
        """The hits among ``entries`` (a wide reach's matches, not yet scoped), and whether
        they are all of them (else there are more than the probe).

        Up to twice the probe's matches are read by the index and passed through the
        selector; when most of them are not the user's, the selector joins the query
        (``EXISTS``; PostgreSQL then hashes the user's whole reach, which reading the
        matches first avoids when the user may read most of what matches).
        """
        cap = 2 * (self.probe + 1)
        batch = list(entries.values_list(*_FIELDS, "object_id")[:cap])
        rows = self._visible(batch)
        if len(batch) < cap or len(rows) > self.probe:
            return rows, len(batch) < cap
        inside = Q(Exists(self.objects.filter(pk=OuterRef("object_id"))))
        rows = _rows(self.kind, entries.filter(inside), self.probe + 1)
        return rows, len(rows) <= self.probe

    @property
    def exact(self) -> bool:
        return self.all is not None

    def count(self) -> int:
        """The hits, or the probe when there are more."""
        return len(self.all) if self.all is not None else self.probe

    def decisions(self) -> int:
        """The hits that are issued decisions (dossiers with a number), capped likewise."""
        if self.all is not None:
            return sum(1 for row in self.all if row.number is not None)
        with _by_index():
            numbered = self._entries(indexable=True).filter(number__isnull=False)
            found, every = self._probe(numbered)
        return len(found) if every else self.probe

    def best(self, need: int) -> list[Row]:
        """The ``need`` best hits (fewer when there are fewer)."""
        if self.all is not None:
            return self.all[:need]
        if len(self._best) < need and not self._complete:
            with _by_index():
                self._best, self._complete = self._read(need)
        return self._best[:need]

    def _walk(self, tested: Q, need: int, sample: list[Row]) -> list[Row]:
        """A common tier's ``need`` newest hits: its rows read newest first, a batch at a
        time, each batch's objects passed through the kind's selector (a join to it would be
        read in the selector's order, not the date's).

        ``sample``: hits of the tier already found (the probe's). The ``need`` newest are at
        least as new as the sample's ``need``-th newest, so no older row is read: PostgreSQL
        walks the index ``(kind, dated, id)`` down to that date, or reads the words' index
        for the rows since then when the words are rarer than the days.
        """
        walk = matching(self.query, self.filters, indexable=False).filter(kind=self.kind)
        ranked = sorted(sample, key=lambda row: row.key)
        if len(ranked) >= need and ranked[need - 1].dated is not None:
            since = ranked[need - 1].dated
            walk = matching(self.query, self.filters).filter(kind=self.kind, dated__gte=since)
        values = walk.filter(tested).order_by(*ORDER[1:]).values_list(*_FIELDS, "object_id")
        rows: list[Row] = []
        start, size = 0, max(2 * need, 100)
        while len(rows) < need:
            batch: list[tuple[Any, ...]] = list(values[start : start + size])
            rows += self._visible(batch)
            if len(batch) < size:
                break
            start, size = start + size, 4 * size
        return rows[:need]

    def _tiers(self) -> Iterator[tuple[Q, Q, bool]]:
        """Each tier's condition, best first: as an index answers it, as a row test, and
        whether the words' index is the one (the trích yếu's is, for its tier: its words
        are among the row's, and rarer)."""
        exact = exact_q(self.query)
        if self.query.symbols:
            yield exact, exact, True
        if self.query.words:
            yield (
                subject_q(self.query) & ~exact,
                subject_q(self.query, indexable=False) & ~exact,
                False,
            )
        rest = ~subject_q(self.query, indexable=False) & ~exact
        yield rest, rest, True

    def _read(self, need: int) -> tuple[list[Row], bool]:
        rows: list[Row] = []
        for indexed, tested, by_words in self._tiers():
            found, every = self._probe(self._entries(indexable=by_words).filter(indexed))
            if every:
                rows += sorted(found, key=lambda row: row.key)
            else:
                rows += self._walk(tested, need - len(rows), found)
            if len(rows) >= need:
                return rows, False
        return rows, True


class SearchResults:
    """The hits ``user`` may read, best first, counted and sliced like a list (a
    :class:`~django.core.paginator.Paginator` takes it); each slice is read as needed."""

    ordered = True  # for the paginator: the order is the ranking's

    def __init__(
        self, *, user: Any, day: datetime.date, query: Query, filters: Filters | None = None
    ) -> None:
        self.user = user
        self.day = day
        self.query = query
        self.filters = filters or Filters()
        self._kinds: list[_Kind] | None = None

    def narrowed(self, kinds: frozenset[str]) -> SearchResults:
        """The same search for ``kinds`` only (the API's kind filter beside facets of every
        kind): the kinds already read are shared, not read again."""
        narrowed = SearchResults(
            user=self.user,
            day=self.day,
            query=self.query,
            filters=replace(self.filters, kinds=kinds),
        )
        if DECISION not in kinds or EntryKind.DOSSIER in kinds:
            # the decisions alone are a narrower scope of dossiers: read apart
            narrowed._kinds = [kind for kind in self._read() if narrowed.filters.wants(kind.kind)]
        return narrowed

    def _read(self) -> list[_Kind]:
        if self._kinds is None:
            kinds: list[_Kind] = []
            if not self.query.empty:
                self._open(kinds)
            self._kinds = kinds
        return self._kinds

    def _open(self, kinds: list[_Kind]) -> None:
        scope = search_scope(user=self.user, day=self.day, filters=self.filters)
        with _by_index():
            for kind, objects, arms in (
                (EntryKind.DOCUMENT, scope.documents, scope.document_arms),
                (EntryKind.DOSSIER, scope.dossiers, None),
                (EntryKind.HOUSEHOLD, scope.households, None),
            ):
                if objects is not None:
                    kinds.append(_Kind(kind, objects, self.query, self.filters, arms))

    @property
    def exact(self) -> bool:
        """Whether :meth:`count` is every hit (else there are more)."""
        return all(kind.exact for kind in self._read())

    def count(self) -> int:
        """The hits, each kind counted up to ``SEARCH_LIMITS["probe"]``."""
        return sum(kind.count() for kind in self._read())

    def __len__(self) -> int:
        return self.count()

    def facets(self) -> dict[str, int]:
        """The hits of each kind, and the decisions among the dossiers (capped likewise)."""
        counts = {kind.kind: kind.count() for kind in self._read()}
        dossiers = next((kind for kind in self._read() if kind.kind == EntryKind.DOSSIER), None)
        counts[DECISION] = dossiers.decisions() if dossiers is not None else 0
        return counts

    def inexact_kinds(self) -> set[str]:
        """The kinds with more hits than counted."""
        return {kind.kind for kind in self._read() if not kind.exact}

    def rows(self, start: int, stop: int) -> list[Row]:
        """The ranked hits ``start`` to ``stop``."""
        if stop <= start:
            return []
        merged = [row for kind in self._read() for row in kind.best(stop)]
        merged.sort(key=lambda row: row.key)
        return merged[start:stop]

    @overload
    def __getitem__(self, index: int) -> SearchEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[SearchEntry]: ...

    def __getitem__(self, index: int | slice) -> SearchEntry | list[SearchEntry]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, step = index.indices(self.count())
        if step != 1:
            raise ValueError("SearchResults slices have no step")
        rows = self.rows(start, stop)
        loaded = SearchEntry.objects.in_bulk([row.pk for row in rows])
        entries: list[SearchEntry] = []
        for row in rows:
            entry = loaded.get(row.pk)
            if entry is not None:  # gone since it was ranked (deleted in between)
                entry.tier = row.tier  # type: ignore[attr-defined]
                entries.append(entry)
        return entries
