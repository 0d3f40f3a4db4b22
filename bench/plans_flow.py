"""Push N plans through the plan flow, beside a bare viewflow flow, and print the cost.

Run from the repository root (not a test; nothing is asserted)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_flow python bench/plans_flow.py --plans 500

It creates its own throwaway database (the name in ``DATABASE_URL`` plus ``_bench``; a
temporary SQLite file without ``DATABASE_URL``), migrates it, seeds the demo province and
drops it at the end. Each plan is created, submitted, reviewed by the division, checked by
the office, (with ``--consultation``) answered by two member agencies, signed, numbered and
dispatched, and closed, all through :mod:`workflows.plans.flow_actions`. The bare flow
(:mod:`bench.flows`) takes the same human steps on viewflow's own ``Process`` with no
engine, no permission check, no FSM and no audit. Times are wall-clock per step; queries
are counted with ``CaptureQueriesContext`` on every step of every plan.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(url: str) -> str:
    """The benchmark's own database: the configured name with ``_bench`` appended."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        bench = path.with_name(f"{path.stem}_bench{path.suffix or '.sqlite3'}")
        return f"sqlite:///{bench}"
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path=f"/{name}_bench"))


class Meter:
    """Wall time and SQL statements per step."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.order: list[str] = []

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Measure one step (queries are captured on every call)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if name not in self.queries:
            self.order.append(name)
        connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            yield
            elapsed = time.perf_counter() - started
        self.seconds[name] += elapsed
        self.queries[name].append(len(captured.captured_queries))

    @property
    def total(self) -> float:
        """Seconds spent in every measured step."""
        return sum(self.seconds.values())

    def per_call_ms(self, name: str) -> float:
        """Mean milliseconds of one call of ``name``."""
        return 1000 * self.seconds[name] / len(self.queries[name])

    def per_call_queries(self, name: str) -> str:
        """Mean statements of one call, with the range when it varies."""
        counts = self.queries[name]
        low, high, mean = min(counts), max(counts), sum(counts) / len(counts)
        return f"{mean:.0f}" if low == high else f"{mean:.1f} ({low}-{high})"

    def queries_per_plan(self, plans: int) -> float:
        """Statements per plan, all steps together."""
        return sum(sum(c) for c in self.queries.values()) / plans


class Engine:
    """The plan flow on the engine, with the demo province's people."""

    def __init__(self, *, consultation: bool) -> None:
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from approvals.organisation.models import OrgUnit
        from approvals.registers.models import DocumentKind
        from tests.plans.conftest import Province, seed_004_content

        province = Province()
        users = get_user_model().objects.in_bulk(
            [
                "chuyenvien.vp.ldtbxh",
                "cvp.ldtbxh",
                "kiemtra.ldtbxh",
                "pgd.ldtbxh",
                "vanthu.ldtbxh",
                "gd.ldtbxh",
                "gd.vhttdl",
                "thuky.bcd",
            ],
            field_name="username",
        )
        self.users = users
        self.dept = province.dept
        self.vp = province.child(self.dept, "VP")
        self.kind = DocumentKind.objects.get(code="plan")
        self.year = timezone.localdate().year
        self.content = seed_004_content(province)
        self.content["reporting"] = []  # no periodic reports: close right after issue
        self.recipients = [province.child(self.dept, c) for c in ("BTXH", "NCC", "BBT")]
        self.agencies: list[tuple[OrgUnit, Any]] = (
            [
                (province.unit("Sở Văn hóa, Thể thao và Du lịch"), users["gd.vhttdl"]),
                (
                    OrgUnit.objects.get(parent_id=self.dept.parent_id, code="BCĐ"),
                    users["thuky.bcd"],
                ),
            ]
            if consultation
            else []
        )

    def run(self, meter: Meter) -> None:
        """One plan from creation to closure."""
        from workflows.plans.flow_actions import (
            flow_answer,
            flow_approve,
            flow_close,
            flow_issue,
            flow_sign,
            flow_submit,
        )
        from workflows.plans.services import plan_create

        u = self.users
        with meter.step("create"):
            plan = plan_create(
                user=u["chuyenvien.vp.ldtbxh"],
                issuing_agency=self.dept,
                drafting_unit=self.vp,
                kind=self.kind,
                year=self.year,
                content=self.content,
                needs_consultation=bool(self.agencies),
                consulted_agencies=[agency for agency, _who in self.agencies],
                consultation_working_days=5 if self.agencies else 0,
                recipient_units=self.recipients,
            )
        with meter.step("submit"):
            flow_submit(plan, u["chuyenvien.vp.ldtbxh"])
        with meter.step("division review"):
            flow_approve(plan, u["cvp.ldtbxh"])
        with meter.step("format check"):
            flow_approve(plan, u["kiemtra.ldtbxh"])
        if self.agencies:
            consultations = {c.agency_id: c for c in plan.consultations.all()}
            for agency, who in self.agencies:
                with meter.step("answer (each agency)"):
                    flow_answer(consultations[agency.pk], who, answer="Nhất trí với dự thảo")
        with meter.step("sign"):
            flow_sign(plan, u["pgd.ldtbxh"])
        with meter.step("number, dispatch"):
            flow_issue(plan, u["vanthu.ldtbxh"])
        with meter.step("close"):
            flow_close(plan, u["gd.ldtbxh"], comment="Hoàn thành kế hoạch")


