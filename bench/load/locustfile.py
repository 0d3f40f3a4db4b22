"""Users of every role doing their day's mix, with think time (run by ``bench/load/run.py``).

The seeding's JSON (``bench/load/seed.py``) is read from ``LOAD_SEED``; the plans the
reviewers approve come from its pools, each plan taken once (``LOAD_POOL_HALF`` = 0 or 1:
the runserver and the gunicorn phases approve different halves). Every request is named by
its kind (``name=``), so the figures are per kind. No static file is requested: under
``DEBUG=false`` the site serves none without WhiteNoise (the production stack of issue 18).

Pages are signed in with the site's own form (two-step sign-in off: ``OTP_REQUIRED`` is
false by default); API users send a token. The session cookie is ``Secure`` when
``DEBUG=false``: the test speaks plain HTTP on loopback, so the client sends it anyway.
"""

from __future__ import annotations

import json
import os
import random
import re
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task
from locust.env import Environment
from requests.cookies import create_cookie

SEED: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_SEED"]).read_text(encoding="utf-8"))
    if os.environ.get("LOAD_SEED")
    else {
        "password": "",
        "province_logins": {},
        "dossiers": {},
        "plans": {},
        "pools": {},
        "tokens": {},
    }
)
HALF = int(os.environ.get("LOAD_POOL_HALF", "0"))
#: seconds of think time between two tasks of a user ("low,high")
THINK = tuple(float(s) for s in os.environ.get("LOAD_THINK", "0.5,3").split(","))
#: the run's user count: once that many have signed in, the figures start again from zero
USERS = int(os.environ.get("LOAD_USERS", "0"))
SIGNIN_OUT = os.environ.get("LOAD_SIGNIN_OUT", "")
#: the share of simulated users who sign in with the form; the others start signed in
SIGN_IN_SHARE = float(os.environ.get("LOAD_SIGN_IN_SHARE", "0.1"))
SIGNIN_KINDS = ("login page", "sign in (POST)")
_signed_in = 0


def _all_signed_in(environment: Environment) -> None:
    """Keep the sign-in storm's figures aside, then measure the steady state from zero.

    Every simulated user signs in within the first seconds (a password hash each, about
    0.2 s of CPU); a day's real sign-ins are spread out, so the mix is measured after them.
    """
    stats = environment.stats
    kept = {}
    for kind in SIGNIN_KINDS:
        entry = stats.get(kind, "POST" if "POST" in kind else "GET")
        if entry.num_requests:
            kept[kind] = {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "seconds": round(entry.last_request_timestamp - stats.start_time, 1)
                if entry.last_request_timestamp
                else 0,
            }
    if SIGNIN_OUT:
        Path(SIGNIN_OUT).write_text(json.dumps(kept), encoding="utf-8")
    print(f"all {USERS} users signed in; the figures start again from zero", flush=True)
    stats.reset_all()


@events.request.add_listener
def _count_sign_ins(name: str, **_kwargs: Any) -> None:
    global _signed_in
    if name in ("sign in (POST)", "API token set", "session set"):
        _signed_in += 1
        if _signed_in == USERS and _runner_env is not None:
            _all_signed_in(_runner_env)


_runner_env: Environment | None = None


@events.init.add_listener
def _keep_environment(environment: Environment, **_kwargs: Any) -> None:
    global _runner_env
    _runner_env = environment


def _half(ids: list[int]) -> list[int]:
    """This phase's half of a pool (none in the warm-up, ``LOAD_POOL_HALF`` = -1)."""
    middle = len(ids) // 2
    return list(ids[:middle] if HALF == 0 else ids[middle:] if HALF == 1 else [])


#: each reviewer's plans still to approve in this phase (taken once, across all users)
POOLS: dict[str, list[int]] = {name: _half(ids) for name, ids in SEED["pools"].items()}
MESSAGE = re.compile(r'<li class="error">([^<]*)</li>')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoopbackJar(CookieJar):
    """Keeps the site's ``Secure`` cookies (session, CSRF, messages) for plain loopback HTTP."""

    def set_cookie(self, cookie: Cookie) -> None:
        cookie.secure = False
        super().set_cookie(cookie)


