"""Every page a demo login can reach answers without a server error, in every state.

One seeded demo holds a plan parked in each state of the plan road and a dossier in each
state of the nomination road (``crawl_states``). Each demo login (read from
``project/demo/data.py``, plus the superuser) then crawls the site breadth-first from the
start page, the menu and the pages of those plans and dossiers, following the same-site
``<a href>`` links it is shown (downloads included), and every 5xx is listed with the login,
the state of the object the page belongs to and the URL. The crawl is bounded: URLs that
differ only in query values count once, each URL pattern and each login has a cap, a
download is fetched once, and the admin (crawled by its own test), the log-out and the
language switch are left alone.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from freezegun import freeze_time

from project.demo import data
from project.menu import MENU
from tests.demo.conftest import run_seed
from tests.web.crawl_states import DossierRoad, PlanRoad, user

# Imported before the clock is frozen: a C extension imported under freezegun warns that
# datetime changed size.
with suppress(ImportError):
    import psycopg  # noqa: F401

pytestmark = pytest.mark.django_db

#: A Monday in the nomination season: every step is dated back from it.
TODAY = "2026-10-26 09:00:00+07:00"
#: Never followed: the admin (its own crawl), leaving, switching language, static files.
SKIPPED = ("/admin/", "/logout/", "/i18n/", "/en/", "/static/", "/media/", "/api/")
#: Bounds of one login's crawl.
MAX_PAGES = 150
MAX_PER_PATTERN = 30
#: Fewest pages one login must have seen answered (start page and menu at least).
MIN_PAGES = len(MENU) + 1

#: Paths of downloads: one fetch whatever the query.
FILES = (".pdf", ".docx", ".xlsx", ".csv")
HREF = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
NUMBER = re.compile(r"/\d+(?=/|\.|$)")


@dataclass
class Visit:
    login: str
    state: str
    url: str
    status: int
    error: str = ""


@dataclass
class Crawl:
    """What the crawl saw: pages per login, 5xx answers, downloads already fetched."""

    states: dict[str, str]
    pages: Counter[str] = field(default_factory=Counter)
    ok: Counter[str] = field(default_factory=Counter)
    failures: list[Visit] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)
    #: Who was answered 200 at each path.
    answered: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def state_of(self, path: str) -> str:
        match = re.match(r"^/(plans|nominations)/(\d+)/", path)
        if match is None:
            return "-"
        return self.states.get(f"{match.group(1)}:{match.group(2)}", "-")


def key_of(url: str) -> str:
    """The URL with its query values dropped: ``?page=2`` and ``?page=3`` are one page."""
    parts = urlsplit(url)
    if parts.path.endswith(FILES):  # ``?preview=1`` shows the same file inline
        return parts.path
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return parts.path + ("?" + "&".join(names) if names else "")


def followed(base: str, href: str) -> str | None:
    """The same-site URL ``href`` points to from ``base``, or None when it is not crawled."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIPPED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@contextmanager
def errors_recorded() -> Iterator[list[str]]:
    """The exceptions the views raised, in order (the client turns them into 500s)."""
    seen: list[str] = []

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        seen.append(f"{type(exc).__name__}: {exc}" if exc else "unknown")

    got_request_exception.connect(record, weak=False)
    try:
        yield seen
    finally:
        got_request_exception.disconnect(record)


