"""Files attached to a draft: checked by content and size, stored by hash, served only to
those who may open the plan, as downloads; every change audited."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from approvals.audit.models import AuditEvent
from tests.demo.conftest import Demo, demo
from tests.documents.samples import attachment_pdf
from tests.plans.web.test_plan_pages import client_for, form_data
from workflows.plans.models import Plan, PlanAttachment

__all__ = ["demo"]

pytestmark = pytest.mark.django_db

PDF = attachment_pdf()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def draft(demo: Demo, tmp_path: Any) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        drafter = client_for(demo, "chuyenvien.vp.ldtbxh")
        drafter.post("/plans/new/", form_data(demo))
        yield drafter, Plan.objects.get(subject_summary="Thực hiện Phong trào trong ngành năm nay")


def upload(client: Client, plan: Plan, name: str, data: bytes) -> list[str]:
    response = client.post(
        f"/plans/{plan.pk}/attachments/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"] if "error" in m.tags]


def test_a_pdf_and_a_docx_are_attached_and_downloaded(draft: Any, demo: Demo) -> None:
    drafter, plan = draft
    assert upload(drafter, plan, "phu-luc.pdf", PDF) == []
    assert upload(drafter, plan, "bang-so-lieu.docx", docx_bytes()) == []
    files = list(plan.attachments.order_by("pk"))
    assert [(f.original_name, f.extension, f.size) for f in files] == [
        ("phu-luc.pdf", "pdf", len(PDF)),
        ("bang-so-lieu.docx", "docx", len(docx_bytes())),
    ]
    assert files[0].file.name == f"plans/{plan.pk}/{files[0].sha256}.pdf"
    response = drafter.get(f"/plans/{plan.pk}/attachments/{files[0].pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        subject_type="plans.plan", subject_id=str(plan.pk), content_hash=files[0].sha256
    ).exists()


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("script.html", b"<script>alert(1)</script>", "html"),
        ("virus.exe", b"MZ\x90\x00", "exe"),
        ("fake.pdf", b"<html>not a pdf</html>", "PDF"),
        ("fake.docx", b"PK\x03\x04not really a zip", "DOCX"),
        ("empty.pdf", b"", ""),
    ],
)
def test_a_file_whose_type_or_content_is_wrong_is_refused(
    draft: Any, name: str, data: bytes, problem: str
) -> None:
    drafter, plan = draft
    events = AuditEvent.objects.count()
    texts = upload(drafter, plan, name, data)
    assert texts
    assert problem in texts[0]
    assert not PlanAttachment.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_file_over_the_size_cap_is_refused(draft: Any) -> None:
    drafter, plan = draft
    with override_settings(PLAN_ATTACHMENT_MAX_BYTES=1024):
        texts = upload(drafter, plan, "big.pdf", PDF + b"0" * 2048)
    assert "MB" in texts[0]
    assert not PlanAttachment.objects.exists()


def test_others_cannot_attach_download_or_remove(draft: Any, demo: Demo) -> None:
    drafter, plan = draft
    upload(drafter, plan, "phu-luc.pdf", PDF)
    attachment = plan.attachments.get()
    outsider = client_for(demo, "vanthu.vhttdl")
    assert outsider.get(f"/plans/{plan.pk}/attachments/{attachment.pk}/").status_code == 404
    assert outsider.post(f"/plans/{plan.pk}/attachments/{attachment.pk}/remove/").status_code == 404
    head = client_for(demo, "cvp.ldtbxh")  # may open the plan, but is not its drafter
    texts = upload(head, plan, "x.pdf", PDF)
    assert texts
    assert plan.attachments.count() == 1
    drafter.post(f"/plans/{plan.pk}/attachments/{attachment.pk}/remove/")
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert drafter.get(f"/plans/{plan.pk}/attachments/{attachment.pk}/").status_code == 404


def test_a_damaged_pdf_is_refused_at_upload_because_the_agency_signs_it_at_issue(
    draft: Any,
) -> None:
    """A file that starts like a PDF but cannot be read is refused with the reason."""
    drafter, plan = draft
    events = AuditEvent.objects.count()
    damaged = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    texts = upload(drafter, plan, "phu-luc.pdf", damaged)
    assert texts
    assert "phu-luc.pdf" in texts[0]
    assert not PlanAttachment.objects.exists()
    assert AuditEvent.objects.count() == events
