"""A recognition decision issued on paper, recorded after the fact by the records clerk.

The signer's authority is judged on the day the paper was signed, no number is taken from a
register, and the dossier says everywhere that its decision was recorded after the fact.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from rest_framework.test import APIClient

from approvals.acts import ActDateRefused
from approvals.audit.models import AuditEvent
from approvals.exceptions import InvalidSymbol, ValidationFailed
from approvals.organisation.models import Position, Role
from approvals.registers.models import DocumentKind, Register, RegisterEntry
from approvals.registers.services import number_issue
from tests.factories import PositionFactory, UserFactory
from tests.nominations.conftest import Commune
from workflows.nominations.flow_actions import (
    flow_accept,
    flow_meeting,
    flow_open_posting,
    flow_paper_decision,
    flow_register,
    flow_start,
    flow_submit,
)
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState
from workflows.nominations.paper_models import PaperDecision
from workflows.nominations.services import PAPER_DECISION, PaperSignerRefused, dossier_create

pytestmark = pytest.mark.django_db
D = datetime.date

SIGNED = D(2026, 10, 28)
TERM_ENDED = D(2026, 10, 31)
TODAY = D(2026, 11, 20)


def scan(name: str = "qd-12.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def awaiting_decision(c: Commune, clock: Any) -> Dossier:
    """A Gia đình văn hóa dossier taken, each act on its day, to the deciding level."""
    clock.to(D(2026, 10, 1))
    dossier = dossier_create(
        user=c.village_head,
        title="cultural_family",
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    flow_start(dossier, c.village_head)
    flow_register(dossier, c.village_head, households=c.households, on=D(2026, 10, 1))
    clock.to(D(2026, 10, 12))
    flow_meeting(
        dossier,
        c.front_head,
        held_on=D(2026, 10, 12),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    clock.to(D(2026, 10, 13))
    flow_open_posting(dossier, c.village_head, on=D(2026, 10, 13))
    clock.to(D(2026, 10, 26))
    flow_submit(dossier, c.village_head, on=D(2026, 10, 26))
    flow_accept(dossier, c.officer)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    return dossier


def chairman_term_ended(c: Commune) -> Any:
    """The chairman who signed on 28/10 left office on 31/10; a successor took over."""
    position = c.org.p_chairman_x
    position.valid_to = TERM_ENDED
    position.save(update_fields=["valid_to"])
    successor = UserFactory(username="ct_x_moi", first_name="Tâm", last_name="Đặng Minh")
    PositionFactory(
        user=successor,
        unit=c.commune,
        role=Role.objects.get(code="commune_chairman"),
        valid_from=TERM_ENDED + datetime.timedelta(days=1),
    )
    return successor


def footprint(dossier: Dossier) -> tuple[Any, ...]:
    return (
        Dossier.objects.values("state", "signature", "register_entry").get(pk=dossier.pk),
        sorted(Candidate.objects.filter(dossier=dossier).values_list("pk", "state")),
        PaperDecision.objects.count(),
        RegisterEntry.objects.count(),
        list(Register.objects.order_by("pk").values_list("pk", "next_number")),
        AuditEvent.objects.count(),
    )


def record(c: Commune, dossier: Dossier, **kwargs: Any) -> PaperDecision:
    fields: dict[str, Any] = {
        "number": 12,
        "signed_on": SIGNED,
        "signer": c.chairman,
        "scan": scan(),
        "note": "Nhập từ bản giấy lưu tại văn thư.",
    }
    fields.update(kwargs)
    return flow_paper_decision(dossier, c.clerk, **fields)


def test_a_paper_decision_signed_by_a_chairman_since_replaced_is_recorded(commune, clock):
    c = commune
    dossier = awaiting_decision(c, clock)
    chairman_term_ended(c)
    registers = list(Register.objects.order_by("pk").values_list("pk", "next_number"))
    clock.to(TODAY)
    paper = record(c, dossier)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert (dossier.signature_id, dossier.register_entry_id) == (None, None)
    assert (paper.symbol, paper.number, paper.signed_on) == ("12/QĐ-UBND", 12, SIGNED)
    assert paper.signer == c.chairman
    assert paper.signer_position == c.org.p_chairman_x
    assert "CHỦ TỊCH" in paper.signer_title
    assert paper.recorded_by == c.clerk
    assert paper.recorded_at.date() == TODAY
    assert paper.scan.read().startswith(b"%PDF-")
    # every proposed household is recognised, counted as the in-system decision counts them
    states = set(dossier.candidates.values_list("state", "consecutive_years"))
    assert states == {(CandidateState.RECOGNISED, 1)}
    # nothing was numbered: no entry, no register moved on
    assert RegisterEntry.objects.count() == 0
    assert list(Register.objects.order_by("pk").values_list("pk", "next_number")) == registers
    # the audit trail marks it as recorded after the fact
    event = AuditEvent.objects.filter(action=PAPER_DECISION, to_state=DossierState.DECIDED).get()
    assert event.payload["recorded_after_the_fact"] is True
    assert event.payload["signed_on"] == "2026-10-28"
    assert event.payload["number"] == 12
    assert event.payload["symbol"] == "12/QĐ-UBND"
    assert event.payload["signer"] == "Hoàng Văn Sơn"
    assert event.payload["recorded_at"].startswith("2026-11-20")
    assert event.actor_id == c.clerk.pk


def test_a_signer_who_did_not_hold_the_position_on_the_day_is_refused(commune, clock):
    c = commune
    dossier = awaiting_decision(c, clock)
    successor = chairman_term_ended(c)
    clock.to(TODAY)
    before = footprint(dossier)
    with pytest.raises(PaperSignerRefused) as exc:
        record(c, dossier, signer=successor)
    message = str(exc.value)
    assert "28/10/2026" in message
    assert "Đặng Minh Tâm" in message
    assert footprint(dossier) == before
    # the same with the position named: held only from 01/11/2026
    with pytest.raises(PaperSignerRefused) as exc:
        record(c, dossier, signer=Position.objects.get(user=successor))
    assert "28/10/2026" in str(exc.value)
    assert "01/11/2026" in str(exc.value)
    assert footprint(dossier) == before


def test_a_paper_decision_dated_in_the_future_is_refused(commune, clock):
    c = commune
    dossier = awaiting_decision(c, clock)
    clock.to(TODAY)
    before = footprint(dossier)
    with pytest.raises(ActDateRefused) as exc:
        record(c, dossier, signed_on=TODAY + datetime.timedelta(days=1))
    assert "21/11/2026" in str(exc.value)
    assert "20/11/2026" in str(exc.value)
    # nor before the dossier reached the deciding level
    with pytest.raises(ActDateRefused) as exc:
        record(c, dossier, signed_on=D(2026, 10, 20))
    assert "26/10/2026" in str(exc.value)
    assert footprint(dossier) == before


def test_a_number_already_issued_by_the_register_of_that_year_is_refused(commune, clock):
    c = commune
    dossier = awaiting_decision(c, clock)
    clock.to(D(2026, 10, 27))
    entry = number_issue(
        agency=c.commune,
        kind=DocumentKind.objects.get(code="decision"),
        issued_on=D(2026, 10, 27),
        user=c.clerk,
        subject_summary="Quyết định khác",
    )
    clock.to(TODAY)
    before = footprint(dossier)
    with pytest.raises(ValidationFailed) as exc:
        record(c, dossier, number=entry.number)
    assert entry.symbol in str(exc.value)
    assert footprint(dossier) == before
    # a symbol that is not a decision of the deciding unit is refused too
    with pytest.raises(InvalidSymbol) as wrong:
        record(c, dossier, symbol="12/KH-UBND")
    assert "QĐ-UBND" in str(wrong.value)
    assert footprint(dossier) == before


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_clerk_records_it_through_the_api_and_it_is_marked_everywhere(commune, clock):
    from openpyxl import load_workbook

    from workflows.nominations.exports import recognised_xlsx

    c = commune
    dossier = awaiting_decision(c, clock)
    chairman_term_ended(c)
    clock.to(TODAY)
    url = f"/api/dossiers/{dossier.pk}"
    body = {
        "number": "12",
        "signed_on": "2026-10-28",
        "signer_position": str(c.org.p_chairman_x.pk),
        "scan": scan(),
        "note": "Bản giấy lưu tại văn thư",
    }
    response = api(c.clerk).post(f"{url}/paper-decision/", body, format="multipart")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["state"] == "decided"
    assert data["decision_on_paper"] is True
    paper = data["paper_decision"]
    assert paper["recorded_after_the_fact"] is True
    assert (paper["symbol"], paper["signed_on"]) == ("12/QĐ-UBND", "2026-10-28")
    assert paper["signer_name"] == "Hoàng Văn Sơn"
    assert paper["recorded_at"].startswith("2026-11-20")
    # the audit trail through the API
    trail = api(c.clerk).get(f"{url}/audit/").json()
    events = trail["results"] if isinstance(trail, dict) else trail
    paper_events = [e for e in events if e["action"] == PAPER_DECISION]
    assert paper_events
    assert paper_events[0]["payload"]["recorded_after_the_fact"] is True
    assert paper_events[0]["payload"]["signed_on"] == "2026-10-28"
    # the dossier's page
    c_client = page_client(c.clerk)
    html = c_client.get(f"/nominations/{dossier.pk}/").content.decode()
    assert 'data-testid="recorded-after-the-fact"' in html
    assert "12/QĐ-UBND" in html
    assert "Nhập quyết định đã ban hành trên giấy" in html  # the history names the action
    # the recognised list's export
    sheet = load_workbook(io.BytesIO(recognised_xlsx(dossier))).active
    heading = [sheet.cell(row=r, column=1).value for r in range(1, 5)]
    assert "Kèm theo Quyết định số 12/QĐ-UBND ngày 28/10/2026" in heading[2]
    assert heading[3] == ("(Nhập sau từ quyết định giấy ký ngày 28/10/2026, nhập ngày 20/11/2026)")
    # the decision's PDF is the scan
    pdf = api(c.clerk).get(f"{url}/decision/pdf/")
    assert pdf.status_code == 200
    assert PaperDecision.objects.get().scan_sha256 == pdf["X-Content-SHA256"]
    docx = api(c.clerk).get(f"{url}/decision/docx/")
    assert docx.status_code == 200
    # entered once: a second entry is refused with the state, nothing changed
    before = footprint(dossier)
    again = api(c.clerk).post(
        f"{url}/paper-decision/", {**body, "number": "13", "scan": scan()}, format="multipart"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "wrong_state"
    assert footprint(dossier) == before


def test_a_role_without_the_action_is_refused_through_the_api_and_nothing_changes(commune, clock):
    c = commune
    dossier = awaiting_decision(c, clock)
    clock.to(TODAY)
    before = footprint(dossier)
    body = {
        "number": "12",
        "signed_on": "2026-10-28",
        "signer": str(c.chairman.pk),
        "scan": scan(),
    }
    for user in (c.officer, c.chairman):
        response = api(user).post(
            f"/api/dossiers/{dossier.pk}/paper-decision/",
            {**body, "scan": scan()},
            format="multipart",
        )
        assert response.status_code == 403, response.json()
        assert "Nhập quyết định đã ban hành trên giấy" in response.json()["message"]
    assert footprint(dossier) == before
    # a future date through the API: 400 with the reason, nothing changed
    response = api(c.clerk).post(
        f"/api/dossiers/{dossier.pk}/paper-decision/",
        {**body, "signed_on": "2026-12-01", "scan": scan()},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "act_date_refused"
    assert "01/12/2026" in response.json()["message"]
    assert footprint(dossier) == before


def test_the_page_offers_the_form_to_the_clerk_and_records_it(commune, clock):
    c = commune
    dossier = awaiting_decision(c, clock)
    clock.to(TODAY)
    client = page_client(c.clerk)
    detail = client.get(f"/nominations/{dossier.pk}/").content.decode()
    assert 'data-action="paper-decision"' in detail
    form = client.get(f"/nominations/{dossier.pk}/paper-decision/")
    assert form.status_code == 200
    assert "Hoàng Văn Sơn" in form.content.decode()  # the chairman is offered as signer
    response = client.post(
        f"/nominations/{dossier.pk}/paper-decision/",
        {
            "number": "7",
            "symbol": "",
            "signed_on": "28/10/2026",
            "signer": str(c.org.p_chairman_x.pk),
            "scan": scan(),
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED
    assert PaperDecision.objects.get().symbol == "07/QĐ-UBND"
    # the chairman is not offered the form
    other = page_client(c.chairman).get(f"/nominations/{dossier.pk}/paper-decision/")
    assert other.status_code == 200
    assert 'data-testid="refusal"' in other.content.decode()


def page_client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- the decision cites the meeting whose votes it rests on (issue 24, point 4) -------------


def test_the_decision_to_sign_cites_the_review_meeting_with_its_attendance(commune, clock):
    import json

    from pypdf import PdfReader

    from approvals.organisation.resolver import require
    from workflows.nominations.decision_pdf import decision_to_sign
    from workflows.nominations.exports import decision_layout
    from workflows.nominations.recognition import decision_content
    from workflows.nominations.services import DECIDE

    c = commune
    dossier = awaiting_decision(c, clock)
    clock.to(D(2026, 10, 27))
    citation = (
        "Căn cứ Biên bản họp bình xét của Thôn Hạ ngày 12/10/2026 (có mặt 32/40 người được "
        "mời, do Ngô Văn Bình chủ trì);"
    )
    basis = decision_layout(dossier).sections[0].paragraphs
    assert citation in basis
    assert basis[-1].endswith("và kết quả bình xét ngày 12/10/2026.")
    # what the chairman's signature covers names the meeting and its attendance
    content = json.loads(decision_content(dossier))
    assert content["meeting"] == {
        "id": dossier.meeting_id,
        "held_on": "2026-10-12",
        "invited": 40,
        "present": 32,
        "chaired_by": "Ngô Văn Bình",
    }
    # and the PDF the chairman signs prints it
    authority = require(c.chairman, DECIDE, dossier, unit=dossier.deciding_unit)
    document = decision_to_sign(dossier, authority=authority, signer=c.chairman)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document.pdf)).pages)
    flat = " ".join(text.split())
    assert "Căn cứ Biên bản họp bình xét của Thôn Hạ ngày 12/10/2026" in flat
    assert "có mặt 32/40 người được mời" in flat
