"""Every refusal before signing: specific code, nothing signed, the input left as it was."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from approvals.signing.appearance import FieldSpec
from approvals.signing.documents import sign_pdf
from approvals.signing.exceptions import (
    CertificateExpired,
    CertificateMismatch,
    CertificateNotYetValid,
    CertificateOfAnotherAgency,
    CertificateOfAnotherPerson,
    FieldAlreadySigned,
    FieldInvalid,
    KeyUsageMissing,
    NotAPdf,
    SigningRefused,
    TimestampUnavailable,
    WrongPin,
)
from tests.signing.conftest import P12_ENV, Owner, p12_credential
from tests.signing.helpers import SIGNER_BOX, sample_pdf

NOW = datetime.datetime.now(datetime.UTC)
SIGNER = Owner(1)


def _sign(credential, pdf=None, *, as_user=SIGNER, as_unit=None, field=None, **options):
    return sign_pdf(
        pdf if pdf is not None else sample_pdf(),
        credential=credential,
        as_user=as_user,
        as_unit=as_unit,
        field=field or FieldSpec("signer", page=0, box=SIGNER_BOX),
        long_term=False,
        **options,
    )


@pytest.mark.parametrize(
    ("validity", "refusal"),
    [
        (
            (NOW - datetime.timedelta(days=400), NOW - datetime.timedelta(days=1)),
            CertificateExpired,
        ),
        (
            (NOW + datetime.timedelta(days=1), NOW + datetime.timedelta(days=400)),
            CertificateNotYetValid,
        ),
    ],
    ids=["expired", "not-yet-valid"],
)
def test_certificate_outside_its_validity_is_refused(pki, validity, refusal):
    identity = pki.issue_person("Lê Văn Cường", not_before=validity[0], not_after=validity[1])
    with pytest.raises(refusal):
        _sign(p12_credential(identity, user=Owner(1)))


def test_certificate_without_signing_key_usage_is_refused(pki):
    identity = pki.issue_person("Phạm Thị Dung", digital_signature=False, non_repudiation=False)
    with pytest.raises(KeyUsageMissing) as refused:
        _sign(p12_credential(identity, user=Owner(1)))
    assert refused.value.code == "key_usage_missing"


def test_non_repudiation_alone_is_enough(pki, context):
    identity = pki.issue_person("Hoàng Văn Em", digital_signature=False)
    assert _sign(p12_credential(identity, user=Owner(1)))


def test_certificate_of_another_person_is_refused(person):
    with pytest.raises(CertificateOfAnotherPerson):
        _sign(p12_credential(person, user=Owner(1)), as_user=Owner(2))


def test_personal_certificate_cannot_seal_for_a_unit(person):
    with pytest.raises(CertificateOfAnotherPerson):
        _sign(p12_credential(person, user=Owner(1)), as_user=None, as_unit=Owner(7))


def test_seal_of_another_agency_is_refused(agency):
    with pytest.raises(CertificateOfAnotherAgency):
        _sign(p12_credential(agency, unit=Owner(7)), as_user=None, as_unit=Owner(8))


def test_key_file_holding_another_certificate_is_refused(person, other_person):
    credential = p12_credential(person, user=Owner(1))
    credential.config = {**credential.config, "path": str(other_person.p12_path)}
    with pytest.raises(CertificateMismatch):
        _sign(credential)


def test_wrong_passphrase_is_refused(person, monkeypatch):
    monkeypatch.setenv(P12_ENV, "wrong")
    with pytest.raises(WrongPin):
        _sign(p12_credential(person, user=Owner(1)))


def test_withdrawn_credential_is_refused(person):
    credential = p12_credential(person, user=Owner(1))
    credential.is_active = False
    with pytest.raises(SigningRefused):
        _sign(credential)


@pytest.mark.parametrize(
    "data", [b"", b"hello", b"%PDF-1.7\ngarbage"], ids=["empty", "text", "broken"]
)
def test_not_a_pdf_is_refused(person, data):
    with pytest.raises(NotAPdf):
        _sign(p12_credential(person, user=Owner(1)), data)


def test_field_already_signed_is_refused_and_the_input_is_untouched(person):
    signed = _sign(p12_credential(person, user=Owner(1)))
    before = bytes(signed)
    with pytest.raises(FieldAlreadySigned):
        _sign(p12_credential(person, user=Owner(1)), signed)
    assert signed == before


@pytest.mark.parametrize(
    "field",
    [
        FieldSpec("signer", page=5, box=SIGNER_BOX),
        FieldSpec("signer"),
        FieldSpec("", box=SIGNER_BOX),
    ],
    ids=["no-such-page", "no-box", "no-name"],
)
def test_unusable_field_is_refused(person, field):
    with pytest.raises(FieldInvalid):
        _sign(p12_credential(person, user=Owner(1)), field=field)


def test_timestamp_asked_without_a_timestamp_service_is_refused(person):
    with pytest.raises(TimestampUnavailable):
        _sign(p12_credential(person, user=Owner(1)), timestamp=True)


def test_refusal_reads_in_vietnamese(person):
    with translation.override("vi"), pytest.raises(CertificateOfAnotherPerson) as refused:
        _sign(p12_credential(person, user=Owner(1)), as_user=Owner(2))
    assert str(refused.value) == "Chứng thư số “Nguyễn Văn An” là của người khác."
