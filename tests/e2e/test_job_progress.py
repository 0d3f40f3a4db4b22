"""Issue 18, item 3, in Chromium: a background job's page follows the job without reloading.

The bar and the status line move when the reporter writes progress to the database; when the
job finishes the page shows its summary and the download link (and the download works); a
failed job shows its error and "Chạy lại", which starts it again.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from approvals.jobs.models import Job, JobStatus
from approvals.organisation.models import OrgUnit
from tests.e2e import axe
from tests.testapp.jobs import SLOW_RENAME

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "cvp.ldtbxh"
#: The page asks every 2 s; a change must show within a few rounds.
SHOWN = 10_000


def _job(status: str, **fields: Any) -> Job:
    return Job.objects.create(
        kind=SLOW_RENAME,
        label="Nhập danh sách hộ gia đình",
        started_by=get_user_model().objects.get(username=LOGIN),
        status=status,
        token="t",
        url="/nominations/",
        **fields,
    )


def _bar(page: Any) -> str:
    return str(page.locator("[data-testid=job-progress]").get_attribute("value"))


def test_the_bar_follows_the_job_and_the_finished_job_offers_its_file(signed_in: Any) -> None:
    now = timezone.now()
    job = _job(
        JobStatus.RUNNING, progress_done=2, progress_total=10, started_at=now, heartbeat_at=now
    )
    session = signed_in(LOGIN)
    session.go(f"/jobs/{job.pk}/")
    page = session.page
    assert _bar(page) == "20"
    status = page.locator("[data-testid=job-status]")
    assert status.get_attribute("aria-live") == "polite"
    assert "Đang chạy: Đã xử lý 2 dòng (20%)" in status.inner_text()
    assert page.locator("label[for=job-progress]").inner_text() == "Tiến độ"
    assert page.locator("[data-testid=job-done]").is_hidden()
    page.evaluate("window.notReloaded = true")

    # the reporter writes progress: the bar and the text follow, the page is not reloaded
    Job.objects.filter(pk=job.pk).update(progress_done=7, heartbeat_at=timezone.now())
    # (the bar's value property reflects to its attribute; no page-side predicate: strict CSP)
    page.wait_for_selector("#job-progress[value='70']", timeout=SHOWN)
    assert "Đã xử lý 7 dòng (70%)" in status.inner_text()
    assert "Tổng cộng 10 dòng" in status.inner_text()
    assert page.evaluate("window.notReloaded") is True
    session.shot("running")

    # the job finishes with a file
    finished = Job.objects.get(pk=job.pk)
    finished.result_file.save("ket-qua.csv", ContentFile("Hộ;Thôn\n".encode()), save=False)
    finished.result_name = "ket-qua.csv"
    finished.result = {"rows": 10, "summary": "Đã nhập 10 hộ gia đình."}
    finished.progress_done = 10
    finished.status = JobStatus.DONE
    finished.finished_at = timezone.now()
    finished.save()
    page.wait_for_selector("[data-testid=job-done]:not([hidden])", timeout=SHOWN)
    assert page.evaluate("window.notReloaded") is True
    assert _bar(page) == "100"
    assert "Đã xong" in status.inner_text()
    assert page.locator("[data-testid=job-summary]").inner_text() == "Đã nhập 10 hộ gia đình."
    assert page.locator("[data-job-polling]").is_hidden()
    axe.check(page, "job finished")
    session.shot("done")
    link = page.locator("[data-testid=job-download]")
    assert "ket-qua.csv" in link.inner_text()
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "ket-qua.csv"
    with open(download.path(), "rb") as handle:
        assert handle.read() == "Hộ;Thôn\n".encode()


def test_a_failed_job_shows_its_error_and_runs_again(signed_in: Any) -> None:
    unit = OrgUnit.objects.order_by("pk").first()
    assert unit is not None
    job = _job(
        JobStatus.FAILED,
        error="Dòng 1: thiếu tên chủ hộ.",
        attempts=1,
        finished_at=timezone.now(),
        params={"units": [unit.pk], "fail_at": 1},
    )
    session = signed_in(LOGIN)
    session.go(f"/jobs/{job.pk}/")
    page = session.page
    assert page.locator("[data-testid=job-error]").inner_text() == "Dòng 1: thiếu tên chủ hộ."
    assert page.locator("[data-testid=job-subject]").get_attribute("href") == "/nominations/"
    retry = page.locator("[data-testid=job-retry]")
    assert retry.inner_text() == "Chạy lại"
    session.shot("failed")
    retry.click()
    page.wait_for_selector("[role=status] .messages")
    # run again at once (no broker): it fails again at its first row, said on the page
    assert "Việc đã được chạy lại." in page.locator(".messages").inner_text()
    assert page.locator("[data-testid=job-error]").inner_text() == "Row 1 is wrong."
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    axe.check(page, "job retried")

    # the list shows it under the ended jobs, with the menu entry
    session.go("/jobs/")
    assert page.locator("nav.main a[data-nav=jobs]").count() == 1
    assert page.locator("[data-testid=jobs-recent] [data-testid=job-row]").count() == 1
