"""The dashboard's charts: their numbers, who sees what, and a fixed number of queries."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.organisation.models import UnitKind
from approvals.regulations.models import Regulation, RegulationVersion, Rule
from approvals.regulations.services import rules_in_force
from tests.factories import OrgUnitFactory
from tests.nominations.web.conftest import page_text, today
from workflows.nominations.chart_selectors import (
    dossier_totals_by_step,
    recognition_trend,
    unit_in_reach,
)
from workflows.nominations.charts import TREND_YEARS
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    Dossier,
    DossierState,
    Household,
    Title,
)
from workflows.nominations.selectors import recognition_share

pytestmark = pytest.mark.django_db
FAMILY = Title.CULTURAL_FAMILY
DASHBOARD = "nominations:dashboard"


def payload(text: str, key: str) -> dict:
    """The data of chart ``key`` as the page hands it to charts.js (its json_script)."""
    match = re.search(
        rf'<script id="chart-data-{re.escape(key)}" type="application/json">(.*?)</script>',
        text,
        re.DOTALL,
    )
    assert match, f"no data for chart {key}"
    return json.loads(match.group(1))


def target_rule(unit, title: str) -> Decimal:
    """The title's target in the regulations for ``unit`` at the end of this year."""
    rules = rules_in_force("movement_targets", on=datetime.date(today().year, 12, 31), unit=unit)
    return Decimal(str(rules.rules[f"{title}.target_share_percent"].value))


def recognised_in(web, year: int, count: int, *, unit=None) -> Dossier:
    """A decided dossier of ``year`` in ``unit`` (the village) recognising ``count`` new
    households there (bulk: the tallies follow by trigger)."""
    unit = unit or web.c.village
    dossier = Dossier.objects.create(
        title=FAMILY,
        year=year,
        proposing_unit=unit,
        deciding_unit=unit.parent,
        started_on=datetime.date(year, 1, 2),
        created_by=web.c.village_head,
        state=DossierState.DECIDED,
    )
    households = Household.objects.bulk_create(
        Household(village=unit, code=f"R{year}-{unit.pk}-{n}", head_name="Phạm Văn R")
        for n in range(count)
    )
    Candidate.objects.bulk_create(
        Candidate(
            dossier=dossier, title=FAMILY, year=year, household=h, state=CandidateState.RECOGNISED
        )
        for h in households
    )
    return dossier


def pending_in(web, commune, state: str) -> Dossier:
    """An undecided dossier at ``state`` of a new village of ``commune``."""
    village = OrgUnitFactory(name="Thôn chờ", code="T", kind=UnitKind.VILLAGE, parent=commune)
    return Dossier.objects.create(
        title=FAMILY,
        year=today().year,
        proposing_unit=village,
        deciding_unit=commune,
        started_on=today(),
        created_by=web.c.village_head,
        state=state,
    )


def test_the_share_chart_draws_each_commune_against_the_target_of_the_regulations(client, web):
    # given 4 of the households of commune X recognised this year
    year = today().year
    recognised_in(web, year, 4)
    client.force_login(web.secretary)
    # when the secretary opens the dashboard
    text = page_text(client.get(reverse(DASHBOARD)))
    # then the chart's bars are the shares of the communes, its target the regulation's
    share = recognition_share(unit=web.c.org.province, year=year, title=FAMILY)
    data = payload(text, f"share-{FAMILY}")
    assert data["type"] == "bar"
    assert data["labels"] == [row.unit.name for row in share.rows]
    assert web.c.commune.name in data["labels"]
    assert data["datasets"][0]["data"] == [
        float(row.share) if row.share is not None else None for row in share.rows
    ]
    x_share = data["datasets"][0]["data"][data["labels"].index(web.c.commune.name)]
    assert x_share > 0
    target = data["datasets"][1]
    assert target["role"] == "target"
    assert target["data"] == [float(target_rule(web.c.org.province, FAMILY))] * len(share.rows)
    # its table: a caption, and each commune a link to its own page
    block = text.split(f'data-testid="share-{FAMILY}"')[1].split("</section>")[0]
    assert "<caption>" in block
    assert f'href="?unit={web.c.commune.pk}&amp;year={year}"' in block
    assert 'role="img"' in block
    assert 'data-chart-export="chart-share-cultural_family"' in block


