"""Remote signing over the CSC API, against certomancer-csc-dummy on loopback."""

from __future__ import annotations

import pytest

from approvals.signing.appearance import Appearance, FieldSpec
from approvals.signing.documents import Document, sign_batch, sign_pdf
from approvals.signing.exceptions import (
    CertificateMismatch,
    FieldAlreadySigned,
    RemoteServiceError,
    RemoteServiceTimeout,
)
from approvals.signing.validation import validate_pdf
from tests.signing.conftest import Owner, csc_credential
from tests.signing.helpers import SIGNER_BOX, png, sample_pdf

AUTHORIZE = "/csc/v1/credentials/authorize"
SIGN_HASH = "/csc/v1/signatures/signHash"
INFO = "/csc/v1/credentials/info"


def _sign(credential, **options):
    return sign_pdf(
        sample_pdf(),
        credential=credential,
        as_user=Owner(1),
        field=FieldSpec("signer", page=0, box=SIGNER_BOX),
        appearance=Appearance(image_png=png((0, 0, 200)), lines=("{signer}", "{time}")),
        **options,
    )


def test_remote_signature_validates(csc, person, context, roots):
    signed = _sign(csc_credential(csc, person), validation=context())
    [report] = validate_pdf(signed, roots)
    assert report.bottom_line
    assert report.trusted
    assert report.intact
    assert report.signer_name == "Nguyễn Văn An"
    assert csc.requests[AUTHORIZE] == 1
    assert csc.requests[SIGN_HASH] == 1


def test_batch_of_ten_is_one_authorisation_and_one_sign_call(csc, person, context, roots):
    already = _sign(csc_credential(csc, person), validation=context())
    csc.requests.clear()
    field = FieldSpec("signer", 0, SIGNER_BOX)
    documents = [Document(pdf=sample_pdf(), field=field, key=f"d{i}") for i in range(9)]
    documents.insert(4, Document(pdf=already, field=field, key="signed"))
    outcomes = sign_batch(
        documents, credential=csc_credential(csc, person), as_user=Owner(1), validation=context()
    )
    assert csc.requests[INFO] == 1
    assert csc.requests[AUTHORIZE] == 1  # one authorisation for the nine hashes
    assert csc.requests[SIGN_HASH] == 1  # signed in one call
    refused = [o for o in outcomes if not o.ok]
    assert [o.key for o in refused] == ["signed"]
    assert isinstance(refused[0].refusal, FieldAlreadySigned)
    assert [o.key for o in outcomes] == [d.key for d in documents]
    for outcome in outcomes:
        if outcome.ok:
            [report] = validate_pdf(outcome.pdf, roots)
            assert report.bottom_line


def test_batch_larger_than_the_service_allows_is_split(csc, person, context):
    """The test server's multisign is 25: 30 documents go in two authorised calls."""
    field = FieldSpec("signer", 0, SIGNER_BOX)
    documents = [Document(pdf=sample_pdf(), field=field, key=str(i)) for i in range(30)]
    outcomes = sign_batch(
        documents,
        credential=csc_credential(csc, person),
        as_user=Owner(1),
        validation=context(),
        long_term=False,
    )
    assert all(o.ok for o in outcomes)
    assert csc.requests[AUTHORIZE] == 2
    assert csc.requests[SIGN_HASH] == 2


def test_service_timeout_is_refused(csc, person, context):
    csc.delays[SIGN_HASH] = 3
    with pytest.raises(RemoteServiceTimeout) as refused:
        _sign(csc_credential(csc, person, timeout=1), validation=context())
    assert refused.value.code == "remote_timeout"


def test_service_timeout_at_the_first_call_is_refused(csc, person, context):
    csc.delays[INFO] = 3
    with pytest.raises(RemoteServiceTimeout):
        _sign(csc_credential(csc, person, timeout=1), validation=context())


def test_service_error_is_refused(csc, person, context):
    csc.failures[AUTHORIZE] = 500
    with pytest.raises(RemoteServiceError):
        _sign(csc_credential(csc, person), validation=context())


def test_service_credential_of_another_certificate_is_refused(csc, person, agency, context):
    """The credential registers An's certificate but names the agency's key at the service."""
    with pytest.raises(CertificateMismatch):
        _sign(csc_credential(csc, person, credential_id="test/agency"), validation=context())
    assert csc.requests[SIGN_HASH] == 0


def test_unreachable_service_is_refused(person, context):
    from tests.signing.conftest import CscServer

    with pytest.raises(RemoteServiceError):
        _sign(csc_credential(CscServer(url="http://127.0.0.1:9"), person), validation=context())
