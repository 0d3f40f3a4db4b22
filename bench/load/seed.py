"""Seed the load test's throwaway database: the demo, grown to a province, and work to approve.

Run by ``bench/load/run.py`` (``DATABASE_URL`` already names the throwaway database)::

    python bench/load/seed.py --out /tmp/load.json --households 20000 --plans 400

What it makes, bounded to a few minutes:

* the demo (``seed_demo``): every role's login, the demo plans and nominations;
* a province beside it (``bench/nominations_province.build_province``): communes,
  villages, their officers and households, with dossiers and candidates grown server-side
  (``bench/dashboards.grow``) for the secretary's dashboard; its people get the demo password;
* ``--plans`` plans submitted by the demo's drafter and waiting at the office chief's review,
  and as many again already reviewed, waiting at the office reviewer's check: the pools the
  load test's reviewers approve from (each plan once);
* an API token for the API users.

The logins, pools and tokens are written to ``--out`` (JSON) for the locustfile.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

#: the demo's reviewers, in flow order: the office chief, then the office reviewer
REVIEWERS = ("cvp.ldtbxh", "kiemtra.ldtbxh")
DRAFTER = "chuyenvien.vp.ldtbxh"
#: the demo's people who read plans in the load test (see bench/load/locustfile.py)
PLAN_READERS = [
    "chuyenvien.vp.ldtbxh",
    "chuyenvien.qlvhgd",
    "gd.ldtbxh",
    "pgd.ldtbxh",
    "gd.vhttdl",
    *REVIEWERS,
]
API_USERS = ("thuky.bcd", "gd.ldtbxh", "chuyenvien.vp.ldtbxh")


def approval_pools(plans: int) -> dict[str, list[int]]:
    """``plans`` plans waiting for each reviewer, made through the flow."""
    from django.contrib.auth import get_user_model

    from approvals.acts import act_today, recorded_as_of
    from approvals.organisation.models import OrgUnit
    from approvals.registers.models import DocumentKind
    from project.demo.plans import department_plan_content
    from workflows.plans.flow_actions import flow_approve, flow_submit
    from workflows.plans.services import plan_create

    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[DRAFTER, *REVIEWERS])
    }
    dept = OrgUnit.objects.get(name="Sở Lao động - Thương binh và Xã hội")
    vp = dept.children.get(code="VP")
    kind = DocumentKind.objects.get(code="plan")
    year = act_today().year
    pools: dict[str, list[int]] = {name: [] for name in REVIEWERS}
    started = time.perf_counter()
    with recorded_as_of(act_today()):
        for n in range(2 * plans):
            plan = plan_create(
                user=users[DRAFTER],
                issuing_agency=dept,
                drafting_unit=vp,
                kind=kind,
                year=year,
                content=department_plan_content(dept, year, basis=f"Kế hoạch tải số {n + 1}."),
            )
            flow_submit(plan, users[DRAFTER])
            if n % 2:
                flow_approve(plan, users[REVIEWERS[0]])
                pools[REVIEWERS[1]].append(plan.pk)
            else:
                pools[REVIEWERS[0]].append(plan.pk)
            if (n + 1) % 100 == 0:
                print(
                    f"  {n + 1}/{2 * plans} plans ({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
    return pools


def pin_regulations() -> None:
    """Give the bulk dossiers the regulation versions in force when they started.

    ``grow`` inserts them server-side with none; a dossier made through its service pins
    them (``dossier_create``), and its page reads its rules from them.
    """
    from approvals.regulations.services import rules_in_force
    from workflows.nominations.models import Dossier
    from workflows.nominations.titles import SPECS

    for title, started_on in (
        Dossier.objects.filter(regulation_versions=[]).values_list("title", "started_on").distinct()
    ):
        versions = rules_in_force(SPECS[title].regulation, on=started_on).version_ids
        Dossier.objects.filter(regulation_versions=[], title=title, started_on=started_on).update(
            regulation_versions=list(versions)
        )


def visible_plans(usernames: list[str]) -> dict[str, list[int]]:
    """The plans each of ``usernames`` may open (the plan page's own selector)."""
    from django.contrib.auth import get_user_model

    from approvals.acts import act_today
    from workflows.plans.selectors import plan_list_visible, plan_reach

    out = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        reach = plan_reach(user=user, day=act_today())
        out[user.username] = sorted(plan_list_visible(reach=reach).values_list("pk", flat=True))
    return out


def province_logins(province: Any, password_hash: str) -> dict[str, list[str]]:
    """The bulk province's people get the demo password; their usernames per role."""
    from django.contrib.auth import get_user_model

    communes = province.communes
    logins = {
        "committee_secretary": [province.secretary.username],
        "commune_chairman": [c.chairman.username for c in communes],
        "culture_officer": [c.officer.username for c in communes],
        "records_clerk": [c.clerk.username for c in communes],
        "village_head": [head.username for _c, _v, head in province.villages],
    }
    names = [name for group in logins.values() for name in group]
    get_user_model().objects.filter(username__in=names).update(password=password_hash)
    return logins


def sessions(usernames: list[str], per_user: int) -> dict[str, list[str]]:
    """Signed-in sessions made ahead (``per_user`` each): most simulated users start in one.

    A sign-in costs a password hash (~0.2 s of CPU); 200 of them in the first seconds would
    be a storm no real morning has. The locustfile still signs one user in ten in.
    """
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    out: dict[str, list[str]] = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        keys = []
        for _ in range(per_user):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            keys.append(str(store.session_key))
        out[user.username] = keys
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--villages", type=int, default=400)
    parser.add_argument("--communes", type=int, default=40)
    parser.add_argument("--years", type=int, default=3, help="years of dossiers and candidates")
    parser.add_argument("--plans", type=int, default=400, help="plans per reviewer's pool")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from bench.dashboards import grow
    from bench.nominations_province import build_province
    from project.demo import data

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrated ({time.perf_counter() - started:.0f} s)", flush=True)
    call_command("seed_demo", "--no-logins", verbosity=0)
    print(f"  demo seeded ({time.perf_counter() - started:.0f} s)", flush=True)
    province = build_province(
        households=args.households, villages=args.villages, communes=args.communes
    )
    candidates = grow(province, args.households * args.years, args.households)
    print(
        f"  province: {args.communes} communes, {args.villages} villages, "
        f"{args.households:,} households, {candidates:,} candidates "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    user_model = get_user_model()
    demo_hash = user_model.objects.get(username=DRAFTER).password
    logins = province_logins(province, demo_hash)
    pin_regulations()
    pools = approval_pools(args.plans)
    tokens = {
        name: Token.objects.get_or_create(user=user_model.objects.get(username=name))[0].key
        for name in API_USERS
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT v.parent_id, d.id FROM nominations_dossier d "
            "JOIN approvals_org_orgunit v ON v.id = d.proposing_unit_id ORDER BY d.id"
        )
        by_commune: dict[int, list[int]] = {}
        for commune_id, dossier_id in cursor.fetchall():
            by_commune.setdefault(commune_id, []).append(dossier_id)
    # each commune officer's dossiers (a few per year), by username
    dossiers = {
        person.username: by_commune.get(c.unit.pk, [])[:30]
        for c in province.communes
        for person in (c.chairman, c.officer, c.clerk)
    }
    Path(args.out).write_text(
        json.dumps(
            {
                "password": data.DEMO_PASSWORD,
                "province_logins": logins,
                "dossiers": dossiers,
                "plans": visible_plans(PLAN_READERS),
                "pools": pools,
                "tokens": tokens,
                "sessions": sessions(
                    [*PLAN_READERS, "thuky.bcd", *(n for g in logins.values() for n in g)],
                    per_user=4,
                ),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
