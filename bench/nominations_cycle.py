"""A province's nominations year through the services, step by step, on one or more workers."""

from __future__ import annotations

import time
from contextlib import nullcontext
from typing import Any

from bench.nominations_province import FAIL_EVERY, YEAR, CommuneStaff, D, Province
from bench.step_meter import Meter


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
