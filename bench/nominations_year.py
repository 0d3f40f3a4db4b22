"""A province's "Gia đình văn hóa" year through the services, beside one household at a time.

Run from the repository root (not a test; nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_dash \\
        python bench/nominations_year.py --households 500000 --villages 2000 --communes 200
    DATABASE_URL=... python bench/nominations_year.py --scale 0.1     # 50,000 households

It creates its own throwaway database (the name in ``DATABASE_URL`` plus ``_bench``; a
temporary SQLite file without ``DATABASE_URL``), migrates it and bulk-creates a province
with its communes, villages, households and the people of the cycle (a head per village;
a chairman, a culture officer and a records clerk per commune, whose decision register is
configured through the service). Then every village's dossier goes from registration to
the numbered decision through :mod:`workflows.nominations.services`: create, register all
households, the review meeting (2 % of households fail the vote), posting, submission,
appraisal, signature, numbering with every recognition. One dossier per village, proposed
to its commune: ten decisions per commune at the default shape.

The yardstick is the same candidate work done one household at a time, as a service
without bulk moves would: for a sample of households (whole villages, ``--sample``), in a
transaction per household and step, create the candidate or take its FSM transition, save
it and write its audit event with ``audit_record`` (the recognition also reads the
previous year's title). Its time is scaled to the full count. The yardstick leaves out
the per-dossier work (dossier, meeting, deadlines, signature, number), so the ratio
understates the gain.

Printed: per step the calls, seconds, mean milliseconds and SQL statements per call, the
households moved per second; the cycle's wall time; the yardstick per household, scaled;
the peak resident memory (``getrusage``); and the dashboard reads on the full data.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.plans_flow import bench_database_url, throwaway_database  # noqa: E402

YEAR = 2026
D = datetime.date
FAIL_EVERY = 50  # one household in 50 fails the review meeting's vote


class Meter:
    """Wall time and SQL statements per step, counted by a light execute wrapper."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.queries: dict[str, int] = defaultdict(int)
        self.rows: dict[str, int] = defaultdict(int)
        self.order: list[str] = []
        self._count = 0

    def _wrapper(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self._count += 1
        return execute(sql, params, many, context)

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Count every statement of the connection while inside."""
        from django.db import connection

        with connection.execute_wrapper(self._wrapper):
            yield

    @contextmanager
    def step(self, name: str, rows: int = 0) -> Iterator[None]:
        """Measure one call of step ``name`` that moves ``rows`` rows."""
        if name not in self.calls:
            self.order.append(name)
        before = self._count
        started = time.perf_counter()
        yield
        self.seconds[name] += time.perf_counter() - started
        self.calls[name] += 1
        self.queries[name] += self._count - before
        self.rows[name] += rows

    @property
    def total(self) -> float:
        """Seconds in all measured steps."""
        return sum(self.seconds.values())


def peak_rss_mb() -> float:
    """Peak resident memory of this process or a worker so far, in MiB (Linux: KiB)."""
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


# --- the province ------------------------------------------------------------------------------


@dataclass
class CommuneStaff:
    """A commune and the people who appraise, decide and number there."""

    unit: Any
    chairman: Any
    officer: Any
    clerk: Any
    villages: list[tuple[Any, Any]] = field(default_factory=list)  # (village, head)


@dataclass
class Province:
    """The bulk-created province."""

    unit: Any
    secretary: Any
    communes: list[CommuneStaff]
    households: int

    @property
    def villages(self) -> Iterator[tuple[CommuneStaff, Any, Any]]:
        """Every (commune, village, village head)."""
        for commune in self.communes:
            for village, head in commune.villages:
                yield commune, village, head


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _with_paths(units: list[Any], parent: Any) -> None:
    from approvals.organisation.models import OrgUnit

    for unit in units:
        unit.path = f"{parent.path}{unit.pk}/"
        unit.depth = parent.depth + 1
    OrgUnit.objects.bulk_update(units, ["path", "depth"], batch_size=1000)


def build_province(*, households: int, villages: int, communes: int) -> Province:
    """Bulk-create the tree, the people and the households; configure the registers."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from approvals.organisation.models import (
        Action,
        ActionRule,
        OrgUnit,
        Position,
        Reach,
        Role,
        UnitKind,
    )
    from approvals.registers.models import DocumentKind
    from approvals.registers.services import register_configure
    from workflows.nominations.models import Household

    user_model = get_user_model()
    roles = {r.code: r for r in Role.objects.all()}
    since = D(2020, 1, 1)
    with transaction.atomic():
        province = OrgUnit(
            name="UBND tỉnh Bắc Giang",
            code="UBND",
            kind=UnitKind.PROVINCE,
            collective_body_name="Ủy ban nhân dân",
            place_name="Bắc Giang",
        )
        province.save()
        committee = OrgUnit(
            name="Ban Chỉ đạo Phong trào tỉnh",
            code="BCĐ",
            kind=UnitKind.STEERING_COMMITTEE,
            parent=province,
            collective_body_name="Ban Chỉ đạo",
        )
        committee.save()
        commune_units = OrgUnit.objects.bulk_create(
            OrgUnit(
                name=f"Xã số {n}",
                code="UBND",
                kind=UnitKind.COMMUNE,
                parent=province,
                collective_body_name="Ủy ban nhân dân",
                place_name="Bắc Giang",
            )
            for n in range(1, communes + 1)
        )
        _with_paths(commune_units, province)
        village_units: list[Any] = []
        owners: list[Any] = []
        for commune, count in zip(commune_units, _spread(villages, communes), strict=True):
            made = OrgUnit.objects.bulk_create(
                OrgUnit(
                    name=f"Thôn {n} {commune.name}", code="T", kind=UnitKind.VILLAGE, parent=commune
                )
                for n in range(1, count + 1)
            )
            _with_paths(made, commune)
            village_units.extend(made)
            owners.extend([commune] * count)

        def person(username: str) -> Any:
            return user_model(username=username, first_name="Văn", last_name="Nguyễn", password="!")

        people: list[tuple[Any, Any, str]] = [
            (person("thuky_bcd"), committee, "committee_secretary")
        ]
        for commune in commune_units:
            for prefix, role in (
                ("ct", "commune_chairman"),
                ("vhxh", "culture_officer"),
                ("vt", "records_clerk"),
            ):
                people.append((person(f"{prefix}_{commune.pk}"), commune, role))
        for village in village_units:
            people.append((person(f"tt_{village.pk}"), village, "village_head"))
        users = user_model.objects.bulk_create([p[0] for p in people], batch_size=2000)
        Position.objects.bulk_create(
            (
                Position(user=user, unit=unit, role=roles[role], valid_from=since)
                for user, (_u, unit, role) in zip(users, people, strict=True)
            ),
            batch_size=2000,
        )
        ActionRule.objects.get_or_create(
            action=Action.objects.get(code="approvals_registers.configure_register"),
            role=roles["commune_chairman"],
            reach=Reach.SAME_UNIT,
        )
    by_unit: dict[tuple[int, str], Any] = {
        (unit.pk, role): user for user, (_u, unit, role) in zip(users, people, strict=True)
    }
    staff = [
        CommuneStaff(
            commune,
            by_unit[commune.pk, "commune_chairman"],
            by_unit[commune.pk, "culture_officer"],
            by_unit[commune.pk, "records_clerk"],
        )
        for commune in commune_units
    ]
    by_commune = {s.unit.pk: s for s in staff}
    for village, commune in zip(village_units, owners, strict=True):
        by_commune[commune.pk].villages.append((village, by_unit[village.pk, "village_head"]))
    decision = DocumentKind.objects.get(code="decision")
    for s in staff:
        register_configure(
            agency=s.unit,
            year=YEAR,
            name=f"Sổ quyết định {YEAR}",
            kinds=[decision],
            user=s.chairman,
        )

    rows = (
        Household(village=village, code=f"H{n:05d}", head_name=f"Hộ {n}")
        for village, count in zip(village_units, _spread(households, villages), strict=True)
        for n in range(1, count + 1)
    )
    while chunk := list(itertools.islice(rows, 10_000)):
        Household.objects.bulk_create(chunk)
    return Province(unit=province, secretary=users[0], communes=staff, households=households)


