"""The jobs' pages and API: "Việc đang chạy", one job's page, retry, download; another user's
job is never shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from rest_framework.test import APIClient

from approvals.jobs.models import Job, JobStatus
from approvals.jobs.services import job_start
from tests.factories import OrgUnitFactory, UserFactory
from tests.testapp.jobs import SLOW_RENAME

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _failed(user: Any) -> Job:
    unit = OrgUnitFactory()
    job = job_start(
        kind=SLOW_RENAME,
        user=user,
        label="Nhập hộ gia đình",
        params={"units": [unit.pk], "fail_at": 1},
        url="/nominations/",
    )
    assert job.status == JobStatus.FAILED
    return job


def _done(user: Any) -> Job:
    job = job_start(
        kind=SLOW_RENAME, user=user, label="Xuất bảng", params={"units": [OrgUnitFactory().pk]}
    )
    assert job.status == JobStatus.DONE
    return job


def _running(user: Any) -> Job:
    return Job.objects.create(
        kind=SLOW_RENAME,
        label="Đang đổi tên",
        started_by=user,
        status=JobStatus.RUNNING,
        progress_done=3,
        progress_total=12,
        token="t",
    )


def test_the_list_shows_running_jobs_first_and_the_menu_counts_them() -> None:
    user = UserFactory()
    done, running = _done(user), _running(user)
    foreign = _running(UserFactory())
    page = _client(user).get(reverse("jobs:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Đang đổi tên") < html.index("Xuất bảng")
    assert reverse("jobs:detail", args=[running.pk]) in html
    assert reverse("jobs:detail", args=[done.pk]) in html
    assert reverse("jobs:detail", args=[foreign.pk]) not in html
    assert "25%" in html
    assert "3 / 12" in html
    assert 'data-nav="jobs">Việc đang chạy <span class="badge"' in html
    assert 'data-testid="nav-count-jobs">1</span>' in html


def test_a_running_job_page_has_an_accessible_bar_and_follows_the_api() -> None:
    user = UserFactory()
    job = _running(user)
    html = _client(user).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert '<label for="job-progress">Tiến độ</label>' in html
    assert 'id="job-progress"' in html
    assert 'value="25"' in html
    assert 'role="status" aria-live="polite"' in html
    assert "Đang chạy: Đã xử lý 3 dòng (25%) · Tổng cộng 12 dòng" in html
    assert f'data-job-api="{reverse("api:job-detail", args=[job.pk])}"' in html
    assert "site/job-progress.js" in html
    assert 'id="job-texts" type="application/json"' in html
    assert "<script>" not in html  # no inline script (CSP)


def test_a_failed_job_shows_its_error_and_retry_refusals_are_clear(settings: Any) -> None:
    user = UserFactory()
    job = _failed(user)
    client = _client(user)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Row 1 is wrong." in html
    assert 'data-testid="job-retry"' in html
    assert 'href="/nominations/"' in html  # the job's subject
    # another user: the job does not exist for them, and nothing happens
    other = _client(UserFactory())
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert other.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.attempts == 1
    # the starter runs it again (it fails again at row 1)
    response = client.post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert "Việc đã được chạy lại." in response.content.decode()
    job.refresh_from_db()
    assert job.attempts == 2
    # a finished job cannot be run again: said on the page, nothing changed
    done = _done(user)
    response = client.post(reverse("jobs:retry", args=[done.pk]), follow=True)
    assert "Chỉ việc đã thất bại mới có thể chạy lại." in response.content.decode()
    done.refresh_from_db()
    assert (done.status, done.attempts) == (JobStatus.DONE, 1)


def test_with_redis_down_the_retry_page_says_the_queue_is_unavailable(
    dead_broker: None,
) -> None:
    user = UserFactory()
    job = Job.objects.create(
        kind=SLOW_RENAME, label="x", started_by=user, status=JobStatus.FAILED, token="t"
    )
    response = _client(user).post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert "Hàng đợi xử lý nền hiện không hoạt động" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.token) == (JobStatus.FAILED, "t")
    # the API says the same with 503
    answer = _api(user).post(reverse("api:job-retry", args=[job.pk]))
    assert answer.status_code == 503
    assert answer.json()["code"] == "job_queue_unavailable"


def test_the_download_gives_the_file_of_a_finished_job_only() -> None:
    user = UserFactory()
    done, failed = _done(user), _failed(user)
    client = _client(user)
    response = client.get(reverse("jobs:download", args=[done.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith(b"(renamed)")
    assert 'filename="renamed.csv"' in response["Content-Disposition"]
    assert client.get(reverse("jobs:download", args=[failed.pk])).status_code == 404
    assert _client(UserFactory()).get(reverse("jobs:download", args=[done.pk])).status_code == 404
    done.result_file.delete(save=False)  # removed from the storage meanwhile
    response = client.get(reverse("jobs:download", args=[done.pk]), follow=True)
    assert "Tệp kết quả của việc không còn được lưu" in response.content.decode()


def test_the_api_lists_and_shows_the_users_jobs_only() -> None:
    user = UserFactory()
    done, failed, running = _done(user), _failed(user), _running(user)
    foreign = _done(UserFactory())
    api = _api(user)
    listed = api.get("/api/jobs/").json()
    assert listed["count"] == 3
    assert {row["id"] for row in listed["results"]} == {done.pk, failed.pk, running.pk}
    only = api.get("/api/jobs/", {"status": "failed"}).json()
    assert [row["id"] for row in only["results"]] == [failed.pk]
    assert api.get("/api/jobs/", {"status": "nonsense"}).status_code == 400

    one = api.get(f"/api/jobs/{running.pk}/").json()
    assert one["status"] == "running"
    assert (one["percent"], one["progress_done"], one["progress_total"]) == (25, 3, 12)
    assert one["download_url"] is None
    finished = api.get(f"/api/jobs/{done.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert finished["status_label"] == "Finished"
    with override("en"):  # the address in the answer's language
        assert finished["download_url"] == reverse("jobs:download", args=[done.pk])
    assert finished["summary"] == "1 units renamed."
    assert finished["result"]["renamed"] == 1

    assert api.get(f"/api/jobs/{foreign.pk}/").status_code == 404
    assert api.post(f"/api/jobs/{foreign.pk}/retry/").status_code == 404
    refused = api.post(f"/api/jobs/{done.pk}/retry/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "job_not_retryable"
    again = api.post(f"/api/jobs/{failed.pk}/retry/")
    assert again.status_code == 202
    assert (again.json()["status"], again.json()["attempts"]) == ("failed", 2)
    assert APIClient().get("/api/jobs/").status_code == 401