class Bare:
    """The bare flow: same human steps, viewflow only."""

    def __init__(self, *, consultation: bool, user: Any) -> None:
        self.agencies = 2 if consultation else 0
        self.user = user

    def _human(self, process_pk: int, node: Any) -> None:
        from django.db import transaction
        from viewflow.workflow.models import Task
        from viewflow.workflow.status import STATUS

        from bench.flows import BareFlow

        with transaction.atomic(), BareFlow.lock(process_pk):
            task = Task.objects.select_related("process").get(
                process_id=process_pk, flow_task=node, status=STATUS.NEW
            )
            activation = node.activation_class(task)
            if node.task_type == "HUMAN":
                assert activation.assign.has_perm(self.user)  # noqa: S101
                activation.assign(self.user)
                activation.start(None)
            else:
                activation.run(None)
            activation.execute()

    def run(self, meter: Meter) -> None:
        """One bare process from start to end."""
        from bench.flows import BareFlow

        with meter.step("submit"):
            process = BareFlow.start.run(_process_data={"agencies": self.agencies})
        with meter.step("division review"):
            self._human(process.pk, BareFlow.division_review)
        with meter.step("format check"):
            self._human(process.pk, BareFlow.format_check)
        if self.agencies:
            for node in (BareFlow.answer_1, BareFlow.answer_2):
                with meter.step("answer (each agency)"):
                    self._human(process.pk, node)
        with meter.step("sign"):
            self._human(process.pk, BareFlow.sign)
        with meter.step("number, dispatch"):
            self._human(process.pk, BareFlow.register)
        with meter.step("close"):
            self._human(process.pk, BareFlow.final_review)


@contextmanager
def throwaway_database(vendor: str, name: str) -> Iterator[None]:
    """Create the benchmark database, and drop it whatever happens."""
    from django.db import connection, connections

    def drop() -> None:
        connections.close_all()
        if vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            Path(name).unlink(missing_ok=True)

    drop()
    if vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        drop()


def measure_both(engine: Any, bare: Any, plans: int, warmup: int) -> tuple[Meter, Meter]:
    """Warm both up, then alternate one engine plan and one bare process, ``plans`` times.

    Alternating puts the machine's other load on both alike (the figures are compared).
    """
    for _ in range(warmup):
        engine.run(Meter())
        bare.run(Meter())
    engine_meter, bare_meter = Meter(), Meter()
    started = time.perf_counter()
    for i in range(plans):
        engine.run(engine_meter)
        bare.run(bare_meter)
        if (i + 1) % max(1, plans // 5) == 0:
            print(f"  {i + 1}/{plans} of each ({time.perf_counter() - started:.1f} s)", flush=True)
    return engine_meter, bare_meter


def report(engine: Meter, bare: Meter, plans: int) -> str:
    """The figures as a small text table."""
    rows = [
        ("step", "engine ms", "engine SQL", "bare ms", "bare SQL", "ratio"),
    ]
    for name in engine.order:
        has_bare = name in bare.queries
        e_ms = engine.per_call_ms(name)
        b_ms = bare.per_call_ms(name) if has_bare else 0.0
        rows.append(
            (
                name,
                f"{e_ms:.1f}",
                engine.per_call_queries(name),
                f"{b_ms:.1f}" if has_bare else "-",
                bare.per_call_queries(name) if has_bare else "-",
                f"{e_ms / b_ms:.1f}x" if has_bare and b_ms else "-",
            )
        )
    e_plan, b_plan = 1000 * engine.total / plans, 1000 * bare.total / plans
    rows.append(
        (
            "per plan",
            f"{e_plan:.1f}",
            f"{engine.queries_per_plan(plans):.0f}",
            f"{b_plan:.1f}",
            f"{bare.queries_per_plan(plans):.0f}",
            f"{e_plan / b_plan:.1f}x",
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if n == 0 or n == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        f"total: engine {engine.total:.1f} s, bare {bare.total:.1f} s for {plans} plans "
        f"(ratio {engine.total / bare.total:.1f}x)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Set up Django on a throwaway database, run both flows, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=500, help="plans per flow (default 500)")
    parser.add_argument(
        "--consultation", action="store_true", help="consult two member agencies on each plan"
    )
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured plans first")
    args = parser.parse_args(argv)

    default = f"sqlite:///{Path(tempfile.gettempdir()) / 'plans_flow.sqlite3'}"
    os.environ["DATABASE_URL"] = bench_database_url(os.environ.get("DATABASE_URL", default))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    database = settings.DATABASES["default"]["NAME"]
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']} "
        f"(throwaway); plans: {args.plans}; consultation: {'yes' if args.consultation else 'no'}"
    )
    with throwaway_database(connection.vendor, str(database)):
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command(
            "seed_demo", "--no-logins", "--no-plans", stdout=io.StringIO(), stderr=io.StringIO()
        )
        print(f"migrate + seed: {time.perf_counter() - started:.1f} s", flush=True)

        engine = Engine(consultation=args.consultation)
        bare = Bare(
            consultation=args.consultation,
            user=get_user_model().objects.get(username="cvp.ldtbxh"),
        )
        engine_meter, bare_meter = measure_both(engine, bare, args.plans, args.warmup)
        print()
        print(report(engine_meter, bare_meter, args.plans))
    return 0


if __name__ == "__main__":
    sys.exit(main())
