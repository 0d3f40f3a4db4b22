"""The load test of issue 18: locust against ``runserver`` then gunicorn, on PostgreSQL.

One command, from the repository root::

    python bench/load/run.py --db postgres://postgres@127.0.0.1:5432/approvals_load
    python bench/load/run.py --db postgres://… --quick          # 50 users, 40 s each
    python bench/load/run.py --db postgres://… --users 200 --time 120

It creates a throwaway database (the name given plus ``_load``), seeds it
(``bench/load/seed.py``: the demo grown to a province, plans waiting for approval), then
for each server in turn (``manage.py runserver`` as the baseline, then gunicorn with
``--workers``) starts it on 127.0.0.1 with the production settings (``DEBUG=false``),
runs ``bench/load/locustfile.py`` headless against it (bounded in users and time;
loopback only), stops it, and reads locust's CSV figures. It prints throughput,
p50/p95/p99 per request kind and the errors of both, checks the goal of issue 18 and
writes the section "Load test (issue 18)" of ``bench/RESULTS.md`` (the rest is kept),
then drops the database.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import ipaddress
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    git_commit,
    load,
    machine,
    pg_version,
    table,
    write_section,
)

SECTION = "## Load test (issue 18)"
#: the goal of issue 18
GOAL_RPS = 100.0
GOAL_P95_MS = 300.0
BIN = Path(sys.executable).parent


def loopback(host: str) -> str:
    """``host`` if it is a loopback address; anything else is refused."""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    msg = f"--host must be a loopback address (127.0.0.1, ::1), not {host!r}"
    raise SystemExit(msg)


def throwaway_url(url: str) -> tuple[str, str]:
    """The throwaway database's URL and name: the name given plus ``_load``."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        msg = "--db must be a PostgreSQL URL (postgres://…)"
        raise SystemExit(msg)
    name = parts.path.lstrip("/") + "_load"
    return urlunsplit(parts._replace(path=f"/{name}")), name


@contextmanager
def throwaway_database(url: str, name: str) -> Iterator[None]:
    """Create the database (dropping a left-over one first) and drop it whatever happens."""
    import psycopg

    def run(sql: str) -> None:
        with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str, cache_url: str, host: str) -> dict[str, str]:
    """The production settings read from the environment, on loopback HTTP."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "load-test-only-" + "k" * 50,
        "ALLOWED_HOSTS": host,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "CACHE_URL": cache_url,
        "SIGNING_TEST_PKI": "true",  # the demo's plans are signed with the test PKI
        "NOTIFICATIONS_SITE_URL": f"http://{host}",
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore",
    }


def wait_until_up(url: str, seconds: float = 60) -> None:
    """Poll ``url`` until it answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 -- loopback
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    msg = f"the server did not answer {url} within {seconds:.0f} s"
    raise SystemExit(msg)


