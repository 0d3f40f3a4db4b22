"""Each page of the load test's mix, one at a time: time and SQL statements per request.

Run against a database seeded by ``bench/load/seed.py`` (``DATABASE_URL`` names it, the
seed's JSON is ``--seed``), with the production settings (``DEBUG=false``)::

    python bench/load/pages.py --seed /tmp/load.json --repeat 20
    python bench/load/pages.py --seed /tmp/load.json --profile "inbox (home)"

It goes through the whole middleware stack with Django's test client and a session the
seeding signed in, so the figures are the server's own cost of a request with no queueing:
what the load test's throughput is bounded by. ``--profile KIND`` prints cProfile's top
functions (cumulative) for that request kind.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))


def kinds(seed: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(request kind, login, path) for each kind of the locustfile's mix that only reads."""
    province = seed["province_logins"]
    commune = province.get("commune_chairman", [])[0]
    village = province.get("village_head", [])[0]
    reader = "chuyenvien.vp.ldtbxh"
    plan = seed["plans"][reader][0]
    dossier = seed["dossiers"][commune][0]
    return [
        ("inbox (home), drafter", reader, "/"),
        ("inbox (home), commune", commune, "/"),
        ("inbox (home), village", village, "/"),
        ("inbox (home), secretary", "thuky.bcd", "/"),
        ("plan list", reader, "/plans/"),
        ("plan list (review)", "cvp.ldtbxh", "/plans/?state=review"),
        ("plan page", reader, f"/plans/{plan}/"),
        ("notifications", reader, "/notifications/"),
        ("signing inbox", "gd.ldtbxh", "/sign/"),
        ("dashboard", "thuky.bcd", "/nominations/dashboard/"),
        ("API dashboard (session)", "thuky.bcd", "/api/dashboard/"),
        ("dossier list, secretary", "thuky.bcd", "/nominations/"),
        ("dossier list, commune", commune, "/nominations/"),
        ("dossier page", commune, f"/nominations/{dossier}/"),
        ("registers", commune, "/registers/"),
        ("API plan list", "gd.ldtbxh", "/api/plans/"),
        ("API dossier list", "thuky.bcd", "/api/dossiers/"),
        ("API candidate list", "thuky.bcd", "/api/candidates/"),
    ]


def approvals(seed: dict[str, Any], count: int, user: Any) -> tuple[str, float, float, int]:
    """POST the approval of ``count`` plans waiting for ``user``: ms each, SQL of the first."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    waiting = list(seed["pools"][user.username])
    times, statements = [], 0
    for n in range(count):
        pk = waiting.pop()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/plans/{pk}/approve/", {"comment": ""}, secure=True)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 302:
            print(f"approve {pk}: {response.status_code}", file=sys.stderr)
        if n == 0:
            statements = len(queries)
    return ("approve a plan (POST)", statistics.median(times), min(times), statements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", required=True, help="the JSON written by bench/load/seed.py")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="a part of the request kinds' names")
    parser.add_argument("--profile", default="", help="print cProfile's top functions of KIND")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print each statement and its ms")
    parser.add_argument(
        "--approve",
        type=int,
        default=0,
        help="also approve N plans of the office chief's pool (changes the database)",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECRET_KEY", "load-test-only-" + "k" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SIGNING_TEST_PKI", "true")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from rest_framework.authtoken.models import Token

    users = get_user_model()

    seed = json.loads(Path(args.seed).read_text(encoding="utf-8"))
    rows = []
    for kind, login, path in kinds(seed):
        if args.only and args.only not in kind:
            continue
        if args.profile and args.profile not in kind:
            continue
        client = Client()
        if path.startswith("/api/") and "session" not in kind:
            token = Token.objects.filter(user__username=login).values_list("key", flat=True)
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.first()}"
        else:  # a session made here: the seeding's were signed with the load test's key
            client.force_login(users.objects.get(username=login))
        response = client.get(path, secure=True)  # warm: templates, caches, connection
        if response.status_code != 200:
            print(f"{kind}: {path} answered {response.status_code}", file=sys.stderr)
            continue
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                client.get(path, secure=True)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            continue
        times = []
        queries: list[str] = []

        def counted(execute: Any, sql: str, *rest: Any, seen: list[str] = queries) -> Any:
            seen.append(sql)
            start = time.perf_counter()
            try:
                return execute(sql, *rest)
            finally:
                if args.sql:
                    print(f"  {(time.perf_counter() - start) * 1000:6.2f} ms  {sql[:300]}")

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counted))
            client.get(path, secure=True)
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(path, secure=True)
            times.append((time.perf_counter() - start) * 1000)
        rows.append((kind, statistics.median(times), min(times), len(queries)))
    if args.approve:
        rows.append(approvals(seed, args.approve, users.objects.get(username="cvp.ldtbxh")))
    if rows:
        print(f"{'request kind':30} {'median ms':>10} {'min ms':>8} {'queries':>8}")
        for kind, median, low, count in rows:
            print(f"{kind:30} {median:10.1f} {low:8.1f} {count:8d}")
        print(f"{'mean of kinds':30} {statistics.mean(r[1] for r in rows):10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
