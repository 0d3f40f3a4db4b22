"""The search in Chromium: typed without accents into the header's box, the results page with
the matched words marked, and its XLSX export read back with openpyxl."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import Session

pytestmark = pytest.mark.django_db(transaction=True)

#: Of the commune Tân Dĩnh: its dossier and households of "Gia đình văn hóa".
USERNAME = "chutich.tandinh"


@pytest.fixture
def clerk(browser: Any, demo_site: str, request: pytest.FixtureRequest) -> Any:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    session = Session(page, demo_site, f"{request.node.name}-{USERNAME}")
    session.login(USERNAME)
    yield session
    context.close()


def test_the_header_box_finds_words_typed_without_accents(clerk: Session) -> None:
    page = clerk.page
    header = page.get_by_role("search", name="Tra cứu", exact=True)
    box = header.get_by_label("Tra cứu", exact=True)
    assert box.count() == 1
    box.fill("van hoa")
    box.press("Enter")
    page.wait_for_url("**/search/?q=van+hoa")
    page.wait_for_load_state()
    results = page.locator("[data-testid=search-hits]")
    assert results.is_visible()
    rows = results.locator("tbody tr")
    assert rows.count() >= 1
    marked = results.locator("mark").all_inner_texts()
    assert marked, "no highlighted word"
    assert {"văn", "hóa"} & {word.lower() for word in marked}, marked
    heading = page.locator("[data-testid=search-results] h2").inner_text()
    assert heading.endswith("kết quả"), heading
    clerk.shot("results")

    with page.expect_download() as info:
        page.click("[data-testid=search-export]")
    download = info.value
    assert download.suggested_filename.startswith("tra-cuu-")
    assert download.suggested_filename.endswith(".xlsx")
    data = Path(download.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(data)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(table) if row[0] == "Loại")
    assert table[header][:3] == ["Loại", "Số, ký hiệu", "Trích yếu"]
    hits = table[header + 1 :]
    assert len(hits) == rows.count()
    assert not any("<mark>" in str(cell) for row in hits for cell in row)


def test_a_bad_date_is_explained_in_the_page(clerk: Session) -> None:
    clerk.go("/search/?q=van+hoa&date_from=2026-13-45")
    errors = clerk.page.locator("[data-testid=search-errors]")
    assert "Từ ngày" in errors.inner_text()
    assert clerk.page.locator("[data-testid=search-hits]").count() == 0