def test_a_provincial_target_moves_the_target_line(client, web):
    # given the province sets its own target (a later version of the movement's rules)
    org = web.c.org
    version = RegulationVersion.objects.create(
        regulation=Regulation.objects.get(code="movement_targets"),
        label="KH tỉnh",
        effective_from=datetime.date(2022, 3, 1),
        jurisdiction=org.province,
        legal_basis="Kế hoạch của UBND tỉnh",
    )
    Rule.objects.create(
        version=version,
        key=f"{FAMILY}.target_share_percent",
        value=93,
        value_type="percent",
        confirmed=False,
        basis="tỉnh quy định",
    )
    client.force_login(web.secretary)
    text = page_text(client.get(reverse(DASHBOARD)))
    # then the share's target line and the trend's target both read 93
    assert set(payload(text, f"share-{FAMILY}")["datasets"][1]["data"]) == {93.0}
    trend = payload(text, "trend")
    family_target = next(
        d
        for d in trend["datasets"]
        if d["role"] == "target" and str(Title(FAMILY).label) in d["label"]
    )
    assert family_target["data"][-1] == 93.0


def test_the_trend_counts_each_year_and_its_table_says_the_same(client, web):
    # given 3 households recognised two years ago and 6 this year, in commune X
    year = today().year
    recognised_in(web, year - 2, 3)
    recognised_in(web, year, 6)
    households = Household.objects.filter(village__path__startswith=web.c.commune.path).count()
    # when the culture officer of commune X reads the trend
    trend = recognition_trend(
        unit=web.c.commune, years=list(range(year - TREND_YEARS + 1, year + 1)), title=FAMILY
    )
    # then each year counts its own recognitions over today's households
    assert [(p.year, p.recognised) for p in trend][-3:] == [(year - 2, 3), (year - 1, 0), (year, 6)]
    assert {p.total for p in trend} == {households}
    assert trend[-1].target == target_rule(web.c.commune, FAMILY)
    client.force_login(web.c.officer)
    text = page_text(client.get(reverse(DASHBOARD)))
    data = payload(text, "trend")
    assert data["labels"] == [str(p.year) for p in trend]
    assert data["datasets"][0]["data"] == [float(p.share) for p in trend]
    row = text.split(f'<tr data-year="{year}">')[1].split("</tr>")[0]
    assert f"6 / {households}" in row


def test_pending_by_step_counts_the_chosen_unit_only(client, web):
    # given pending dossiers in commune X (posting, two submitted) and one in commune Y
    org = web.c.org
    pending_in(web, web.c.commune, DossierState.POSTING)
    pending_in(web, web.c.commune, DossierState.SUBMITTED)
    pending_in(web, web.c.commune, DossierState.SUBMITTED)
    pending_in(web, org.commune_y, DossierState.SUBMITTED)
    recognised_in(web, today().year, 1)  # decided: not pending
    client.force_login(web.secretary)
    # when the secretary opens commune X's page
    response = client.get(reverse(DASHBOARD), {"unit": web.c.commune.pk, "year": today().year})
    assert response.status_code == 200
    text = page_text(response)
    assert 'data-testid="unit-page"' in text
    data = payload(text, "steps")
    # then only X's dossiers are counted, per step, in the order of the steps
    assert data["labels"] == [
        str(DossierState.POSTING.label),
        str(DossierState.SUBMITTED.label),
    ]
    on_time, late = data["datasets"]
    assert [a + b for a, b in zip(on_time["data"], late["data"], strict=True)] == [1.0, 2.0]
    assert late["role"] == "late"
    table = text.split('data-testid="chart-table-steps"')[1].split("</table>")[0]
    assert "<caption>" in table
    # and the whole province counts Y's too
    province = payload(page_text(client.get(reverse(DASHBOARD))), "steps")
    assert sum(province["datasets"][0]["data"]) + sum(province["datasets"][1]["data"]) == 4