@contextmanager
def serving(command: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[None]:
    """Start the server (its own process group), wait for it, stop it at the end."""
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 -- our own command line
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_up(url)
            yield
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the group we started: the server's workers
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def locust(
    *,
    url: str,
    users: int,
    rate: int,
    seconds: int,
    half: int,
    seed: Path,
    work: Path,
    env: dict[str, str],
    label: str,
) -> tuple[list[dict[str, str]], dict[str, Any], str]:
    """Run the locustfile headless; its CSV rows, the sign-in figures and its failures."""
    prefix = work / f"locust-{label}"
    signin = work / f"signin-{label}.json"
    proc = subprocess.run(  # noqa: S603 -- our own command line
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(rate),
            "-t",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ],
        env={
            **env,
            "LOAD_SEED": str(seed),
            "LOAD_POOL_HALF": str(half),
            "LOAD_USERS": str(users),
            "LOAD_SIGNIN_OUT": str(signin),
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        msg = f"locust wrote no figures:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        raise SystemExit(msg)
    with stats.open(encoding="utf-8") as f:
        rows = [
            r for r in csv.DictReader(f) if int(r["Request Count"]) or r["Name"] == "Aggregated"
        ]
    signed = json.loads(signin.read_text()) if signin.exists() else {}
    failures = Path(f"{prefix}_failures.csv")
    tail = failures.read_text(encoding="utf-8") if failures.exists() else ""
    return rows, signed, tail


def figures(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """Per request kind: requests, failures, req/s, p50, p95, p99 (ms)."""
    out = {}
    for r in rows:
        out[r["Name"]] = {
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "rps": float(r["Requests/s"]),
            "p50": float(r["50%"] or 0),
            "p95": float(r["95%"] or 0),
            "p99": float(r["99%"] or 0),
        }
    return out


def is_page(kind: str) -> bool:
    """The kinds the p95 goal is about: pages and API reads, not the approving POST."""
    return "POST" not in kind and kind != "Aggregated"


def report(results: dict[str, dict[str, Any]]) -> tuple[str, dict[str, bool]]:
    """The comparison table and the goal's verdict for each server."""
    names = list(results)
    kinds = [
        *sorted({k for r in results.values() for k in r["figures"] if k != "Aggregated"}),
        "Aggregated",
    ]
    header = ["request kind"]
    for name in names:
        header += [f"{name} n", "p50", "p95", "p99", "err"]
    rows = [header]
    for kind in kinds:
        row = [kind if kind != "Aggregated" else "all requests"]
        for name in names:
            f = results[name]["figures"].get(kind)
            row += (
                [
                    f"{f['requests']:,}",
                    f"{f['p50']:.0f}",
                    f"{f['p95']:.0f}",
                    f"{f['p99']:.0f}",
                    str(f["failures"]),
                ]
                if f
                else ["-"] * 5
            )
        rows.append(row)
    lines = [table(rows), ""]
    verdicts = {}
    for name in names:
        figs = results[name]["figures"]
        total = figs.get("Aggregated", {"rps": 0.0, "failures": 0, "requests": 0})
        pages = {k: f for k, f in figs.items() if is_page(k)}
        worst = max(pages.items(), key=lambda kv: kv[1]["p95"]) if pages else ("-", {"p95": 0})
        ok = total["rps"] >= GOAL_RPS and worst[1]["p95"] < GOAL_P95_MS and total["failures"] == 0
        verdicts[name] = ok
        lines.append(
            f"{name}: {total['rps']:.1f} req/s over {total['requests']:,} requests, "
            f"{total['failures']} errors; slowest page p95 {worst[1]['p95']:.0f} ms "
            f"({worst[0]}); goal (>= {GOAL_RPS:.0f} req/s, page p95 < {GOAL_P95_MS:.0f} ms, "
            f"0 errors): {'met' if ok else 'NOT met'}"
        )
        signed = results[name]["signin"]
        if signed:
            parts = [
                f"{k} n={v['requests']} p50 {v['p50']:.0f} / p95 {v['p95']:.0f} ms, "
                f"{v['failures']} errors"
                for k, v in signed.items()
            ]
            lines.append(f"  sign-in storm (before the figures above): {'; '.join(parts)}")
    return "\n".join(lines), verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/approvals")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/5", help="CACHE_URL")
    parser.add_argument("--host", default="127.0.0.1", help="loopback only")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=int, default=20, help="users started per second")
    parser.add_argument("--time", type=int, default=150, help="seconds of locust per server")
    parser.add_argument("--warmup", type=int, default=20, help="seconds of 20 users first")
    parser.add_argument("--think", default="0.5,3", help="seconds between two tasks: low,high")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gunicorn's gthread")
    parser.add_argument("--households", type=int, default=40_000)
    parser.add_argument("--plans", type=int, default=300, help="plans per reviewer's pool")
    parser.add_argument("--quick", action="store_true", help="50 users, 40 s, a small province")
    parser.add_argument("--only", default="runserver,gunicorn")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument(
        "--logs", default=str(ROOT / "var" / "load"), help="servers' logs, locust's CSV files"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.time, args.households, args.plans = 50, 40, 5_000, 100
    host = loopback(args.host)
    if args.users > 1000 or args.time > 1800:
        raise SystemExit("bounded: at most 1,000 users and 1,800 s")
    db_url, db_name = throwaway_url(args.db)
    env = server_env(db_url, args.cache, host)
    env["LOAD_THINK"] = args.think
    started = datetime.datetime.now(datetime.UTC)
    info = machine()
    print(f"database {db_name} (throwaway); load {load()}", flush=True)
    results: dict[str, dict[str, Any]] = {}
    import redis

    redis.Redis.from_url(args.cache).flushdb()  # no session or rule of another database
    work = Path(args.logs)
    work.mkdir(parents=True, exist_ok=True)
    with throwaway_database(args.db, db_name):
        seed = work / "seed.json"
        t0 = time.perf_counter()
        seeding = subprocess.run(  # noqa: S603 -- our own script
            [
                sys.executable,
                str(ROOT / "bench" / "load" / "seed.py"),
                "--out",
                str(seed),
                "--households",
                str(args.households),
                "--villages",
                str(max(10, args.households // 50)),
                "--communes",
                str(max(2, args.households // 500)),
                "--plans",
                str(args.plans),
            ],
            env=env,
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
        )
        (work / "seed.log").write_text(seeding.stdout + seeding.stderr, encoding="utf-8")
        if seeding.returncode:
            raise SystemExit(f"seeding failed, see {work / 'seed.log'}:\n{seeding.stderr[-3000:]}")
        # its own progress lines (the e-mails the steps send are printed too, to the log)
        print("\n".join(line for line in seeding.stdout.splitlines() if line.startswith("  ")))
        seeded_s = time.perf_counter() - t0
        # DEBUG=false serves hashed static files named in the manifest: make them, as ops/serve
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if collected.returncode:
            raise SystemExit(f"collectstatic failed:\n{collected.stderr[-3000:]}")
        servers = {
            "runserver": [sys.executable, "manage.py", "runserver", "--noreload", f"{host}:8731"],
            "gunicorn": [
                str(BIN / "gunicorn"),
                "project.wsgi",
                "-w",
                str(args.workers),
                *(["--threads", str(args.threads)] if args.threads > 1 else []),
                "-b",
                f"{host}:8732",
                "--timeout",
                "60",
                "--preload",  # the application imported once, before the workers fork
                "--worker-tmp-dir",  # the heartbeat file in memory (gunicorn's advice in VMs)
                "/dev/shm",  # noqa: S108
            ],
        }
        ports = {"runserver": 8731, "gunicorn": 8732}
        for half, name in enumerate(n for n in servers if n in args.only.split(",")):
            url = f"http://{host}:{ports[name]}"
            print(
                f"{name}: {url}, {args.users} users for {args.time} s (load {load()})", flush=True
            )
            # runserver keeps one connection per thread, one thread per client: with
            # CONN_MAX_AGE it would hold 200 of PostgreSQL's 100; it runs with its default 0
            server_env_ = {**env, "DATABASE_CONN_MAX_AGE": "0"} if name == "runserver" else env
            with serving(servers[name], server_env_, f"{url}/login/", work / f"{name}.log"):
                # warm-up (each worker's first requests are slow), no approvals, not counted
                locust(
                    url=url,
                    users=min(args.users, 20),
                    rate=20,
                    seconds=args.warmup,
                    half=-1,
                    seed=seed,
                    work=work,
                    env=env,
                    label=f"{name}-warmup",
                )
                rows, signin, failures = locust(
                    url=url,
                    users=args.users,
                    rate=args.rate,
                    seconds=args.time,
                    half=half % 2,
                    seed=seed,
                    work=work,
                    env=env,
                    label=name,
                )
            results[name] = {"figures": figures(rows), "signin": signin, "load": load()}
            if failures.count("\n") > 1:
                print(f"{name} failures:\n{failures[:2000]}", flush=True)
            log = (work / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            errors = [line for line in log.splitlines() if "Traceback" in line or " 500 " in line]
            if errors:
                print(f"{name}: {len(errors)} server errors in its log", flush=True)
    text, verdicts = report(results)
    print()
    print(text)
    workers = (
        f"{args.workers} workers x {args.threads} threads, gthread"
        if args.threads > 1
        else f"{args.workers} sync workers"
    )
    section = "\n".join(
        [
            SECTION,
            "",
            f"Run {started:%Y-%m-%d %H:%M} UTC at commit {git_commit()}: "
            f"`python bench/load/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`",
            "",
            f"- {info['cpu']}, {info['cores']} cores, RAM {info['ram']}; "
            f"PostgreSQL {pg_version(args.db)}; Python {info['python']}; locust on the same "
            f"machine; load at the end {load()}",
            f"- {args.users} users (started {args.rate}/s), {args.time} s per server, think time "
            f"{args.think} s; the demo grown to {args.households:,} households "
            f"(seeded in {seeded_s:.0f} s); `DEBUG=false`, PostgreSQL, Redis cache; "
            f"runserver (threaded) then gunicorn ({workers})",
            f"- each server is warmed up first ({args.warmup} s of 20 users, not counted); "
            "`DATABASE_CONN_MAX_AGE=60` for gunicorn, 0 for runserver (one thread, so one "
            "connection, per client); the figures start when every user has signed in (the "
            "sign-in storm's own figures are given below the table); times in ms; no static "
            "files are requested",
            "",
            "```",
            text,
            "```",
        ]
    )
    if not args.no_write:
        write_section(Path(args.out), SECTION, section)
        print(f"\nwritten: {args.out}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
