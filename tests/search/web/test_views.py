"""The search pages on the seeded demo: the results page, its filters and bad inputs, the
XLSX export, and the scope (a user of another commune finds nothing and counts 0)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from approvals.organisation.models import OrgUnit
from tests.demo.conftest import Demo, demo

__all__ = ["demo"]

pytestmark = pytest.mark.django_db

URL = "/search/"
EXPORT = "/search/export.xlsx"
QUERY = {"q": "van hoa"}
#: Of the commune Tân Dĩnh: its dossier of "Gia đình văn hóa" and its household of Nguyễn Văn
#: Hòa (found by experiment).
OWNER = "chutich.tandinh"
#: Of the commune Đa Mai: none of them.
STRANGER = "chutich.damai"


def client_for(demo: Demo, username: str) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(demo.user(username))
    return client


def hits_of(html: str) -> list[str]:
    body = html.split('data-testid="search-hits"', 1)
    if len(body) < 2:
        return []
    return re.findall(r'<tr data-kind="(\w+)"', body[1])


def test_the_owner_finds_what_the_stranger_may_not_even_count(demo: Demo) -> None:
    owner = client_for(demo, OWNER).get(URL, QUERY)
    assert owner.status_code == 200
    html = owner.content.decode()
    rows = hits_of(html)
    assert rows == ["dossier", "household"], rows
    assert owner.context["total"] == len(rows) == 2
    assert owner.context["exact"]
    assert "<mark>" in html
    assert 'href="/search/export.xlsx?q=van+hoa"' in html

    stranger = client_for(demo, STRANGER).get(URL, QUERY)
    assert stranger.status_code == 200
    assert stranger.context["total"] == 0
    assert all(facet["count"] == 0 for facet in stranger.context["facets"])
    assert hits_of(stranger.content.decode()) == []
    assert 'data-testid="search-none"' in stranger.content.decode()
    # nor do the filters name the owner's commune to the stranger
    agencies = dict(stranger.context["form"].fields["agency"].choices)
    assert "Xã Tân Dĩnh" not in agencies.values()
    tan_dinh = OrgUnit.objects.get(name="Xã Tân Dĩnh")
    refused = client_for(demo, STRANGER).get(URL, {**QUERY, "agency": tan_dinh.pk})
    assert refused.status_code == 400
    assert refused.context["page"] is None


def test_filters_narrow_the_hits(demo: Demo) -> None:
    client = client_for(demo, OWNER)
    households = client.get(URL, {**QUERY, "kind": "household"})
    assert set(hits_of(households.content.decode())) == {"household"}
    assert households.context["total"] == 1
    both = client.get(URL + "?q=van+hoa&kind=household&kind=dossier")
    assert both.context["total"] == 2
    nothing = client.get(URL, {**QUERY, "date_from": "2100-01-01"})
    assert nothing.status_code == 200
    assert nothing.context["total"] == 0
    form_only = client.get(URL)
    assert form_only.status_code == 200
    assert form_only.context["page"] is None
    assert 'data-testid="search-form"' in form_only.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "a" * 10_000}, "Nội dung tra cứu quá dài"),
        ({"q": "văn hóa", "date_from": "31/02/2026x"}, "Từ ngày"),
        ({"q": "văn hóa", "kind": "spaceship"}, "Loại"),
        ({"q": "văn hóa", "year": "năm ngoái"}, "Năm"),
        ({"q": "văn hóa", "signer": "999999"}, "Người ký"),
        ({"q": "văn hóa", "date_from": "2026-05-01", "date_to": "2026-01-01"}, "trước ngày"),
    ],
)
def test_bad_inputs_get_the_reason_and_no_results(
    demo: Demo, params: dict[str, Any], message: str
) -> None:
    client = client_for(demo, OWNER)
    for url in (URL, EXPORT):
        with translation.override("vi"):
            response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 400, (url, response.status_code)
        html = response.content.decode()
        assert 'data-testid="search-errors"' in html
        assert message in html, html.split('data-testid="search-errors"', 1)[1][:600]
        assert hits_of(html) == []


def test_query_syntax_is_only_words(demo: Demo) -> None:
    client = client_for(demo, OWNER)
    for q in ("a & | !", "' OR 1=1 --", "!!!", ":*"):
        response = client.get(URL, {"q": q})
        assert response.status_code == 200, q


def test_the_export_lists_the_hits_in_plain_text(demo: Demo, settings: Any) -> None:
    client = client_for(demo, OWNER)
    response = client.get(EXPORT, QUERY)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "tra-cuu-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows.index(
        ["Loại", "Số, ký hiệu", "Trích yếu", "Đơn vị", "Trạng thái", "Ngày", "Liên kết"]
    )
    table = rows[header + 1 :]
    assert len(table) == 2
    assert not any("<mark>" in str(cell) for row in table for cell in row)
    assert any("văn hóa" in str(row[2]).lower() for row in table)
    assert all(str(row[6]).startswith("http://testserver/") for row in table if row[6])

    settings.SEARCH_EXPORT_MAX_ROWS = 1
    capped = load_workbook(io.BytesIO(client.get(EXPORT, QUERY).content)).active
    rows = [list(row) for row in capped.iter_rows(values_only=True)]
    assert any("1" in str(row[0]) and "2" in str(row[0]) for row in rows[:4] if row[0]), rows[:4]
    assert (
        len(rows)
        - rows.index(
            ["Loại", "Số, ký hiệu", "Trích yếu", "Đơn vị", "Trạng thái", "Ngày", "Liên kết"]
        )
        - 1
        == 1
    )

    stranger = client_for(demo, STRANGER).get(EXPORT, QUERY)
    stranger_rows = list(
        load_workbook(io.BytesIO(stranger.content)).active.iter_rows(values_only=True)
    )
    assert stranger_rows[-1][0] == "Loại"
