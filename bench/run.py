"""Run the whole benchmark suite and write ``bench/RESULTS.md``.

One command, from the repository root (PostgreSQL; each benchmark makes and drops its own
throwaway database named after the one given, plus ``_bench``)::

    python bench/run.py --db postgres://postgres@127.0.0.1:5432/approvals_perf
    python bench/run.py --db postgres://postgres@127.0.0.1:5432/approvals_perf --quick

Every target is measured beside its baseline in the same run and printed as a ratio, each
at three sizes; the machine (CPU, cores, RAM, PostgreSQL, load averages before and after
each benchmark) is described at the top. ``--only transition,recognition`` runs some.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import git_commit, load, machine, pg_version, table  # noqa: E402

#: name → (script, [argument lists per size]) for the full and the quick run
SUITE: dict[str, dict[str, list[list[str]]]] = {
    "transition": {
        "full": [["--sizes", "10000,100000,1000000", "--transitions", "300"]],
        "quick": [["--sizes", "1000,10000,100000", "--transitions", "100"]],
    },
    "plans_flow": {
        "full": [["--plans", "20"], ["--plans", "60"], ["--plans", "180"]],
        "quick": [["--plans", "5"], ["--plans", "10"], ["--plans", "20"]],
    },
    "recognition": {
        "full": [["--sizes", "1000,10000,100000", "--sample", "200"]],
        "quick": [["--sizes", "1000,5000,20000", "--sample", "50"]],
    },
    "nominations_year": {
        "full": [
            ["--scale", "0.01", "--workers", "2", "--sample", "500", "--verify"],
            ["--scale", "0.04", "--workers", "2", "--sample", "1000", "--verify"],
            ["--scale", "0.1", "--workers", "2", "--sample", "1000", "--verify"],
        ],
        "province": [
            ["--scale", "1", "--workers", "2", "--sample", "2000", "--verify"],
        ],
        "quick": [
            ["--scale", "0.002", "--workers", "2", "--sample", "200", "--verify"],
            ["--scale", "0.01", "--workers", "2", "--sample", "200", "--verify"],
            ["--scale", "0.04", "--workers", "2", "--sample", "300", "--verify"],
        ],
    },
    "dashboards": {
        "full": [["--sizes", "10000,100000,1000000"]],
        "quick": [
            [
                "--sizes",
                "5000,20000,50000",
                "--households",
                "20000",
                "--villages",
                "400",
                "--communes",
                "40",
                "--repeat",
                "11",
            ]
        ],
    },
    "numbering": {
        "full": [["--sizes", "100,400,1600", "--workers", "8"]],
        "quick": [["--sizes", "40,80,160", "--workers", "8"]],
    },
    "partitions": {
        "full": [["--provinces", "10", "--households", "50000"]],
        "quick": [
            [
                "--provinces",
                "10",
                "--households",
                "5000",
                "--communes",
                "5",
                "--villages",
                "50",
                "--repeat",
                "5",
            ]
        ],
    },
    "signing": {
        "full": [["--repeat", "5"]],
        "quick": [["--repeat", "3"]],
    },
    "checkpoints": {
        "full": [["--chains", "10000", "--repeat", "5"]],
        "quick": [["--chains", "10000", "--repeat", "3"]],
    },
}


def run_one(name: str, args: list[str], db: str) -> tuple[str, float, str, str]:
    """Run ``bench/<name>.py args``; its output, seconds, load before and after."""
    before = load()
    started = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": db, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(  # noqa: S603 -- our own scripts
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - started
    out = proc.stdout + (f"\n[stderr]\n{proc.stderr[-3000:]}" if proc.returncode else "")
    return out, seconds, before, load()


def _result(out: str) -> dict[str, Any]:
    for line in reversed(out.splitlines()):
        if line.startswith("RESULT "):
            parsed: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return parsed
    return {}


def summary(outputs: dict[str, list[tuple[list[str], str]]]) -> list[tuple[str, ...]]:
    """One row per target and size: figure, baseline, ratio, target, verdict."""
    rows: list[tuple[str, ...]] = [("target", "size", "engine", "baseline", "ratio", "goal", "met")]
    for _args, out in outputs.get("transition", []):
        for r in _result(out).get("sizes", []):
            rows.append(
                (
                    "1. one transition",
                    f"{r['rows']:,} rows",
                    f"{r['engine_ms']:.2f} ms ({r['engine_sql']:.0f} SQL)",
                    f"{r['bare_ms']:.2f} ms ({r['bare_sql']:.0f} SQL)",
                    f"{r['ratio']:.2f}x",
                    "<= 2x",
                    "yes" if r["ratio"] <= 2 else "no",
                )
            )
    for args, out in outputs.get("plans_flow", []):
        match = re.search(r"per plan\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)x", out)
        if match:
            e_ms, e_sql, b_ms, b_sql, ratio = match.groups()
            rows.append(
                (
                    "2. plan steps (per plan)",
                    f"{args[1]} plans",
                    f"{e_ms} ms ({e_sql} SQL)",
                    f"{b_ms} ms ({b_sql} SQL)",
                    f"{ratio}x",
                    "<= 1.3x",
                    "yes" if float(ratio) <= 1.3 else "no",
                )
            )
    for _args, out in outputs.get("recognition", []):
        for r in _result(out).get("sizes", []):
            rows.append(
                (
                    "3. bulk recognition",
                    f"{r['households']:,} households",
                    f"{r['engine_s']:.2f} s ({r['engine_sql']} SQL)",
                    f"{r['bare_s']:.2f} s ({r['bare_sql']} SQL)",
                    f"{r['ratio']:.2f}x",
                    "<= 1.5x",
                    "yes" if r["ratio"] <= 1.5 else "no",
                )
            )
            rows.append(
                (
                    "3. bulk vs 1 process each",
                    f"{r['households']:,} households",
                    f"{r['engine_s']:.2f} s",
                    f"{r['one_by_one_scaled_s']:,.0f} s (scaled)",
                    f"{r['speedup']:,.0f}x faster",
                    ">= 100x",
                    "yes" if r["speedup"] >= 100 else "no",
                )
            )
    for _args, out in outputs.get("nominations_year", []):
        wall = re.search(r"cycle wall time ([\d.]+) s for ([\d,]+) households \(([\d,]+) ", out)
        one = re.search(r"scaled to ([\d,]+) s", out)
        memory = re.search(r"peak memory \(max RSS\): ([\d,]+) MiB", out)
        if wall:
            seconds = float(wall.group(1))
            households = int(wall.group(2).replace(",", ""))
            rows.append(
                (
                    "4. province year",
                    f"{wall.group(2)} households",
                    f"{seconds:.0f} s, {wall.group(3)} hh/s, "
                    f"{memory.group(1) if memory else '?'} MiB",
                    f"{one.group(1) if one else '?'} s one at a time",
                    f"{float(one.group(1).replace(',', '')) / seconds:.1f}x faster" if one else "-",
                    "< 300 s at 500,000"
                    if households == 500_000
                    else f"< 300 s at 500,000 (linear: {seconds * 500_000 / households:,.0f} s)",
                    "yes" if seconds * 500_000 / households < 300 else "no",
                )
            )
    for _args, out in outputs.get("dashboards", []):
        res = _result(out)
        for r in res.get("rows", []):
            rows.append(
                (
                    f"5. {r['read']}",
                    f"{r['candidates']:,} cand., {r['dossiers']:,} dossiers",
                    f"{r['median_ms']:.1f} ms ({r['statements']} SQL)",
                    "-",
                    "-",
                    "< 50 ms, fixed SQL",
                    "yes" if r["median_ms"] < 50 else "no",
                )
            )
    for _args, out in outputs.get("numbering", []):
        res = _result(out)
        for r in res.get("sizes", []):
            rows.append(
                (
                    f"6. numbering, {res.get('workers')} workers",
                    f"{r['numbers']:,} numbers",
                    f"{r['engine_per_s']:,.0f}/s",
                    f"{r['bare_per_s']:,.0f}/s bare counter",
                    f"{r['ratio']:.2f}x",
                    "0 gaps, 0 duplicates",
                    "yes" if r["gaps"] == 0 and r["duplicates"] == 0 else "no",
                )
            )
    for _args, out in outputs.get("partitions", []):
        res = _result(out)
        for r in res.get("rows", []):
            rows.append(
                (
                    f"7. country: {r['read']}",
                    f"{res['provinces']} provinces, {res['candidates']:,} cand.",
                    f"{r['partitioned_ms']:.1f} ms, {r['partitions_read']} of "
                    f"{r['partitions']} partitions read",
                    f"{r['plain_ms']:.1f} ms unpartitioned",
                    f"{r['partitioned_ms'] / r['plain_ms']:.2f}x" if r["plain_ms"] else "-",
                    "<= 1 partition read",
                    "yes" if r["partitions_read"] <= 1 else "no",
                )
            )
    for _args, out in outputs.get("signing", []):
        for r in _result(out).get("rows", []):
            rows.append(
                (
                    f"27. sign+seal: {r['document']}",
                    f"{r['pages']} pages",
                    f"{r['signing_ms']:.0f} ms",
                    f"{r['render_ms']:.0f} ms rendering",
                    f"{r['ratio']:.2f}x",
                    "<= 2x rendering",
                    "yes" if r["ratio"] <= 2 else "no",
                )
            )
    for _args, out in outputs.get("checkpoints", []):
        r = _result(out)
        if r:
            rows.append(
                (
                    "19. signed checkpoint",
                    f"{r['chains']:,} chains",
                    f"{r['write_ms']:.0f} ms",
                    f"{r['head_query_ms']:.0f} ms head query",
                    f"{r['ratio']:.1f}x",
                    "< 1 s",
                    "yes" if r["write_ms"] < 1000 else "no",
                )
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print as it goes, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument(
        "--province",
        action="store_true",
        help="also the whole province year (500,000 households; 10-20 min more)",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="run nothing: write RESULTS.md again from RESULTS.json",
    )
    parser.add_argument(
        "--province-only",
        action="store_true",
        help="only the whole province year (with --update, added to the last run's results)",
    )
    parser.add_argument("--only", default="", help="comma-separated benchmarks to run")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument(
        "--update",
        action="store_true",
        help="keep the other benchmarks' outputs from the last run (RESULTS.json beside --out)",
    )
    args = parser.parse_args(argv)
    if not args.db.startswith("postgres"):
        print("give --db postgres://… (the benchmarks need PostgreSQL)")
        return 2
    mode = "quick" if args.quick else "full"
    names = [n for n in SUITE if not args.only or n in args.only.split(",")]
    info = machine()
    header = [
        f"# Benchmark results ({mode} run)",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC at commit "
        f"{git_commit()}: `python bench/run.py --db postgres://…"
        f"{' --quick' if args.quick else ''}`",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram']}; {info['os']}",
        f"- PostgreSQL {pg_version(args.db)} (default settings, fsync on); Python "
        f"{info['python']}; settings `bench.settings` (the resolver keeps rules 300 s; one "
        "audit chain per commune/department)",
        f"- load average (1/5/15 min) at the start: {load()}; the machine is shared with "
        "other agents' test runs, so each figure is printed beside its baseline measured "
        "in the same run, and ratios are what count",
        "",
    ]
    print("\n".join(header), flush=True)
    raw_path = Path(args.out).with_suffix(".json")
    kept: dict[str, Any] = {}
    if (args.update or args.rebuild) and raw_path.exists():
        kept = json.loads(raw_path.read_text(encoding="utf-8"))
        updated = (
            f"- updated {datetime.datetime.now(datetime.UTC):%H:%M} UTC at commit "
            f"{git_commit()} (load {load()}): {', '.join(names)} run again"
        )
        header = list(kept.get("header", header))
        if not args.rebuild:
            while header and not header[-1].strip():
                header.pop()
            header += [updated, ""]
    if args.rebuild:
        names = []
    if args.province_only:
        names = [n for n in names if "province" in SUITE[n]]
    plan = {
        name: (
            list(SUITE[name].get("province", []))
            if args.province_only
            else SUITE[name][mode] + (SUITE[name].get("province", []) if args.province else [])
        )
        for name in names
    }
    runs_done: list[dict[str, Any]] = [
        r for r in kept.get("runs", []) if r["args"] not in plan.get(r["name"], [])
    ]
    if not args.province_only:
        runs_done = [r for r in runs_done if r["name"] not in names]
    for name in names:
        runs = plan[name]
        for bench_args in runs:
            print(f"== {name} {' '.join(bench_args)}", flush=True)
            out, seconds, before, after = run_one(name, bench_args, args.db)
            print(out, flush=True)
            print(f"[{name}: {seconds:.0f} s; load {before} → {after}]", flush=True)
            runs_done.append(
                {
                    "name": name,
                    "args": bench_args,
                    "out": out,
                    "seconds": round(seconds),
                    "load": f"{before} → {after}",
                    "at": f"{datetime.datetime.now(datetime.UTC):%H:%M} UTC",
                }
            )
    order = {name: n for n, name in enumerate(SUITE)}
    runs_done.sort(key=lambda r: order.get(r["name"], 99))  # stable: sizes keep their order
    raw_path.write_text(
        json.dumps({"header": header, "runs": runs_done}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    outputs: dict[str, list[tuple[list[str], str]]] = {}
    sections: list[str] = []
    for r in runs_done:
        outputs.setdefault(r["name"], []).append((r["args"], r["out"]))
        sections.append(
            f"### `bench/{r['name']}.py {' '.join(r['args'])}`\n\n"
            f"{r['seconds']} s, ended {r['at']}; load {r['load']}\n\n```\n"
            + "\n".join(line for line in r["out"].splitlines() if not line.startswith("RESULT "))
            + "\n```\n"
        )
    rows = summary(outputs)
    text = "\n".join(
        [
            *header,
            "## Targets (issue 9) beside their baselines",
            "",
            "```",
            table(rows),
            "```",
            "",
            "## Each benchmark's output",
            "",
            *sections,
        ]
    )
    results_md = Path(args.out)
    previous = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
    # the sections of bench/load/run.py and bench/search.py, run on their own, are kept
    for heading in ("\n## Load test (issue 18)\n", "\n## Search (issue 20)\n"):
        at = previous.find(heading)
        if at >= 0:
            end = previous.find("\n## ", at + 2)
            text += "\n" + previous[at : end if end >= 0 else len(previous)].rstrip("\n")
    results_md.write_text(text + "\n", encoding="utf-8")
    print(table(rows))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
