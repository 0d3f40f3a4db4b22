"""The plan's digital signatures: the signer's at signature, the agency's at issue.

Validated with pyHanko's own validator against the test PKI's root, not the project's code.
"""

from __future__ import annotations

import datetime
import io
from io import StringIO
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.management import CommandError, call_command
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from approvals.audit.models import AuditEvent
from approvals.signing.enrol import enrol_test_credential, open_test_pki
from approvals.signing.exceptions import SigningRefused
from approvals.signing.models import SignedFile, SignedStage
from approvals.signing.trust import known_crls
from tests.plans.conftest import DAY, new_plan, to_signature
from workflows.documents.pdf_fields import SIGNER_SLOT
from workflows.plans import esign
from workflows.plans.models import PlanState
from workflows.plans.services import plan_issue, plan_sign

pytestmark = pytest.mark.django_db


def _root() -> asn1_x509.Certificate:
    _kind, _headers, der = pem.unarmor(open_test_pki().root_pem())
    return asn1_x509.Certificate.load(der)


def _context() -> ValidationContext:
    return ValidationContext(trust_roots=[_root()], crls=known_crls(), allow_fetching=False)


def _issued(province, tmp_path: Path) -> tuple[object, bytes]:
    plan = to_signature(province, new_plan(province))
    plan_sign(plan=plan, user=province.user("pgd.ldtbxh"))
    plan.refresh_from_db()
    # Issued today: an issue is dated the day it is recorded (approvals.acts), and the test
    # certificates are valid from now on, so the clock is not moved back.
    plan_issue(plan=plan, user=province.user("vanthu.ldtbxh"))
    plan.refresh_from_db()
    out = tmp_path / "plan.pdf"
    call_command("export_document", "plan", "latest", "--out", str(out), stdout=StringIO())
    return plan, out.read_bytes()


def _signatures(data: bytes) -> list:
    return list(PdfFileReader(io.BytesIO(data)).embedded_regular_signatures)


def test_an_issued_plan_carries_the_signers_and_the_agencys_signature(province, tmp_path):
    plan, data = _issued(province, tmp_path)
    stored = SignedFile.objects.get(
        subject_type="plans.plan", subject_id=str(plan.pk), stage=SignedStage.ISSUED
    )
    assert stored.read() == data
    signatures = _signatures(data)
    assert [s.field_name for s in signatures] == [esign.SIGNER_FIELD, esign.SEAL_FIELD]
    for embedded in signatures:
        status = validate_pdf_signature(embedded, _context())
        assert status.intact, status.pretty_print_details()
        assert status.valid
        assert status.trusted
        assert status.docmdp_ok is not False
    seal_status = validate_pdf_signature(signatures[1], _context())
    assert seal_status.timestamp_validity is not None
    assert seal_status.timestamp_validity.valid
    assert seal_status.timestamp_validity.trusted
    # the signer's signature covers the signed file; its hash is the signature record's
    signed = SignedFile.objects.get(
        subject_type="plans.plan", subject_id=str(plan.pk), stage=SignedStage.SIGNED
    )
    assert plan.signature.content_sha256 == signed.sha256
    event = AuditEvent.objects.filter(
        subject_type="plans.plan", subject_id=str(plan.pk), action="plans.issue_plan"
    ).get()
    assert event.content_hash == stored.sha256
    # the number and the date were filled in
    import pypdf

    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields()
    values = {name: str(f.get("/V") or "") for name, f in fields.items()}
    assert values["so"] == f"{plan.register_entry.number:02d}"
    issued_on = plan.register_entry.issued_on
    assert issued_on == timezone.localdate()
    assert (values["ngay"], values["thang"], values["nam"]) == (
        f"{issued_on:%d}",
        f"{issued_on:%m}",
        f"{issued_on:%Y}",
    )


def test_one_byte_changed_inside_the_signed_range_fails_validation(province, tmp_path):
    _plan, data = _issued(province, tmp_path)
    embedded = _signatures(data)[0]
    start, length = embedded.byte_range[0], embedded.byte_range[1]
    position = start + length // 2
    damaged = bytearray(data)
    damaged[position] = (damaged[position] + 1) % 256
    status = validate_pdf_signature(_signatures(bytes(damaged))[0], _context())
    assert not (status.intact and status.valid)


