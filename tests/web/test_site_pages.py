"""The site's own pages: the start page's counts, the signing inbox across processes (with
decisions signed in bulk) and the registers page (numbers issued and voided)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from approvals.audit.models import AuditEvent
from approvals.registers.models import EntryStatus, RegisterEntry
from tests.nominations.conftest import DAY as D
from tests.nominations.conftest import commune
from tests.nominations.test_flow import walk_to_decision
from tests.nominations.timeline import timeline, today_is  # noqa: F401  (fixture)
from workflows.nominations.models import DossierState

__all__ = ["commune"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_chairman_signs_decisions_in_bulk_from_the_inbox(commune: Any) -> None:
    today = timezone.localdate()
    dossier = walk_to_decision(commune)  # its acts on their days of October 2026
    today_is(today)
    chairman = client_for(commune.chairman)
    page = chairman.get("/sign/")
    assert [d.pk for d in page.context["decisions"]] == [dossier.pk]
    assert page.context["decisions"][0].candidate_count == len(commune.households)
    home = chairman.get("/")
    assert home.context["work"]["to_sign"] == 1

    # the decision's time limit (counted from October 2026) has passed today: without a
    # reason it is refused, with one it is signed
    response = chairman.post("/sign/decisions/", {"dossier": [dossier.pk]}, follow=True)
    dossier.refresh_from_db()
    assert dossier.signature_id is None
    assert any("lý do" in str(m) for m in response.context["messages"])
    response = chairman.post(
        "/sign/decisions/",
        {"dossier": [dossier.pk, 999999], "late_reason": "Chờ bổ sung xác minh"},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("999999" in t for t in texts)  # the unknown one is named, the other signed
    dossier.refresh_from_db()
    assert dossier.signature_id is not None
    assert dossier.state == DossierState.DECISION  # signed, waiting for its number
    assert chairman.get("/sign/").context["decisions"] == []


def test_someone_else_cannot_sign_the_decision_from_the_inbox(commune: Any) -> None:
    dossier = walk_to_decision(commune)
    officer = client_for(commune.officer)
    assert officer.get("/sign/").context["decisions"] == []
    events = AuditEvent.objects.count()
    response = officer.post("/sign/decisions/", {"dossier": [dossier.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]]
    dossier.refresh_from_db()
    assert dossier.signature_id is None
    assert AuditEvent.objects.count() == events


def test_the_clerk_sees_the_register_and_voids_a_number_with_a_reason(commune: Any) -> None:
    from workflows.nominations.flow_actions import flow_decide, flow_issue_decision

    dossier = walk_to_decision(commune)
    today_is(D(2026, 10, 20))
    flow_decide(dossier, commune.chairman, on=D(2026, 10, 20))
    today_is(D(2026, 10, 21))
    flow_issue_decision(dossier, commune.clerk, on=D(2026, 10, 21))
    dossier.refresh_from_db()
    entry = RegisterEntry.objects.get(pk=dossier.register_entry_id)
    clerk = client_for(commune.clerk)
    page = clerk.get(f"/registers/?register={entry.register_id}")
    assert [e.pk for e in page.context["page"]] == [entry.pk]
    assert page.context["can_void"]
    # a void needs a reason: refused in the page, nothing changes
    response = clerk.post(f"/registers/entries/{entry.pk}/void/", {"reason": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ISSUED
    clerk.post(f"/registers/entries/{entry.pk}/void/", {"reason": "Sai ngày ký"}, follow=True)
    entry.refresh_from_db()
    assert (entry.status, entry.void_reason) == (EntryStatus.VOID, "Sai ngày ký")


def test_registers_of_other_agencies_answer_404(commune: Any) -> None:
    from workflows.nominations.flow_actions import flow_decide, flow_issue_decision

    dossier = walk_to_decision(commune)
    today_is(D(2026, 10, 20))
    flow_decide(dossier, commune.chairman, on=D(2026, 10, 20))
    today_is(D(2026, 10, 21))
    flow_issue_decision(dossier, commune.clerk, on=D(2026, 10, 21))
    dossier.refresh_from_db()
    entry = RegisterEntry.objects.get(pk=dossier.register_entry_id)
    village_head = client_for(commune.village_head)
    assert village_head.get(f"/registers/?register={entry.register_id}").status_code == 404
    assert (
        village_head.post(f"/registers/entries/{entry.pk}/void/", {"reason": "x"}).status_code
        == 404
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ISSUED