class Role(FastHttpUser):
    """A signed-in person of one role; subclasses name the logins and the tasks."""

    abstract = True
    wait_time = between(*THINK)
    logins: list[str] = []

    def login_names(self) -> list[str]:
        return self.logins

    def on_start(self) -> None:
        # the session and CSRF cookies are Secure under DEBUG=false; this is loopback HTTP
        jar = LoopbackJar()
        self.client.cookiejar = self.client.client.cookiejar = jar
        self.username = random.choice(self.login_names())
        made = SEED.get("sessions", {}).get(self.username)
        if made and random.random() >= SIGN_IN_SHARE:  # a session signed in earlier
            host = self.host.split("://", 1)[-1].split(":", 1)[0] if self.host else ""
            jar.set_cookie(create_cookie("sessionid", random.choice(made), domain=host))
            self.environment.events.request.fire(
                request_type="-",
                name="session set",
                response_time=0,
                response_length=0,
                exception=None,
                context={},
            )
            return
        page = self.client.get("/login/", name="login page")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": SEED["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="sign in (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username}: sign-in answered {response.status_code}")

    def page(self, path: str, name: str) -> Any:
        """GET a page; a redirect (to the sign-in page: the session lost) is a failure."""
        with self.client.get(
            path, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if 300 <= (response.status_code or 0) < 400:
                target = response.headers.get("Location", "") if response.headers else ""
                said = "the sign-in page" if "/login/" in target else target
                response.failure(f"{self.username}: {path} sent to {said}")
            return response

    def plan_page(self) -> None:
        mine = SEED["plans"].get(self.username) or []  # the plans this login may open
        if mine:
            self.page(f"/plans/{random.choice(mine)}/", "plan page")


class Drafter(Role):
    """A department's drafter: their inbox, the plans, a plan."""

    weight = 3
    logins = ["chuyenvien.vp.ldtbxh", "chuyenvien.qlvhgd"]

    @task(3)
    def inbox(self) -> None:
        self.page("/", "inbox (home)")

    @task(3)
    def plans(self) -> None:
        self.page("/plans/", "plan list")

    @task(4)
    def plan(self) -> None:
        self.plan_page()

    @task(1)
    def notifications(self) -> None:
        self.page("/notifications/", "notifications")


class Reviewer(Role):
    """The office chief and the office reviewer: read a waiting plan, approve it."""

    weight = 3
    logins = sorted(SEED["pools"])

    @task(2)
    def inbox(self) -> None:
        self.page("/", "inbox (home)")

    @task(2)
    def awaiting(self) -> None:
        self.page("/plans/?state=review", "plan list")

    @task(4)
    def approve(self) -> None:
        pool = POOLS.get(self.username) or []
        if not pool:  # the phase's work is done: read a plan instead
            self.plan_page()
            return
        pk = pool.pop()
        page = self.page(f"/plans/{pk}/", "plan page")
        token = CSRF.search(page.text or "")
        with self.client.post(
            f"/plans/{pk}/approve/",
            data={"comment": "", "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/plans/{pk}/"},
            name="approve a plan (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"approve answered {response.status_code}")
                return
        # the browser follows the redirect; the page says whether the step was taken
        with self.client.get(
            f"/plans/{pk}/", name="plan page (after approving)", catch_response=True
        ) as after:
            if 'class="success"' not in (after.text or ""):
                said = MESSAGE.search(after.text or "")
                after.failure(f"refused: {said.group(1) if said else after.status_code}")


class Leader(Role):
    """A director: the signing inbox, a plan, the inbox."""

    weight = 2
    logins = ["gd.ldtbxh", "pgd.ldtbxh", "gd.vhttdl"]

    @task(2)
    def inbox(self) -> None:
        self.page("/", "inbox (home)")

    @task(3)
    def sign_inbox(self) -> None:
        self.page("/sign/", "signing inbox")

    @task(3)
    def plan(self) -> None:
        self.plan_page()


class Secretary(Role):
    """The steering committee's secretary: the province's dashboard and dossiers."""

    weight = 2

    def login_names(self) -> list[str]:
        return ["thuky.bcd", *SEED["province_logins"].get("committee_secretary", [])]

    @task(3)
    def dashboard(self) -> None:
        self.page("/nominations/dashboard/", "dashboard")

    @task(2)
    def dossiers(self) -> None:
        self.page("/nominations/", "dossier list")

    @task(1)
    def dashboard_api(self) -> None:
        self.page("/api/dashboard/", "API dashboard (session)")

    @task(1)
    def inbox(self) -> None:
        self.page("/", "inbox (home)")


class CommuneOfficer(Role):
    """A commune's chairman, culture officer or records clerk: its dossiers and registers."""

    weight = 6

    def login_names(self) -> list[str]:
        logins = SEED["province_logins"]
        return [
            *logins.get("commune_chairman", []),
            *logins.get("culture_officer", []),
            *logins.get("records_clerk", []),
        ]

    @task(3)
    def inbox(self) -> None:
        self.page("/", "inbox (home)")

    @task(3)
    def dossiers(self) -> None:
        self.page("/nominations/", "dossier list")

    @task(4)
    def dossier(self) -> None:
        mine = SEED["dossiers"].get(self.username) or []
        if mine:
            self.page(f"/nominations/{random.choice(mine)}/", "dossier page")

    @task(1)
    def sign_inbox(self) -> None:
        self.page("/sign/", "signing inbox")

    @task(1)
    def registers(self) -> None:
        self.page("/registers/", "registers")


class VillageHead(Role):
    """A village head: the inbox and their village's dossiers."""

    weight = 3

    def login_names(self) -> list[str]:
        return list(SEED["province_logins"].get("village_head", []))

    @task(2)
    def inbox(self) -> None:
        self.page("/", "inbox (home)")

    @task(3)
    def dossiers(self) -> None:
        self.page("/nominations/", "dossier list")

    @task(1)
    def notifications(self) -> None:
        self.page("/notifications/", "notifications")


class ApiClient(FastHttpUser):
    """Another system reading the API's lists with a token."""

    weight = 1
    wait_time = between(*THINK)

    def on_start(self) -> None:
        tokens = SEED["tokens"]
        # sent with every request that names no Authorization of its own
        self.client.auth_header = f"Token {tokens[random.choice(sorted(tokens))]}"
        # counted with the sign-ins (no request: the token was made by the seeding)
        self.environment.events.request.fire(
            request_type="-",
            name="API token set",
            response_time=0,
            response_length=0,
            exception=None,
            context={},
        )

    @task(2)
    def plans(self) -> None:
        self.client.get("/api/plans/", name="API plan list")

    @task(2)
    def dossiers(self) -> None:
        self.client.get("/api/dossiers/", name="API dossier list")

    @task(1)
    def candidates(self) -> None:
        self.client.get("/api/candidates/", name="API candidate list")