# --- the year through the services -------------------------------------------------------------


def village_cycle(
    meter: Meter, staff: CommuneStaff, village: Any, head: Any, *, year: int = YEAR
) -> int:
    """One village's dossier from registration to the numbered decision; households moved."""
    from workflows.nominations.models import Household, Title
    from workflows.nominations.services import (
        candidates_register,
        decision_issue,
        dossier_accept,
        dossier_create,
        dossier_decide,
        dossier_submit,
        meeting_record,
        posting_open,
    )

    households = list(Household.objects.filter(village=village).order_by("pk"))
    n = len(households)
    with meter.step("create"):
        dossier = dossier_create(
            user=head,
            title=Title.CULTURAL_FAMILY,
            year=year,
            proposing_unit=village,
            on=D(year, 10, 1),
        )
    with meter.step("register", n):
        created = candidates_register(dossier=dossier, user=head, households=households)
    votes = {c.pk: (10 if i % FAIL_EVERY == FAIL_EVERY - 1 else 30) for i, c in enumerate(created)}
    with meter.step("meeting", n):
        meeting_record(
            dossier=dossier,
            user=head,
            held_on=D(year, 10, 5),
            invited=40,
            present=32,
            votes=votes,
            chaired_by="Trưởng thôn",
        )
    with meter.step("posting", n):
        posting_open(dossier=dossier, user=head, on=D(year, 10, 6))
    with meter.step("submit", n):
        dossier_submit(dossier=dossier, user=head, on=D(year, 10, 17))
    with meter.step("accept"):
        dossier_accept(dossier=dossier, user=staff.officer)
    with meter.step("decide"):
        dossier_decide(dossier=dossier, user=staff.chairman, on=D(year, 10, 20))
    with meter.step("issue", n):
        decision_issue(dossier=dossier, user=staff.clerk, on=D(year, 10, 20))
    return n


