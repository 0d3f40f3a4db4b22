"""The long works of the nomination pages run as background jobs (inline without a broker):
the household import, the meeting's votes from a sheet, the dashboard's XLSX export."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from approvals.audit.models import AuditEvent
from approvals.jobs.models import Job, JobStatus
from tests.nominations.web.conftest import page_text, refreshed, today
from tests.nominations.web.test_steps import meeting_data, url, votes_sheet
from workflows.nominations.dashboard import dashboard_for, dashboard_scope
from workflows.nominations.dashboard_export import dashboard_xlsx
from workflows.nominations.flow_actions import flow_open_tasks
from workflows.nominations.models import CandidateState, DossierState, Household, Meeting

pytestmark = pytest.mark.django_db


def kept_uploads() -> list[Path]:
    """The uploaded sheets waiting in the storage for a job."""
    folder = Path(settings.MEDIA_ROOT) / "jobs" / "in"
    return sorted(folder.iterdir()) if folder.exists() else []


def csv_file(text: str, name: str = "ho.csv") -> io.BytesIO:
    data = io.BytesIO(text.encode())
    data.name = name
    return data


# --- (a) the household import ----------------------------------------------------------------


def test_the_household_import_runs_as_a_job_that_writes_every_row(
    client, web, django_capture_on_commit_callbacks
):
    dossier = web.opened()
    client.force_login(web.c.village_head)
    rows = "".join(f"N{n:03},Hộ số {n},Xóm {n % 3}\n" for n in range(1, 151))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("households", dossier),
            {"file": csv_file("Mã hộ,Chủ hộ,Địa chỉ\n" + rows), "stage": "registration"},
            follow=True,
        )
    job = Job.objects.get()
    assert response.redirect_chain == [(reverse("jobs:detail", args=[job.pk]), 302)]
    assert (job.kind, job.status, job.started_by, job.unit) == (
        "nominations.households_import",
        JobStatus.DONE,
        web.c.village_head,
        web.c.village,
    )
    assert (job.subject_type, job.subject_id, job.url) == (
        "nominations.dossier",
        str(dossier.pk),
        url("detail", dossier),
    )
    assert web.c.village.name in job.label
    assert "ho.csv" in job.label
    assert (job.progress_done, job.progress_total, job.result["count"]) == (150, 150, 150)
    assert f"150 hộ gia đình vào {web.c.village.name}" in job.result["summary"]
    assert job.label in page_text(response)
    imported = Household.objects.filter(village=web.c.village, code__startswith="N")
    assert imported.count() == 150
    assert imported.get(code="N007").address == "Xóm 1"
    event = AuditEvent.objects.get(action="nominations.import_households")
    assert (event.actor, event.payload["count"]) == (web.c.village_head, 150)
    assert kept_uploads() == []  # the sheet is deleted once imported


def test_a_household_sheet_with_bad_rows_fails_its_job_naming_them_and_writes_nothing(client, web):
    dossier = web.opened()
    client.force_login(web.c.village_head)
    before = Household.objects.count()
    sheet = "Mã hộ,Chủ hộ\nN001,Trần Văn An\nN002,\nN001,Lê Thị Bình\n"
    response = client.post(
        url("households", dossier), {"file": csv_file(sheet), "stage": "registration"}, follow=True
    )
    job = Job.objects.get()
    assert (job.kind, job.status) == ("nominations.households_import", JobStatus.FAILED)
    assert "2 lỗi" in job.error
    assert "Dòng 3, cột “Chủ hộ”" in job.error
    assert "Dòng 4, cột “Mã hộ”" in job.error
    text = page_text(response)
    assert "Dòng 3, cột “Chủ hộ”" in text
    assert "Dòng 4, cột “Mã hộ”" in text
    assert Household.objects.count() == before
    assert not AuditEvent.objects.filter(action="nominations.import_households").exists()
    assert kept_uploads() == []  # the same sheet would be refused again: not kept


def test_someone_without_the_right_cannot_start_the_household_import(client, web):
    dossier = web.opened()
    client.force_login(web.secretary)  # the province's committee sees it, registers nothing
    response = client.post(
        url("households", dossier),
        {"file": csv_file("Mã hộ,Chủ hộ\nN001,Trần Văn An\n"), "stage": "registration"},
    )
    assert response.status_code == 403
    assert 'data-testid="refusal"' in page_text(response)
    assert not Job.objects.exists()
    assert kept_uploads() == []
    assert not Household.objects.filter(code="N001").exists()


# --- (b) the meeting's votes from a sheet ---------------------------------------------------


def sheet_data(dossier, sheet) -> dict[str, object]:
    data: dict[str, object] = {
        k: v for k, v in meeting_data(dossier).items() if not k.startswith("vote_")
    }
    data["votes_file"] = sheet
    return data


def test_the_votes_sheet_is_read_by_a_job_that_records_the_meeting(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    response = client.post(url("meeting", dossier), sheet_data(dossier, votes_sheet(dossier, {})))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.progress_done, job.progress_total) == (
        "nominations.votes_import",
        JobStatus.DONE,
        12,
        12,
    )
    assert (job.subject_id, job.unit, job.url) == (
        str(dossier.pk),
        web.c.village,
        url("detail", dossier),
    )
    assert "phieu-bau.xlsx" in job.label
    meeting = Meeting.objects.get(dossier=dossier)
    assert job.result == {
        "meeting": meeting.pk,
        "quorate": True,
        "summary": "Đã ghi kết quả họp bình xét.",
    }
    assert refreshed(dossier).state == DossierState.MEETING
    assert dossier.candidates.filter(state=CandidateState.VOTED, votes_for=15).count() == 12


def test_a_votes_sheet_with_a_bad_row_fails_its_job_naming_it_and_changes_nothing(client, web):
    dossier = web.registered()
    client.force_login(web.c.village_head)
    codes = list(dossier.candidates.order_by("household__code").values_list("household__code"))
    sheet = votes_sheet(dossier, {codes[2][0]: 99})  # more votes than the 15 present
    response = client.post(url("meeting", dossier), sheet_data(dossier, sheet), follow=True)
    job = Job.objects.get()
    assert (job.kind, job.status) == ("nominations.votes_import", JobStatus.FAILED)
    assert "Dòng 4, cột “Số phiếu đồng ý”" in job.error
    assert "Dòng 4, cột “Số phiếu đồng ý”" in page_text(response)
    assert refreshed(dossier).state == DossierState.REGISTRATION
    assert not Meeting.objects.exists()
    assert not dossier.candidates.filter(votes_for__isnull=False).exists()
    assert [t.flow_task.name for t in flow_open_tasks(dossier)] == ["registration"]
    assert kept_uploads() == []


def test_someone_without_the_right_cannot_start_the_votes_import(client, web):
    dossier = web.registered()
    client.force_login(web.c.officer)
    response = client.post(url("meeting", dossier), sheet_data(dossier, votes_sheet(dossier, {})))
    assert response.status_code == 403
    assert 'data-testid="refusal"' in page_text(response)
    assert not Job.objects.exists()
    assert kept_uploads() == []
    assert refreshed(dossier).state == DossierState.REGISTRATION


def test_a_votes_sheet_is_refused_in_its_form_when_the_dossier_waits_for_no_meeting(client, web):
    dossier = web.submitted()  # its meeting is long past
    client.force_login(web.c.village_head)
    data = sheet_data(dossier, votes_sheet(dossier, {}))
    del data["stage"]  # a script's request: no page seen, so no stale page refused
    response = client.post(url("meeting", dossier), data)
    assert response.status_code == 403
    assert "không chờ họp bình xét" in page_text(response)
    assert not Job.objects.exists()


# --- (c) the dashboard's XLSX export --------------------------------------------------------


def values(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_export_job_writes_the_board_the_user_sees_with_its_filters(client, web):
    web.submitted()
    client.force_login(web.secretary)
    filters = {"unit": str(web.c.commune.pk), "year": str(today().year)}
    page = page_text(client.get(reverse("nominations:dashboard"), filters))
    assert 'data-action="export"' in page
    export = reverse("nominations:dashboard_export") + f"?unit={web.c.commune.pk}"
    response = client.post(f"{export}&year={today().year}", follow=True)
    job = Job.objects.get()
    assert response.redirect_chain == [(reverse("jobs:detail", args=[job.pk]), 302)]
    assert (job.kind, job.status, job.started_by, job.unit) == (
        "nominations.dashboard_export",
        JobStatus.DONE,
        web.secretary,
        web.c.commune,
    )
    assert job.params["filters"] == filters
    assert (
        job.url == f"{reverse('nominations:dashboard')}?unit={web.c.commune.pk}&year={today().year}"
    )
    assert web.c.commune.name in job.label
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.result_name == f"bang-dieu-khien-{today():%Y%m%d}.xlsx"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    written = values(b"".join(download.streaming_content))
    # the very board of the page: the same selectors, as the secretary, with the filters
    scope = dashboard_scope(user=web.secretary, day=today(), filters=filters)
    board = dashboard_for(user=web.secretary, day=today(), scope=scope)
    assert written == values(dashboard_xlsx(board))
    assert len(written[next(iter(written))]) == 2  # header + the submitted dossier
    shares = written[list(written)[2]]
    assert web.c.village.name in {row[2] for row in shares}  # the commune's villages


def test_the_export_of_a_unit_out_of_reach_or_by_a_stranger_starts_no_job(client, web):
    export = reverse("nominations:dashboard_export")
    assert client.post(export).status_code == 302  # to the sign-in page
    client.force_login(web.c.officer)
    response = client.post(f"{export}?unit={web.c.org.commune_y.pk}")
    assert response.status_code == 404
    assert client.get(export).status_code == 405  # starting a job takes a POST
    assert not Job.objects.exists()