def crawl_as(crawl: Crawl, login: str, seeds: list[str], errors: list[str]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(user(login))
    queue: deque[str] = deque(seeds)
    seen: set[str] = set()
    patterns: Counter[str] = Counter()
    while queue and crawl.pages[login] < MAX_PAGES:
        url = queue.popleft()
        key = key_of(url)
        if key in seen:
            continue
        seen.add(key)
        pattern = NUMBER.sub("/N", key)
        if patterns[pattern] >= MAX_PER_PATTERN or key in crawl.downloads:
            continue
        patterns[pattern] += 1
        before = len(errors)
        response = client.get(url)
        crawl.pages[login] += 1
        path = urlsplit(url).path
        if response.status_code == 200:
            crawl.answered[path].add(login)
            crawl.ok[login] += 1
        if response.status_code >= 500:
            error = errors[before] if len(errors) > before else ""
            crawl.failures.append(
                Visit(login, crawl.state_of(path), url, response.status_code, error)
            )
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = followed(url, response.get("Location", ""))
            if target is not None and not target.startswith("/login/"):
                queue.append(target)
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            crawl.downloads.add(key)  # a file is the same for everyone who may fetch it
            continue
        for href in HREF.findall(response.content.decode(errors="replace")):
            target = followed(url, href)
            if target is not None:
                queue.append(target)


def logins() -> list[str]:
    """Every demo login: the superuser and each person of the demo data."""
    return [data.ADMIN_USERNAME, *(person.username for person in data.PEOPLE)]


def handed_over_list(dossiers: dict[str, Any]) -> Any:
    """A hand-over list of the 2025 reform (the district to a commune of the demo) naming
    the demo's dossiers, so its pages are crawled with the rest."""
    from approvals.handover.models import HandOver, HandOverCase
    from approvals.organisation.models import OrgUnit

    hand_over = HandOver.objects.create(
        from_unit=OrgUnit.objects.get(name="Huyện Lạng Giang"),
        to_unit=OrgUnit.objects.get(name="Xã Tân Dĩnh"),
        effective_from=data.TWO_LEVEL_FROM,
        created_by=user(data.ADMIN_USERNAME),
    )
    HandOverCase.objects.bulk_create(
        HandOverCase(
            hand_over=hand_over,
            kind="Hồ sơ đề nghị công nhận",
            title=str(dossier),
            state=dossier.get_state_display(),
            subject_type="nominations.dossier",
            subject_id=str(dossier.pk),
            url=f"/nominations/{dossier.pk}/",
        )
        for dossier in dossiers.values()
    )
    return hand_over


def jobs_of_each_status(username: str) -> dict[str, Any]:
    """One background job of each status started by ``username`` (the finished one with its
    file), so "Việc đang chạy" and each job's page are crawled; no one else may open them."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from approvals.jobs.models import Job, JobStatus

    now = timezone.now()
    jobs: dict[str, Any] = {}
    for status in JobStatus:
        job = Job(
            kind="tests.slow_rename",
            label=f"Việc thử ({status.label})",
            started_by=user(username),
            status=status,
            token=status.value,
            url="/nominations/",
            progress_done=0 if status == JobStatus.QUEUED else 5,
            progress_total=None if status == JobStatus.QUEUED else 10,
            started_at=None if status == JobStatus.QUEUED else now,
            heartbeat_at=None if status == JobStatus.QUEUED else now,
            finished_at=now if status in (JobStatus.DONE, JobStatus.FAILED) else None,
            error="Dòng 3 sai." if status == JobStatus.FAILED else "",
            result={"summary": "Đã xong 10 dòng."} if status == JobStatus.DONE else {},
        )
        if status == JobStatus.DONE:
            job.result_name = "ket-qua.csv"
            job.result_file.save("ket-qua.csv", ContentFile(b"a;b\n"), save=False)
        job.save()
        jobs[status.value] = job
    return jobs


def commune_page() -> str:
    """The dashboard of one commune of the demo, with its charts."""
    from django.urls import reverse

    from approvals.organisation.models import OrgUnit

    commune = OrgUnit.objects.get(name="Xã Tân Dĩnh")
    return f"{reverse('nominations:dashboard')}?unit={commune.pk}&year={TODAY[:4]}"


#: The search's pages: a crawl fetches a download once, so each login also asks for these.
SEARCHES = (
    "/search/?q=gia+dinh+van+hoa",
    "/search/?q=01%2FKH&kind=document&kind=decision",
    "/search/export.xlsx?q=gia+dinh+van+hoa",
)


def searches_by_everyone() -> list[tuple[str, str, int]]:
    """Every login's search and export: the (login, url, status) not answered 200."""
    failed: list[tuple[str, str, int]] = []
    for login in logins():
        client = Client(raise_request_exception=False)
        client.force_login(user(login))
        for url in SEARCHES:
            status = client.get(url).status_code
            if status != 200:
                failed.append((login, url, status))
    return failed


def test_no_page_of_any_state_answers_a_server_error_to_any_demo_login() -> None:
    from django.urls import reverse

    with freeze_time(TODAY, tick=True):
        run_seed()
        plans = PlanRoad().build()
        dossiers = DossierRoad().build()
        states = {f"plans:{p.pk}": f"plan {label} ({p.state})" for label, p in plans.items()}
        states.update(
            {f"nominations:{d.pk}": f"dossier {label} ({d.state})" for label, d in dossiers.items()}
        )
        hand_over = handed_over_list(dossiers)
        job_owner = data.PEOPLE[0].username
        jobs = jobs_of_each_status(job_owner)
        seeds = [
            "/",
            *(reverse(item.url_name) for item in MENU),
            reverse("handover:list"),
            reverse("handover:detail", args=[hand_over.pk]),
            # a commune's page: the dashboard and its charts for one unit (404 out of reach)
            commune_page(),
            reverse("notifications:list"),
            reverse("notifications:preferences"),
            reverse("jobs:list"),
            *(reverse("jobs:detail", args=[job.pk]) for job in jobs.values()),
            # the year's roll-over of the registers (403 to those who keep no register)
            reverse("registers_roll_over"),
            # the search typed without accents, its hits and its export (issue 20)
            *SEARCHES,
        ]
        crawl = Crawl(states)
        with errors_recorded() as errors:
            for login in logins():
                crawl_as(crawl, login, seeds, errors)
            searched = searches_by_everyone()

    counts = ", ".join(f"{n}={crawl.pages[n]}/{crawl.ok[n]}" for n in logins())
    report = f"\npages fetched/answered 200 per login: {counts}"
    assert not crawl.failures, (
        "server errors (login | state | url | status | error):\n"
        + "\n".join(
            f"  {v.login} | {v.state} | {v.url} | {v.status} | {v.error}" for v in crawl.failures
        )
        + report
    )
    assert not searched, f"the search failed (login, url, status): {searched}"
    too_few = [login for login in logins() if crawl.ok[login] < MIN_PAGES]
    assert not too_few, f"logins that crawled almost nothing: {too_few}{report}"
    # every parked plan and dossier was reached and shown to somebody
    unseen = [
        label
        for key, label in states.items()
        if not crawl.answered.get("/{}/{}/".format(*key.split(":")))
    ]
    assert not unseen, f"states no login reached: {unseen}{report}"
    # each job's page and file: its starter (and the superuser) only
    for job in jobs.values():
        for path in (
            reverse("jobs:detail", args=[job.pk]),
            reverse("jobs:download", args=[job.pk]),
        ):
            allowed = {job_owner, data.ADMIN_USERNAME}
            assert crawl.answered.get(path, set()) <= allowed, (path, crawl.answered[path])
        assert crawl.answered[reverse("jobs:detail", args=[job.pk])] == allowed