#: Tables the cycle rewrites (each candidate gets a new row version at every step).
CHURNED = (
    "nominations_candidate",
    "nominations_dossier",
    "approvals_calendar_deadline",
    "approvals_registers_register",
    "approvals_audit_auditchain",
)


def maintain(meter: Meter | None = None, *, tables: tuple[str, ...] = CHURNED) -> None:
    """``VACUUM (ANALYZE)`` on PostgreSQL, as autovacuum would (it may be off on a dev server)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with (
        meter.step("vacuum, analyze") if meter is not None else nullcontext(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


#: Villages between two vacuums of the churned tables (0: never); set by ``--vacuum-every``.
VACUUM_EVERY = [100]


def _cycle_villages(
    meter: Meter,
    villages: list[tuple[CommuneStaff, Any, Any]],
    *,
    label: str = "",
    vacuum: bool = True,
) -> int:
    """Run the villages' cycles in order, vacuuming now and then, with progress every tenth."""
    started = time.perf_counter()
    moved = 0
    every = VACUUM_EVERY[0]
    with meter.counting():
        for n, (staff, village, head) in enumerate(villages, start=1):
            moved += village_cycle(meter, staff, village, head)
            if vacuum and every and n % every == 0:
                maintain(meter)
            if n % max(1, len(villages) // 10) == 0:
                print(
                    f"  {label}{n:,}/{len(villages):,} villages, {moved:,} households "
                    f"({time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
    return moved


_SHARES: list[list[tuple[CommuneStaff, Any, Any]]] = []


def _worker(index: int) -> tuple[dict[str, dict[str, float]], int]:
    """A forked worker: its share of the communes, on its own connection."""
    meter = Meter()
    # one worker vacuums (two would queue on the same tables' lock)
    moved = _cycle_villages(meter, _SHARES[index], label=f"worker {index + 1}: ", vacuum=index == 0)
    figures = {
        "seconds": dict(meter.seconds),
        "calls": {k: float(v) for k, v in meter.calls.items()},
        "queries": {k: float(v) for k, v in meter.queries.items()},
        "rows": {k: float(v) for k, v in meter.rows.items()},
        "order": {name: float(n) for n, name in enumerate(meter.order)},
    }
    return figures, moved


def run_year(province: Province, workers: int) -> tuple[Meter, int]:
    """Every village's cycle; with several workers, each takes whole communes.

    A commune's decisions go to one register, so workers never wait on each other's
    register or dossier rows; they do share the audit chain's head, locked by every
    audited write until its transaction commits.
    """
    meter = Meter()
    if workers <= 1:
        return meter, _cycle_villages(meter, list(province.villages))
    import multiprocessing

    from django.db import connections

    _SHARES[:] = [
        [(c, v, h) for c in province.communes[i::workers] for v, h in c.villages]
        for i in range(workers)
    ]
    connections.close_all()  # each forked worker opens its own connection
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_worker, range(workers))
    moved = 0
    for figures, count in results:
        moved += count
        for name in sorted(figures["order"], key=figures["order"].__getitem__):
            if name not in meter.order:
                meter.order.append(name)
            meter.seconds[name] += figures["seconds"][name]
            meter.calls[name] += int(figures["calls"][name])
            meter.queries[name] += int(figures["queries"][name])
            meter.rows[name] += int(figures["rows"][name])
    return meter, moved


# --- the yardstick: one household at a time ---------------------------------------------------


def _row_model() -> Any:
    """Candidate with one FSM transition per step, as a per-row service would have."""
    from django_fsm import transition

    from workflows.nominations.models import Candidate, CandidateState

    s = CandidateState

    class RowCandidate(Candidate):
        class Meta:
            proxy = True
            app_label = "bench"

        @transition(field="state", source=s.REGISTERED, target=s.VOTED)
        def vote(self) -> None:
            """Passed the meeting."""

        @transition(field="state", source=s.REGISTERED, target=s.NOT_VOTED)
        def fail(self) -> None:
            """Not passed."""

        @transition(field="state", source=s.VOTED, target=s.POSTED)
        def post(self) -> None:
            """Posted."""

        @transition(field="state", source=s.POSTED, target=s.PROPOSED)
        def propose(self) -> None:
            """Proposed."""

        @transition(field="state", source=s.PROPOSED, target=s.RECOGNISED)
        def recognise(self) -> None:
            """Recognised."""

    return RowCandidate


def one_at_a_time(meter: Meter, sample: list[tuple[CommuneStaff, Any, Any]], *, year: int) -> int:
    """The sample villages' candidate work, one household and one step per transaction."""
    from django.db import transaction

    from approvals.audit.services import SubjectRef, audit_record
    from approvals.organisation.resolver import require
    from workflows.nominations import services
    from workflows.nominations.models import CandidateState, Household, Title

    row_model = _row_model()
    s = CandidateState
    moved = 0
    for staff, village, head in sample:
        dossier = services.dossier_create(
            user=head,
            title=Title.CULTURAL_FAMILY,
            year=year,
            proposing_unit=village,
            on=D(year, 10, 1),
        )
        households = list(Household.objects.filter(village=village).order_by("pk"))
        moved += len(households)
        authority = require(head, services.REGISTER, unit=village)
        decider = require(staff.clerk, services.NUMBER, unit=staff.unit)

        def audit(candidate: Any, action: str, old: str, new: str, who: Any, why: Any) -> None:
            audit_record(
                actor=who,
                action=action,
                subject=SubjectRef("nominations.candidate", str(candidate.pk), ""),
                from_state=old,
                to_state=new,
                authority=why,
            )

        rows: list[Any] = []
        for household in households:
            with meter.step("register"), transaction.atomic():
                row = row_model.objects.create(
                    dossier=dossier, title=dossier.title, year=year, household=household
                )
                audit(row, services.REGISTER, "", s.REGISTERED, head, authority)
            rows.append(row)
        kept: list[Any] = []
        for i, row in enumerate(rows):
            with meter.step("meeting"), transaction.atomic():
                row.votes_for, row.votes_cast = (10 if i % FAIL_EVERY == FAIL_EVERY - 1 else 30), 32
                (row.fail if row.votes_for == 10 else row.vote)()
                row.save()
                audit(row, services.MEETING, s.REGISTERED, row.state, head, authority)
            if row.state == s.VOTED:
                kept.append(row)
        for name, step, old, new, action in (
            ("posting", "post", s.VOTED, s.POSTED, services.POSTING),
            ("submit", "propose", s.POSTED, s.PROPOSED, services.SUBMIT),
        ):
            for row in kept:
                with meter.step(name), transaction.atomic():
                    getattr(row, step)()
                    row.save()
                    audit(row, action, old, new, head, authority)
        for row in kept:
            with meter.step("issue"), transaction.atomic():
                before = (
                    row_model.objects.filter(
                        title=row.title,
                        year=year - 1,
                        household_id=row.household_id,
                        state=s.RECOGNISED,
                    )
                    .values_list("consecutive_years", flat=True)
                    .first()
                )
                row.consecutive_years = (before or 0) + 1
                row.recognise()
                row.save()
                audit(row, services.DECIDE, s.PROPOSED, s.RECOGNISED, staff.clerk, decider)
    return moved


# --- the dashboard on the full data ---------------------------------------------------------


def dashboard(meter: Meter, province: Province) -> None:
    """The secretary's and an officer's reads, once each, on everything just recognised."""
    from workflows.nominations.models import Title
    from workflows.nominations.selectors import (
        dossier_counts_by_step,
        dossier_list_pending,
        recognition_share,
    )

    day = D(YEAR, 11, 1)
    commune = province.communes[0]
    with meter.step("share, province"):
        share = recognition_share(unit=province.unit, year=YEAR, title=Title.CULTURAL_FAMILY)
    with meter.step("share, one commune"):
        recognition_share(unit=commune.unit, year=YEAR, title=Title.CULTURAL_FAMILY)
    with meter.step("pending list, secretary"):
        list(dossier_list_pending(user=province.secretary, day=day)[:50])
    with meter.step("counts per step, secretary"):
        dossier_counts_by_step(user=province.secretary, day=day)
    print(
        f"  province share {YEAR}: {share.overall.recognised:,} of {share.overall.total:,} "
        f"households ({share.overall.share} %, target {share.target} %, "
        f"{'met' if share.overall.met else 'not met'}); {len(share.rows)} communes"
    )


# --- report -----------------------------------------------------------------------------------


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as a text table, the first one a header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(bulk: Meter, rows: Meter, *, households: int, sample: int, wall: float) -> str:
    """The bulk steps beside the yardstick, scaled to the full count."""
    scale = households / sample
    out = [
        (
            "step",
            "calls",
            "s",
            "ms/call",
            "SQL/call",
            "households/s",
            "1-by-1 s (scaled)",
            "1-by-1 SQL/hh",
            "ratio",
        )
    ]
    for name in bulk.order:
        calls = bulk.calls[name]
        per_row = name in rows.calls
        one = rows.seconds[name] * scale if per_row else 0.0
        out.append(
            (
                name,
                f"{calls:,}",
                f"{bulk.seconds[name]:.1f}",
                f"{1000 * bulk.seconds[name] / calls:.1f}",
                f"{bulk.queries[name] / calls:.1f}",
                f"{bulk.rows[name] / bulk.seconds[name]:,.0f}" if bulk.rows[name] else "-",
                f"{one:,.0f}" if per_row else "-",
                f"{rows.queries[name] / sample:.1f}" if per_row else "-",
                f"{one / bulk.seconds[name]:.0f}x" if per_row else "-",
            )
        )
    one_total = rows.total * scale
    out.append(
        (
            "all steps",
            "",
            f"{bulk.total:.1f}",
            "",
            f"{sum(bulk.queries.values()):,} in all",
            f"{households / bulk.total:,.0f}",
            f"{one_total:,.0f}",
            f"{sum(rows.queries.values()) / sample:.1f}",
            f"{one_total / bulk.total:.1f}x",
        )
    )
    text = table(out)
    return (
        f"{text}\n\ncycle wall time {wall:.1f} s for {households:,} households "
        f"({households / wall:,.0f} households/s; services {bulk.total:.1f} s); "
        f"one household at a time: {rows.total:.1f} s for {sample:,} households, "
        f"{1000 * rows.total / sample:.2f} ms each, scaled to {one_total:,.0f} s "
        f"({one_total / 60:,.1f} min), {one_total / wall:.1f}x the bulk cycle's wall time"
    )


def main(argv: list[str] | None = None) -> int:
    """Set up Django on a throwaway database, build the province, run the year, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=500_000)
    parser.add_argument("--villages", type=int, default=2_000)
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the three counts (0.1: 50,000 households)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=2_000,
        help="households done one at a time (whole villages, at least this)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes sharing the communes (step times are then summed over workers)",
    )
    parser.add_argument(
        "--vacuum-every",
        type=int,
        default=100,
        help="VACUUM (ANALYZE) the rewritten tables every N villages (0: never; PostgreSQL)",
    )
    parser.add_argument("--verify", action="store_true", help="verify the audit chain at the end")
    args = parser.parse_args(argv)
    households = max(1, round(args.households * args.scale))
    villages = max(1, round(args.villages * args.scale))
    communes = max(1, round(args.communes * args.scale))

    default = f"sqlite:///{Path(tempfile.gettempdir()) / 'nominations_year.sqlite3'}"
    os.environ["DATABASE_URL"] = bench_database_url(os.environ.get("DATABASE_URL", default))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    database = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" and args.workers > 1:
        print("several workers need PostgreSQL (SQLite has one writer): using one")
        args.workers = 1
    print(
        f"database: {connection.vendor} {database} (throwaway); households: {households:,}; "
        f"villages: {villages:,}; communes: {communes:,}; workers: {args.workers}; "
        f"sample one at a time: {args.sample:,}",
        flush=True,
    )
    begun = time.perf_counter()
    with throwaway_database(connection.vendor, str(database)):
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        province = build_province(households=households, villages=villages, communes=communes)
        print(
            f"bulk-created {communes:,} communes, {villages:,} villages, {households:,} "
            f"households and their people: {time.perf_counter() - started:.1f} s "
            f"(peak memory {peak_rss_mb():,.0f} MiB)",
            flush=True,
        )

        maintain(tables=("nominations_household", "approvals_org_orgunit", "auth_user"))
        VACUUM_EVERY[0] = args.vacuum_every
        every = list(province.villages)
        started = time.perf_counter()
        bulk, moved = run_year(province, args.workers)
        wall = time.perf_counter() - started

        rows = Meter()
        sample: list[tuple[CommuneStaff, Any, Any]] = []
        size = 0
        for (staff, village, head), count in zip(every, _spread(households, villages), strict=True):
            if size >= args.sample:
                break
            sample.append((staff, village, head))
            size += count
        started = time.perf_counter()
        with rows.counting():
            sampled = one_at_a_time(rows, sample, year=YEAR + 1)
        print(
            f"  one at a time: {sampled:,} households ({time.perf_counter() - started:.1f} s)",
            flush=True,
        )

        reads = Meter()
        with reads.counting():
            dashboard(reads, province)
        print()
        print(report(bulk, rows, households=moved, sample=sampled, wall=wall))
        print()
        print(
            table(
                [("dashboard read", "ms", "SQL")]
                + [
                    (name, f"{1000 * reads.seconds[name]:.0f}", str(reads.queries[name]))
                    for name in reads.order
                ]
            )
        )
        print()
        print(f"peak memory (max RSS): {peak_rss_mb():,.0f} MiB")
        if args.verify:
            from approvals.audit.models import AuditChain
            from approvals.audit.services import chain_verify

            started = time.perf_counter()
            reports = [
                chain_verify(chain=name)
                for name in AuditChain.objects.order_by("name").values_list("name", flat=True)
            ]
            print(
                f"chains verified: {all(r.ok for r in reports)}, {len(reports)} chains, "
                f"{sum(r.events_checked for r in reports):,} events "
                f"({time.perf_counter() - started:.1f} s)"
            )
    print(f"whole run: {time.perf_counter() - begun:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
