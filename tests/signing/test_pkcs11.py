"""PKCS#11 back-end against a SoftHSM2 token made for the tests."""

from __future__ import annotations

import pytest

from approvals.signing import backends
from approvals.signing.appearance import Appearance, FieldSpec
from approvals.signing.documents import Document, sign_batch, sign_pdf
from approvals.signing.exceptions import (
    CertificateMismatch,
    FieldAlreadySigned,
    KeyNotFound,
    NotAPdf,
    PinMissing,
    TokenAbsent,
    WrongPin,
)
from approvals.signing.validation import validate_pdf
from tests.signing.conftest import PIN, PIN_ENV, Owner, token_credential
from tests.signing.helpers import SIGNER_BOX, png, sample_pdf


@pytest.fixture
def logins(monkeypatch):
    """Counts the token logins (PKCS#11 sessions opened with the PIN)."""
    calls = []
    real = backends.open_pkcs11_session

    def counting(*args, **kwargs):
        calls.append(kwargs.get("pin"))
        return real(*args, **kwargs)

    monkeypatch.setattr(backends, "open_pkcs11_session", counting)
    return calls


def _sign(credential, pdf=None, **options):
    return sign_pdf(
        pdf or sample_pdf(),
        credential=credential,
        as_user=Owner(1),
        field=FieldSpec("signer", page=0, box=SIGNER_BOX),
        appearance=Appearance(image_png=png((0, 0, 200))),
        **options,
    )


def test_token_signs_and_pyhanko_validates(softhsm, person, context, roots, logins):
    signed = _sign(token_credential(softhsm, person), validation=context())
    [report] = validate_pdf(signed, roots)
    assert report.bottom_line
    assert report.trusted
    assert report.intact
    assert report.signer_name == "Nguyễn Văn An"
    assert logins == [PIN]


def test_pin_typed_by_the_person_is_used_before_the_environment(
    softhsm, person, context, monkeypatch, logins
):
    monkeypatch.delenv(PIN_ENV)
    _sign(token_credential(softhsm, person), pin=PIN, validation=context())
    assert logins == [PIN]


def test_wrong_pin_is_refused(softhsm, person, context, monkeypatch):
    monkeypatch.setenv(PIN_ENV, "000000")
    with pytest.raises(WrongPin) as refused:
        _sign(token_credential(softhsm, person), validation=context())
    assert refused.value.code == "wrong_pin"


def test_missing_pin_is_refused(softhsm, person, context, monkeypatch):
    monkeypatch.delenv(PIN_ENV)
    with pytest.raises(PinMissing):
        _sign(token_credential(softhsm, person), validation=context())


def test_absent_token_is_refused(softhsm, person, context):
    with pytest.raises(TokenAbsent):
        _sign(
            token_credential(softhsm, person, token_label="usb-token-not-plugged"),
            validation=context(),
        )


def test_missing_module_is_refused_as_absent_token(softhsm, person, context):
    with pytest.raises(TokenAbsent):
        _sign(
            token_credential(softhsm, person, module="/nonexistent/libtoken.so"),
            validation=context(),
        )


def test_missing_key_is_refused(softhsm, person, context):
    with pytest.raises(KeyNotFound):
        _sign(token_credential(softhsm, person, key_label="nobody"), validation=context())


def test_token_holding_another_persons_certificate_is_refused(softhsm, person, context):
    """The credential registers An's certificate, but its key label points at Bình's key."""
    with pytest.raises(CertificateMismatch):
        _sign(token_credential(softhsm, person, key_label="binh"), validation=context())


def test_batch_of_ten_with_one_pin_entry_one_refused(softhsm, person, context, roots, logins):
    already = _sign(token_credential(softhsm, person), validation=context())
    documents = [
        Document(pdf=sample_pdf(), field=FieldSpec("signer", 0, SIGNER_BOX), key=f"d{i}")
        for i in range(8)
    ]
    documents.insert(
        3, Document(pdf=b"not a pdf at all", field=FieldSpec("signer", 0, SIGNER_BOX), key="bad")
    )
    documents.append(Document(pdf=already, field=FieldSpec("signer", 0, SIGNER_BOX), key="signed"))
    logins.clear()
    outcomes = sign_batch(
        documents,
        credential=token_credential(softhsm, person),
        as_user=Owner(1),
        pin=PIN,
        validation=context(),
    )
    assert logins == [PIN]  # one login, one session for all ten
    assert [o.key for o in outcomes] == [d.key for d in documents]
    refused = {o.key: o.refusal for o in outcomes if not o.ok}
    assert set(refused) == {"bad", "signed"}
    assert isinstance(refused["bad"], NotAPdf)
    assert isinstance(refused["signed"], FieldAlreadySigned)
    signed = [o for o in outcomes if o.ok]
    assert len(signed) == 8
    assert all(o.pdf is None for o in outcomes if not o.ok)
    for outcome in signed:
        [report] = validate_pdf(outcome.pdf, roots)
        assert report.bottom_line
