"""The dashboard's charts in headless Chromium (issue 25, "Charts").

The committee secretary opens the dashboard: each chart is drawn by the vendored Chart.js
from the page's JSON data (no inline script runs), its table stands beside it, and "Export
PNG" saves a PNG file. A commune's page (the dashboard of one unit) draws its own charts.
Screenshots at 1280 and 390 pixels wide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.organisation.models import OrgUnit

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
PNG = b"\x89PNG\r\n\x1a\n"


def _pending_dossier() -> None:
    """Thôn Hạ's dossier taken to the decision step: something pending for the step chart."""
    from project.demo.nominations import dossier_to_decision

    today = timezone.localdate()
    users = {u.username: u for u in User.objects.all()}
    village = OrgUnit.objects.active_on(today).get(name="Thôn Hạ", kind="village")
    dossier_to_decision(village=village, users=users, head="truongthon.ha", today=today)


def _drawn(page: Any) -> list[dict[str, Any]]:
    """Each chart canvas: its id, whether Chart.js holds a chart for it, and whether it has
    pixels that are not white or transparent."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart-source]')).map((c) => {
            const chart = window.Chart && window.Chart.getChart(c);
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let inked = 0;
            for (let i = 0; i < data.length; i += 4) {
              if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) {
                inked += 1;
              }
            }
            return {id: c.id, chart: !!chart, points: chart ? chart.data.labels.length : 0,
                    width: c.width, inked: inked};
        })"""
    )


def test_the_secretary_sees_the_charts_drawn_with_their_tables_and_exports_a_png(
    signed_in: Any, tmp_path: Path
) -> None:
    _pending_dossier()
    site = signed_in("thuky.bcd")
    errors: list[str] = []
    site.page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    site.page.on("pageerror", lambda e: errors.append(str(e)))
    site.go("/nominations/dashboard/")
    page = site.page
    page.wait_for_selector("canvas[data-chart-drawn]")

    # every chart is drawn: a Chart.js instance, and ink on the canvas
    drawn = _drawn(page)
    ids = {d["id"] for d in drawn}
    assert {"chart-share-cultural_family", "chart-trend", "chart-steps"} <= ids
    for chart in drawn:
        assert chart["chart"], chart
        assert chart["points"] > 0, chart
        assert chart["inked"] > 500, chart
    # each has its table, with a caption, beside it; the canvas is an image with a label
    for key in ("trend", "steps", "share-cultural_family"):
        table = page.locator(f"[data-testid=chart-table-{key}]")
        assert table.count() == 1
        assert table.locator("caption").inner_text().strip()
        assert table.locator("tbody tr").count() > 0
        canvas = page.locator(f"#chart-{key}")
        assert canvas.get_attribute("role") == "img"
        assert canvas.get_attribute("aria-label")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert not errors, errors
    site.shot("dashboard-charts-1280")

    # "Tải ảnh PNG" saves the chart as a PNG file
    button = page.locator("button[data-chart-export='chart-trend']")
    assert button.is_visible()
    assert button.inner_text().strip() == "Tải ảnh PNG"
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith("-trend.png")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(PNG)
    assert len(content) > 2000

    # a commune's page: its link in the share table opens the dashboard of that commune
    page.locator("[data-testid=share-cultural_family] a[data-unit-page]").first.click()
    page.wait_for_load_state()
    page.wait_for_selector("canvas[data-chart-drawn]")
    assert page.locator("[data-testid=unit-page]").count() == 1
    assert all(chart["chart"] and chart["inked"] > 500 for chart in _drawn(page))
    site.shot("commune-charts-1280")

    # at 390 pixels wide the charts fit the screen, above their tables
    page.set_viewport_size({"width": 390, "height": 844})
    site.go("/nominations/dashboard/")
    page.wait_for_selector("canvas[data-chart-drawn]")
    for chart in _drawn(page):
        assert chart["chart"]
        assert chart["inked"] > 200
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart-source]'))
                 .map((c) => c.getBoundingClientRect().right)"""
    )
    assert max(widths) <= 390
    site.shot("dashboard-charts-390")
    # no script error and no policy refusal on any of these pages
    assert not errors, errors


def test_the_export_button_starts_a_job_and_lands_on_its_page_finished(
    signed_in: Any, settings: Any, tmp_path: Path
) -> None:
    from approvals.jobs.models import Job, JobStatus

    settings.MEDIA_ROOT = tmp_path
    _pending_dossier()
    site = signed_in("thuky.bcd")
    site.go(f"/nominations/dashboard/?year={timezone.localdate().year}")
    site.page.click("[data-action=export]")
    site.page.wait_for_url("**/jobs/*/")
    job = Job.objects.get(kind="nominations.dashboard_export")
    assert site.page.url.endswith(f"/jobs/{job.pk}/")
    assert (job.status, job.params["filters"]) == (
        JobStatus.DONE,
        {"year": str(timezone.localdate().year)},
    )
    assert job.result_file.size > 2000
    assert job.label in site.page.locator("h1").inner_text()
    site.shot("dashboard-export-job")
