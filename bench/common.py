"""Helpers shared by the benchmarks run by ``bench/run.py``.

Each benchmark is a script of its own (Django is set up once per process, on a throwaway
database) that prints its tables and, last, one line ``RESULT {json}`` with its figures
for the summary.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    """The machine's load averages (1, 5, 15 min) as text."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def peak_rss_mb() -> float:
    """Peak resident memory of this process or a finished child, in MiB."""
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def machine() -> dict[str, str]:
    """CPU, cores, RAM, Python and OS of this machine (PostgreSQL is asked separately)."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def setup_django(database_url: str, *, settings: str = "bench.settings") -> None:
    """Point Django at ``database_url`` (already the throwaway name) and set it up."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def result(name: str, **figures: Any) -> None:
    """Print the machine-readable last line of a benchmark."""
    figures["load_at_end"] = load()
    figures["peak_rss_mib"] = round(peak_rss_mb(), 1)
    print("RESULT " + json.dumps({"bench": name, **figures}, ensure_ascii=False), flush=True)


def timed(fn: Callable[[], Any]) -> float:
    """Seconds ``fn`` takes."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> float:
    """The median of ``samples`` (seconds), in milliseconds."""
    return 1000 * statistics.median(samples)


class Counter:
    """Counts the statements of the default connection while inside ``counting()``."""

    def __init__(self) -> None:
        self.count = 0
        #: (seconds, the statement's first 120 characters) of each statement counted
        self.times: list[tuple[float, str]] = []

    def _wrapper(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append((time.perf_counter() - started, sql[:120]))

    def slowest(self, n: int = 5) -> str:
        """The ``n`` slowest statements counted, with their times."""
        rows = sorted(self.times, reverse=True)[:n]
        return "\n".join(f"  {1000 * t:9.1f} ms  {sql}" for t, sql in rows)

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Count every statement sent while inside."""
        from django.db import connection

        with connection.execute_wrapper(self._wrapper):
            yield


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as a text table, the first one a header; numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def pg_version(database_url: str) -> str:
    """``SELECT version()`` through psql-free psycopg, or '?'."""
    try:
        import psycopg

        # the server's own database: the one named may be only a prefix of throwaway ones
        with psycopg.connect(database_url, dbname="postgres") as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "?"
    except Exception:
        return "?"


def git_commit() -> str:
    """The checked-out commit, short."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
    except OSError:
        return "?"


def write_section(path: Path, section: str, text: str) -> None:
    """Replace (or add) one benchmark's section of RESULTS.md (``section``: its heading line,
    ``text`` beginning with it), keeping everything else."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start = old.find(f"\n{section}\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(section) + 2)
        new = old[: start + 1] + text + ("\n" + old[end + 1 :] if end >= 0 else "")
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