def test_the_signature_fields_sit_in_the_signers_slot_and_the_seal_over_its_left_third(
    province, tmp_path
):
    plan, data = _issued(province, tmp_path)
    from workflows.plans import documents

    revision = plan.revisions.get(number=int(plan.signature.revision))
    from approvals.organisation.resolver import require

    signer = province.user("pgd.ldtbxh")
    authority = require(signer, "plans.sign_plan", plan, unit=plan.issuing_agency)
    built = documents.fillable_layout(plan, revision, authority=authority, signer=signer)
    from workflows.documents.pdf import render_pdf_placed

    _pdf, placement = render_pdf_placed(built, documents.spec_for(plan))
    slot = placement.boxes[SIGNER_SLOT]
    page, (s1, t1, s2, t2) = esign.field_box(data, esign.SIGNER_FIELD)
    # the signer's image: inside the slot between the capacity lines and the name, as high
    # as the slot, centred across it
    assert page == slot.page
    assert (t1, t2) == pytest.approx((slot.y1, slot.y2), abs=0.5)
    assert slot.x1 - 0.5 <= s1 < s2 <= slot.x2 + 0.5
    assert (s1 + s2) / 2 == pytest.approx((slot.x1 + slot.x2) / 2, abs=0.5)
    # the seal at its real size (the rule), its right edge a third into the signer's image
    seal_page, (x1, y1, x2, y2) = esign.field_box(data, esign.SEAL_FIELD)
    from approvals.regulations.services import rules_in_force

    diameter = rules_in_force("document_work", on=DAY(2024, 2, 5), unit=plan.issuing_agency)
    side = diameter.integer("signing.seal_diameter_mm") * 72 / 25.4
    assert seal_page == slot.page
    assert x2 - x1 == pytest.approx(side, abs=1.0)
    assert y2 - y1 == pytest.approx(side, abs=1.0)
    assert x2 == pytest.approx(s1 + (s2 - s1) / 3, abs=1.0)
    assert (y1 + y2) / 2 == pytest.approx((t1 + t2) / 2, abs=1.0)


def test_without_a_certificate_the_signature_is_refused_and_recorded(province, settings):
    settings.SIGNING_TEST_AUTO_ENROL = False
    plan = to_signature(province, new_plan(province))
    with pytest.raises(SigningRefused) as caught:
        plan_sign(plan=plan, user=province.user("pgd.ldtbxh"))
    assert getattr(caught.value, "code", "") == "credential_missing"
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE
    assert plan.signature_id is None
    assert not SignedFile.objects.filter(subject_id=str(plan.pk)).exists()
    refusal = AuditEvent.objects.get(subject_id=str(plan.pk), action=esign.SIGN_REFUSED)
    assert refusal.payload["code"] == "credential_missing"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"not_after": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)}, None),
        ({"digital_signature": False, "non_repudiation": False}, "key_usage_missing"),
    ],
)
def test_an_unfit_certificate_is_refused(province, settings, options, code):
    settings.SIGNING_TEST_AUTO_ENROL = False
    signer = province.user("pgd.ldtbxh")
    if "not_after" in options:
        options["not_before"] = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    enrol_test_credential(user=signer, **options)
    plan = to_signature(province, new_plan(province))
    with pytest.raises(SigningRefused) as caught:
        plan_sign(plan=plan, user=signer)
    # an expired certificate is not even offered by the selector: no usable certificate
    assert caught.value.code == (code or "credential_missing")
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE
    assert not SignedFile.objects.filter(subject_id=str(plan.pk)).exists()


def test_a_wrong_passphrase_is_refused(province, settings, monkeypatch):
    settings.SIGNING_TEST_AUTO_ENROL = False
    signer = province.user("pgd.ldtbxh")
    credential = enrol_test_credential(user=signer)
    plan = to_signature(province, new_plan(province))
    with pytest.raises(SigningRefused) as caught:
        plan_sign(plan=plan, user=signer, pin="not-the-passphrase")
    assert caught.value.code == "wrong_pin"
    assert credential.pk
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNATURE


def test_an_agency_without_a_seal_cannot_issue_and_nothing_is_numbered(province, settings):
    plan = to_signature(province, new_plan(province))
    plan_sign(plan=plan, user=province.user("pgd.ldtbxh"))
    settings.SIGNING_TEST_AUTO_ENROL = False
    plan.refresh_from_db()
    with pytest.raises(SigningRefused) as caught:
        plan_issue(plan=plan, user=province.user("vanthu.ldtbxh"))
    assert caught.value.code == "credential_missing"
    plan.refresh_from_db()
    assert plan.state == PlanState.SIGNED
    assert plan.register_entry_id is None
    assert not SignedFile.objects.filter(subject_id=str(plan.pk), stage=SignedStage.ISSUED).exists()
    assert AuditEvent.objects.filter(subject_id=str(plan.pk), action=esign.ISSUE_REFUSED).exists()


def test_export_document_of_a_decision_says_none_is_signed(tmp_path):
    with pytest.raises(CommandError, match=r"quyết định|decision"):
        call_command("export_document", "decision", "latest", "--out", str(tmp_path / "d.pdf"))
