"""The recognition decision's digital signatures: the chairman's, then the commune's seal;
batch signing (ký hàng loạt) with one opening of the key.

Validated with pyHanko's own validator against the test PKI's root, not the project's code.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
from io import StringIO

import pypdf
import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from approvals.audit.models import AuditEvent
from approvals.calendar.models import Deadline
from approvals.signing import documents as signing_documents
from approvals.signing.enrol import PASSPHRASE_ENV, enrol_test_credential, open_test_pki
from approvals.signing.exceptions import SigningRefused
from approvals.signing.models import SignedFile, SignedStage
from approvals.signing.trust import known_crls
from tests.nominations.conftest import Commune
from tests.nominations.test_dashboard import to_submitted, village
from tests.nominations.timeline import today_is
from workflows.nominations import esign
from workflows.nominations.flow_actions import flow_start
from workflows.nominations.models import CandidateState, Dossier, DossierState
from workflows.nominations.services import decision_issue, dossier_accept, dossier_decide

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]

D = datetime.date
SIGNED_ON = D(2026, 10, 20)


def _context() -> ValidationContext:
    _kind, _headers, der = pem.unarmor(open_test_pki().root_pem())
    root = asn1_x509.Certificate.load(der)
    return ValidationContext(trust_roots=[root], crls=known_crls(), allow_fetching=False)


def _signatures(data: bytes) -> list:
    return list(PdfFileReader(io.BytesIO(data)).embedded_regular_signatures)


def _valid(data: bytes, *, fields: tuple[str, ...]) -> None:
    signatures = _signatures(data)
    assert [s.field_name for s in signatures] == list(fields)
    for embedded in signatures:
        status = validate_pdf_signature(embedded, _context())
        assert status.intact, status.pretty_print_details()
        assert status.valid
        assert status.trusted
        assert status.docmdp_ok is not False


def _accepted(c: Commune, unit=None, head=None) -> Dossier:
    dossier = to_submitted(unit or c.village, head or c.village_head)
    dossier_accept(dossier=dossier, user=c.officer)
    return dossier


def _stored(dossier: Dossier, stage: str) -> SignedFile | None:
    return SignedFile.objects.filter(
        subject_type=esign.SUBJECT, subject_id=str(dossier.pk), stage=stage
    ).first()


def test_an_issued_decision_carries_the_chairmans_and_the_communes_signature(
    commune, client, tmp_path
):
    c = commune
    dossier = _accepted(c)
    today_is(SIGNED_ON)
    dossier_decide(dossier=dossier, user=c.chairman, on=SIGNED_ON)
    dossier.refresh_from_db()
    signed = _stored(dossier, SignedStage.SIGNED)
    # the signature record covers the signed PDF
    assert signed is not None
    assert dossier.signature.content_sha256 == signed.sha256
    _valid(signed.read(), fields=(esign.SIGNER_FIELD,))
    decision_issue(dossier=dossier, user=c.clerk, on=SIGNED_ON)
    dossier.refresh_from_db()
    out = tmp_path / "decision.pdf"
    call_command("export_document", "decision", "latest", "--out", str(out), stdout=StringIO())
    data = out.read_bytes()
    issued = _stored(dossier, SignedStage.ISSUED)
    assert issued is not None
    assert issued.read() == data
    _valid(data, fields=(esign.SIGNER_FIELD, esign.SEAL_FIELD))
    seal = validate_pdf_signature(_signatures(data)[1], _context())
    assert seal.timestamp_validity is not None
    assert seal.timestamp_validity.valid
    assert seal.timestamp_validity.trusted
    event = AuditEvent.objects.get(
        subject_type="nominations.dossier",
        subject_id=str(dossier.pk),
        action="nominations.number_decision",
    )
    assert event.content_hash == issued.sha256
    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields()
    values = {name: str(f.get("/V") or "") for name, f in fields.items()}
    assert values["so"] == f"{dossier.register_entry.number:02d}"
    assert (values["ngay"], values["thang"], values["nam"]) == ("20", "10", "2026")
    # the page's and the API's downloads hand out exactly the issued file
    client.force_login(c.chairman)
    page = client.get(reverse("nominations:decision_file", args=[dossier.pk, "pdf"]))
    assert page.status_code == 200
    assert b"".join(page.streaming_content if page.streaming else [page.content]) == data
    api = client.get(f"/api/dossiers/{dossier.pk}/decision/pdf/")
    assert api.status_code == 200
    assert api.content == data
    assert api["X-Content-SHA256"] == hashlib.sha256(data).hexdigest()
    # and verify_integrity validates the issued decision
    call_command("verify_integrity", "--skip-plans", stdout=StringIO())


def test_a_decision_over_500_households_with_its_annex_signs_in_one_step(org):
    c = Commune(org, households=500)
    dossier = _accepted(c)
    today_is(SIGNED_ON)
    dossier_decide(dossier=dossier, user=c.chairman, on=SIGNED_ON)
    decision_issue(dossier=dossier, user=c.clerk, on=SIGNED_ON)
    dossier.refresh_from_db()
    data = _stored(dossier, SignedStage.ISSUED).read()
    _valid(data, fields=(esign.SIGNER_FIELD, esign.SEAL_FIELD))
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    # the annex lists every household the decision recognises, the last one included
    assert "H0500" in text
    assert "500." in text
    assert dossier.candidates.filter(state=CandidateState.RECOGNISED).count() == 500


def test_without_a_certificate_the_decision_is_refused_and_recorded(commune, settings):
    settings.SIGNING_TEST_AUTO_ENROL = False
    c = commune
    dossier = _accepted(c)
    today_is(SIGNED_ON)
    with pytest.raises(SigningRefused) as caught:
        dossier_decide(dossier=dossier, user=c.chairman, on=SIGNED_ON)
    assert caught.value.code == "credential_missing"
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    assert dossier.signature_id is None
    assert dossier.decision_deadline.completed_on is None
    assert not SignedFile.objects.filter(subject_id=str(dossier.pk)).exists()
    refusal = AuditEvent.objects.get(subject_id=str(dossier.pk), action=esign.SIGN_REFUSED)
    assert refusal.payload["code"] == "credential_missing"
    assert "chứng thư" in refusal.comment or "certificate" in refusal.comment


def test_a_commune_without_a_seal_cannot_issue_and_nothing_is_numbered(commune, settings):
    c = commune
    dossier = _accepted(c)
    today_is(SIGNED_ON)
    dossier_decide(dossier=dossier, user=c.chairman, on=SIGNED_ON)
    settings.SIGNING_TEST_AUTO_ENROL = False
    dossier.refresh_from_db()
    with pytest.raises(SigningRefused) as caught:
        decision_issue(dossier=dossier, user=c.clerk, on=SIGNED_ON)
    assert caught.value.code == "credential_missing"
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECISION
    assert dossier.register_entry_id is None
    assert not dossier.candidates.filter(state=CandidateState.RECOGNISED).exists()
    assert _stored(dossier, SignedStage.ISSUED) is None
    assert AuditEvent.objects.filter(
        subject_id=str(dossier.pk), action=esign.ISSUE_REFUSED
    ).exists()


def test_a_wrong_pin_refuses_the_decision(commune, settings):
    settings.SIGNING_TEST_AUTO_ENROL = False
    c = commune
    enrol_test_credential(user=c.chairman)
    dossier = _accepted(c)
    today_is(SIGNED_ON)
    with pytest.raises(SigningRefused) as caught:
        dossier_decide(dossier=dossier, user=c.chairman, on=SIGNED_ON, pin="not-the-pin")
    assert caught.value.code == "wrong_pin"
    dossier.refresh_from_db()
    assert dossier.signature_id is None


# --- batch signing -------------------------------------------------------------------------


@pytest.fixture
def ten_decisions(commune) -> tuple[Commune, list[Dossier]]:
    c = commune
    dossiers = [_accepted(c)]
    flow_start(dossiers[0], c.village_head)  # picked up at its decision step
    for n in range(9):
        unit, head = village(c.commune, f"Thôn {n}", 2)
        dossiers.append(_accepted(c, unit, head))
        flow_start(dossiers[-1], head)
    return c, dossiers


def test_ten_decisions_sign_with_one_pin_one_refused_for_its_own_reason(
    ten_decisions, client, monkeypatch, settings
):
    settings.SIGNING_TEST_AUTO_ENROL = False
    c, dossiers = ten_decisions
    enrol_test_credential(user=c.chairman)
    # the fourth decision's time limit ended the day before, and no reason is given
    late = dossiers[3]
    late.refresh_from_db()
    assert Deadline.objects.filter(pk=late.decision_deadline_id).update(
        due_on=SIGNED_ON - D.resolution
    )
    openings: list[str | None] = []
    real = signing_documents.open_key

    def spy(credential, *, pin=None):
        openings.append(pin)
        return real(credential, pin=pin)

    monkeypatch.setattr(signing_documents, "open_key", spy)
    pin = os.environ[PASSPHRASE_ENV]
    client.force_login(c.chairman)
    with monkeypatch.context() as m:
        m.setattr("django.utils.timezone.localdate", lambda *a, **k: SIGNED_ON)
        response = client.post(
            reverse("inbox_sign_decisions"),
            {"dossier": [d.pk for d in dossiers], "pin": pin},
            follow=True,
        )
    assert response.status_code == 200
    # one opening of the key, with the one PIN typed
    assert openings == [pin]
    messages = [str(m) for m in response.context["messages"]]
    assert any("9" in m for m in messages), messages
    assert any(late.proposing_unit.name in m for m in messages), messages
    for dossier in dossiers:
        dossier.refresh_from_db()
        if dossier.pk == late.pk:
            assert dossier.signature_id is None
            assert _stored(dossier, SignedStage.SIGNED) is None
            continue
        stored = _stored(dossier, SignedStage.SIGNED)
        assert dossier.signature_id is not None
        assert dossier.signature.content_sha256 == stored.sha256
        _valid(stored.read(), fields=(esign.SIGNER_FIELD,))
        assert AuditEvent.objects.filter(
            subject_id=str(dossier.pk), action="nominations.decide_dossier"
        ).exists()


def test_a_wrong_pin_refuses_the_whole_batch_and_records_it_on_each(ten_decisions, settings):
    settings.SIGNING_TEST_AUTO_ENROL = False
    c, dossiers = ten_decisions
    enrol_test_credential(user=c.chairman)
    today_is(SIGNED_ON)
    with pytest.raises(SigningRefused) as caught:
        esign.decisions_sign(dossiers[:3], user=c.chairman, pin="wrong", on=SIGNED_ON)
    assert caught.value.code == "wrong_pin"
    for dossier in dossiers[:3]:
        dossier.refresh_from_db()
        assert dossier.signature_id is None
        assert AuditEvent.objects.filter(
            subject_id=str(dossier.pk), action=esign.SIGN_REFUSED
        ).exists()
    assert not SignedFile.objects.filter(subject_type=esign.SUBJECT).exists()
