"""Every download keeps its Vietnamese name: ``Content-Disposition`` in the RFC 6266 form
(``filename*=utf-8''…``) with an ASCII ``filename`` fallback, ``attachment`` for downloads;
never Django's RFC 2047 ``=?utf-8?b?…?=``, which browsers ignore."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from rest_framework.test import APIClient

from approvals.downloads import ascii_filename, disposition, file_download, stream_download
from tests.demo.conftest import Demo, demo
from workflows.nominations.exports import download_name as dossier_file_name
from workflows.nominations.models import Dossier, DossierState
from workflows.plans import documents
from workflows.plans.models import Plan

__all__ = ["demo"]


def saved_name(header: str) -> str:
    """The name a browser saves under: ``filename*`` when present, else ``filename``."""
    extended = re.search(r"filename\*=utf-8''([^;]+)", header)
    if extended:
        return unquote(extended.group(1))
    plain = re.search(r'filename="([^"]*)"', header)
    assert plain, header
    return plain.group(1)


def assert_sent_as(response: Any, name: str, *, kind: str = "attachment") -> None:
    header = str(response["Content-Disposition"])
    header.encode("ascii")  # an RFC 2047 or raw UTF-8 header would not be plain ASCII
    assert "=?utf-8?" not in header.lower()
    assert header.split(";")[0] == kind
    assert saved_name(header) == name
    assert re.search(r'filename="[\x20-\x7e]+"', header)


def test_an_ascii_name_is_sent_plain() -> None:
    assert disposition("danh-sach-12.csv") == 'attachment; filename="danh-sach-12.csv"'
    assert disposition("a.pdf", as_attachment=False) == 'inline; filename="a.pdf"'


def test_a_vietnamese_name_is_sent_with_filename_star_and_an_ascii_fallback() -> None:
    header = disposition("ke-hoach-01-KH-LĐTĐ&XH.pdf")
    assert header == (
        'attachment; filename="ke-hoach-01-KH-LDTD-XH.pdf"; '
        "filename*=utf-8''ke-hoach-01-KH-L%C4%90T%C4%90%26XH.pdf"
    )
    assert saved_name(header) == "ke-hoach-01-KH-LĐTĐ&XH.pdf"


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Quyết định số 01/QĐ-UBND.docx", "Quyet-dinh-so-01-QD-UBND.docx"),
        ('đường "Đ" ;.xlsx', "duong-D.xlsx"),
        ("Ảnh.pdf", "Anh.pdf"),
        ("漢字", "download"),
    ],
)
def test_the_ascii_fallback_drops_accents_and_anything_unsafe(name: str, fallback: str) -> None:
    assert ascii_filename(name) == fallback


def test_responses_carry_the_header() -> None:
    response = file_download(b"x", "Danh sách Đông.csv", "text/csv")
    assert_sent_as(response, "Danh sách Đông.csv")
    preview = file_download(b"%PDF", "Kế hoạch.pdf", "application/pdf", as_attachment=False)
    assert_sent_as(preview, "Kế hoạch.pdf", kind="inline")
    streamed = stream_download(ContentFile(b"x", name="abc.bin"), "Phụ lục Đ.pdf", "x/y")
    assert_sent_as(streamed, "Phụ lục Đ.pdf")


@pytest.mark.django_db
def test_every_demo_download_keeps_its_name(demo: Demo) -> None:
    plan = Plan.objects.exclude(register_entry=None).get()
    symbol = plan.register_entry.symbol
    assert "Đ" in symbol  # the demo's steering committee: KH-BCĐ
    clerk = Client()
    clerk.force_login(demo.user("vanthu.vhttdl"))
    for fmt in ("pdf", "docx"):
        response = clerk.get(f"/plans/{plan.pk}/document.{fmt}")
        assert response.status_code == 200
        assert_sent_as(response, f"ke-hoach-{symbol.replace('/', '-')}.{fmt}")
    preview = clerk.get(f"/plans/{plan.pk}/document.pdf?preview=1")
    assert_sent_as(preview, documents.download_name(plan, "pdf"), kind="inline")

    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    number = dossier.register_entry.symbol
    assert "Đ" in number
    commune = Client()
    commune.force_login(demo.user("vanthu.tandinh"))
    for kind, path, formats in (
        ("quyet-dinh", "decision", ("pdf", "docx")),
        ("danh-sach", "list", ("xlsx", "csv")),
    ):
        for fmt in formats:
            response = commune.get(f"/nominations/{dossier.pk}/{path}.{fmt}")
            assert response.status_code == 200, (path, fmt)
            expected = f"{kind}-{number.replace('/', '-')}.{fmt}"
            assert dossier_file_name(dossier, kind, fmt) == expected
            assert_sent_as(response, expected)


@pytest.mark.django_db
def test_the_api_sends_the_same_names(demo: Demo) -> None:
    plan = Plan.objects.exclude(register_entry=None).get()
    clerk = APIClient()
    clerk.force_authenticate(user=demo.user("vanthu.vhttdl"))
    pdf = clerk.get(f"/api/plans/{plan.pk}/document/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert_sent_as(pdf, documents.download_name(plan, "pdf"))
    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    commune = APIClient()
    commune.force_authenticate(user=demo.user("vanthu.tandinh"))
    for path, kind, fmt in (
        ("decision/pdf", "quyet-dinh", "pdf"),
        ("decision/docx", "quyet-dinh", "docx"),
        ("recognised/xlsx", "danh-sach", "xlsx"),
        ("recognised/csv", "danh-sach", "csv"),
    ):
        response = commune.get(f"/api/dossiers/{dossier.pk}/{path}/")
        assert response.status_code == 200, path
        assert_sent_as(response, dossier_file_name(dossier, kind, fmt))