def test_a_commune_officer_sees_his_area_only(client, web):
    org = web.c.org
    pending_in(web, org.commune_y, DossierState.SUBMITTED)
    # the selectors: commune Y is outside X's officer's reach, the village of X inside
    assert unit_in_reach(user=web.c.officer, day=today(), pk=org.commune_y.pk) is None
    assert unit_in_reach(user=web.c.officer, day=today(), pk=web.c.village.pk) == web.c.village
    assert dossier_totals_by_step(user=web.c.officer, day=today(), unit=org.commune_y) == []
    assert dossier_totals_by_step(user=web.c.officer, day=today(), unit=org.province) == []
    # the pages: his village's page answers, commune Y's and the province's are 404
    client.force_login(web.c.officer)
    ok = client.get(reverse(DASHBOARD), {"unit": web.c.village.pk})
    assert ok.status_code == 200
    assert payload(page_text(ok), f"share-{FAMILY}")["labels"] == [web.c.village.name]
    for unit in (org.commune_y, org.province, org.village_y1):
        assert client.get(reverse(DASHBOARD), {"unit": unit.pk}).status_code == 404
    # and his own dashboard's chart has no row of commune Y
    text = page_text(client.get(reverse(DASHBOARD)))
    assert org.village_y1.name not in payload(text, f"share-{FAMILY}")["labels"]
    steps = text.split('data-testid="chart-steps"')[1].split("</section>")[0]
    assert 'id="chart-data-steps"' not in steps  # nothing pending in X: no chart, a sentence


def test_the_page_loads_the_charts_from_static_files_only(client, web):
    pending_in(web, web.c.commune, DossierState.SUBMITTED)
    client.force_login(web.secretary)
    text = page_text(client.get(reverse(DASHBOARD)))
    scripts = re.findall(r"<script\b([^>]*)>", text)
    assert scripts
    for attributes in scripts:
        # the vendored library and charts.js by src, the rest data (json_script)
        assert "src=" in attributes or 'type="application/json"' in attributes
    assert "vendor/chartjs/chart.umd.min.js" in text
    assert "site/charts.js" in text
    assert text.count("<canvas") == 5  # 3 shares (households, villages, registered), trend, steps


def dashboard_queries(client, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(DASHBOARD), params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_charts_take_the_same_queries_whatever_the_number_of_communes(client, web):
    # given the province with its two communes
    org = web.c.org
    client.force_login(web.secretary)
    recognised_in(web, today().year, 2)
    pending_in(web, web.c.commune, DossierState.SUBMITTED)
    few = dashboard_queries(client)
    commune_page = dashboard_queries(client, {"unit": web.c.commune.pk})
    # when twelve more communes come, each with a village, households and dossiers
    for n in range(12):
        commune = OrgUnitFactory(
            name=f"Xã Mới {n}", code="UBND", kind=UnitKind.COMMUNE, parent=org.province
        )
        village = OrgUnitFactory(name=f"Thôn {n}", code="T", kind=UnitKind.VILLAGE, parent=commune)
        recognised_in(web, today().year - n % TREND_YEARS, 3, unit=village)
        pending_in(web, commune, DossierState.SUBMITTED)
    # then the dashboard and a commune's page make as many queries as before
    assert dashboard_queries(client) == few
    assert dashboard_queries(client, {"unit": web.c.commune.pk}) == commune_page
    text = page_text(client.get(reverse(DASHBOARD)))
    assert len(payload(text, f"share-{FAMILY}")["labels"]) == 14


def test_the_trend_takes_a_fixed_number_of_queries(web, django_assert_max_num_queries):
    years = list(range(today().year - TREND_YEARS + 1, today().year + 1))
    # two aggregates, and the rules in force at each year's end (two queries a year)
    with django_assert_max_num_queries(2 + 2 * TREND_YEARS):
        recognition_trend(unit=web.c.org.province, years=years, title=FAMILY)
    with django_assert_max_num_queries(2 + 2 * TREND_YEARS):
        recognition_trend(unit=web.c.org.province, years=years, title=Title.CULTURAL_VILLAGE)
    # with the targets read once for both titles, each trend is two aggregates
    from workflows.nominations.chart_selectors import targets_by_year

    titles = [FAMILY, Title.CULTURAL_VILLAGE]
    with django_assert_max_num_queries(2 * TREND_YEARS):
        targets = targets_by_year(unit=web.c.org.province, years=years, titles=titles)
    for title in titles:
        with django_assert_max_num_queries(2):
            trend = recognition_trend(
                unit=web.c.org.province, years=years, title=title, targets=targets
            )
        assert trend[-1].target == targets[title][years[-1]]
