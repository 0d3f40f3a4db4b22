"""Issue 25, items 1 and 2 in Chromium on the demo: people's names family name first in the
header, "Đang ở" and the history; every download button saves its file under its Vietnamese
name (the PDF downloaded, not opened inline)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from approvals.people import person_name
from tests.e2e.conftest import Session
from workflows.nominations.exports import download_name as dossier_file_name
from workflows.nominations.models import Dossier, DossierState
from workflows.plans import documents
from workflows.plans.models import Plan, PlanState

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_as(browser: Any, full_demo_site: str, request: pytest.FixtureRequest) -> Any:
    contexts: list[Any] = []

    def make(username: str) -> Session:
        context = browser.new_context(
            locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        session = Session(page, full_demo_site, f"{request.node.name}-{username}")
        session.login(username)
        return session

    yield make
    for context in contexts:
        context.close()


def name_of(username: str) -> str:
    return person_name(get_user_model().objects.get(username=username))


def test_names_are_family_name_first_in_the_header_with_and_the_history(open_as: Any) -> None:
    assert name_of("cvp.ldtbxh") == "Hoàng Văn Dũng"
    assert name_of("chuyenvien.vp.ldtbxh") == "Trần Thu Trang"
    head = open_as("cvp.ldtbxh")
    assert head.page.locator("[data-testid=current-user]").inner_text() == "Hoàng Văn Dũng"
    plan = Plan.objects.get(state=PlanState.DIVISION_REVIEW)
    head.go(f"/plans/{plan.pk}/")
    holders = head.page.locator("[data-testid=holders]").inner_text()
    assert holders.startswith("Đang ở: Hoàng Văn Dũng (")
    history = head.page.locator("[data-testid=history]").inner_text()
    assert "Trần Thu Trang" in history
    assert "Người soạn thảo Trần Thu Trang," in head.page.locator("body").inner_text()
    for wrong in ("Dũng Hoàng Văn", "Trang Trần Thu"):
        assert wrong not in head.page.content()
    head.shot("plan")

    drafter = open_as("chuyenvien.vp.ldtbxh")
    assert drafter.page.locator("[data-testid=current-user]").inner_text() == "Trần Thu Trang"

    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    clerk = open_as("vanthu.tandinh")
    clerk.go(f"/nominations/{dossier.pk}/")
    chairman = name_of("chutich.tandinh")
    content = clerk.page.content()
    assert chairman in content
    user = get_user_model().objects.get(username="chutich.tandinh")
    assert f"{user.first_name} {user.last_name}" not in content
    clerk.shot("dossier")


def download(session: Any, selector: str) -> str:
    with session.page.expect_download() as info:
        session.page.click(selector)
    return str(info.value.suggested_filename)


def test_every_download_button_saves_the_vietnamese_name(open_as: Any) -> None:
    plan = Plan.objects.exclude(register_entry=None).get()
    assert "Đ" in plan.register_entry.symbol
    clerk = open_as("vanthu.vhttdl")
    clerk.go(f"/plans/{plan.pk}/")
    for fmt in ("pdf", "docx"):
        saved = download(clerk, f"a.button[href$='/document.{fmt}']")
        assert saved == documents.download_name(plan, fmt)
        assert "Đ" in saved

    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    assert "Đ" in dossier.register_entry.symbol
    commune = open_as("vanthu.tandinh")
    commune.go(f"/nominations/{dossier.pk}/")
    for kind, path, fmt in (
        ("quyet-dinh", "decision", "pdf"),
        ("quyet-dinh", "decision", "docx"),
        ("danh-sach", "list", "xlsx"),
        ("danh-sach", "list", "csv"),
    ):
        saved = download(commune, f"a.button[href$='/{path}.{fmt}']")
        assert saved == dossier_file_name(dossier, kind, fmt)
        assert "Đ" in saved
    commune.shot("after-downloads")
