"""validate_pdf: revoked, expired-at-signing and untrusted signatures are reported invalid."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import translation
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter

from approvals.signing.appearance import FieldSpec
from approvals.signing.documents import sign_pdf
from approvals.signing.exceptions import NotAPdf
from approvals.signing.pki import TestPki
from approvals.signing.trust import load_certificates, load_crls
from approvals.signing.validation import validate_pdf
from tests.signing.conftest import PASSPHRASE, Owner, p12_credential
from tests.signing.helpers import SIGNER_BOX, sample_pdf


def _signed_by(identity, **options):
    return sign_pdf(
        sample_pdf(),
        credential=p12_credential(identity, user=Owner(1)),
        as_user=Owner(1),
        field=FieldSpec("signer", page=0, box=SIGNER_BOX),
        **options,
    )


def test_revoked_certificate_is_reported_invalid(tmp_path):
    pki = TestPki.open(tmp_path, PASSPHRASE)
    identity = pki.issue_person("Đỗ Văn Giang")
    signed = _signed_by(identity, long_term=False)
    pki.revoke(
        identity.certificate, at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    )
    with translation.override("en"):
        [report] = validate_pdf(
            signed, load_certificates(pki.root_pem()), crls=load_crls(pki.crl_der())
        )
    assert report.intact
    assert report.revoked
    assert not report.trusted
    assert not report.bottom_line
    assert any("revoked" in reason for reason in report.reasons)


def test_revoked_certificate_is_refused_at_signing(tmp_path):
    from approvals.signing.exceptions import CertificateRevoked
    from approvals.signing.trust import validation_context

    pki = TestPki.open(tmp_path, PASSPHRASE)
    identity = pki.issue_person("Đỗ Văn Giang")
    pki.revoke(identity.certificate)
    context = validation_context(
        roots=load_certificates(pki.root_pem()), crls=load_crls(pki.crl_der()), allow_fetching=False
    )
    with pytest.raises(CertificateRevoked):
        _signed_by(identity, validation=context)


def test_certificate_expired_at_signing_time_is_reported_invalid(pki, roots):
    """Signed (by pyHanko directly, our checks would refuse) with a certificate already expired."""
    now = datetime.datetime.now(datetime.UTC)
    identity = pki.issue_person(
        "Vũ Thị Hà",
        not_before=now - datetime.timedelta(days=30),
        not_after=now - datetime.timedelta(days=1),
    )
    signer = signers.SimpleSigner.load_pkcs12(str(identity.p12_path), passphrase=PASSPHRASE)
    output = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name="signer", subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
        ),
        signer,
        new_field_spec=SigFieldSpec("signer", on_page=0, box=SIGNER_BOX),
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(sample_pdf())))
    with translation.override("en"):
        [report] = validate_pdf(output.getvalue(), roots)
    assert report.intact
    assert report.expired_at_signing
    assert not report.trusted
    assert not report.bottom_line
    assert any("not valid at the signing time" in reason for reason in report.reasons)


def test_chain_to_an_unknown_root_is_reported_untrusted(person, context, tmp_path):
    from django.utils import translation

    signed = _signed_by(person, validation=context())
    other_root = TestPki.open(tmp_path, PASSPHRASE).root_pem()
    with translation.override("en"):
        [report] = validate_pdf(signed, load_certificates(other_root))
    assert report.intact
    assert not report.trusted
    assert not report.bottom_line
    assert report.reasons == ["The certificate does not chain to a trusted root."]


def test_document_without_signatures_has_no_reports(roots):
    assert validate_pdf(sample_pdf(), roots) == []


def test_bytes_that_are_no_pdf_are_refused(roots):
    with pytest.raises(NotAPdf):
        validate_pdf(b"plain text", roots)


def test_reasons_read_in_vietnamese(person, context, tmp_path):
    from django.utils import translation

    signed = _signed_by(person, validation=context())
    other_root = TestPki.open(tmp_path, PASSPHRASE).root_pem()
    with translation.override("vi"):
        [report] = validate_pdf(signed, load_certificates(other_root))
    assert report.reasons == [
        "Chứng thư số không thuộc chuỗi của tổ chức cung cấp dịch vụ chứng thực được tin cậy."
    ]


def test_signing_and_validation_work_inside_a_running_event_loop(tmp_path):
    """An ASGI view or a browser test's Playwright keeps a loop running in the thread;
    pyHanko's own loops then run in a worker thread instead of failing."""
    import asyncio

    pki = TestPki.open(tmp_path, PASSPHRASE)
    identity = pki.issue_person("Đỗ Văn Giang")

    async def inside_a_loop():
        signed = _signed_by(identity, long_term=False)
        return validate_pdf(signed, load_certificates(pki.root_pem()))

    [report] = asyncio.run(inside_a_loop())
    assert report.intact
    assert report.trusted
