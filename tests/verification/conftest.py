"""Signed PDFs for the verification tests, made with the signing tests' PKI and helpers."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.signing.appearance import FieldSpec
from approvals.signing.documents import sign_pdf
from approvals.signing.pki import TestPki
from tests.signing.conftest import (
    PASSPHRASE,
    Owner,
    _own_pki_only,
    _secrets,
    agency,
    context,
    p12_credential,
    person,
    pki,
    roots,
)
from tests.signing.helpers import SIGNER_BOX, sample_pdf
from tests.signing.test_pkcs12 import _issue

__all__ = ["_own_pki_only", "_secrets", "agency", "context", "person", "pki", "roots"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """The rate limit counts in the cache; every test starts from zero."""
    cache.clear()


def trust(settings: Any, folder: Path, test_pki: TestPki) -> None:
    """Make ``test_pki`` the site's trust root, its CRL the site's known revocation list."""
    root = folder / f"root-{id(test_pki)}.pem"
    root.write_bytes(test_pki.root_pem())
    crl = folder / f"crl-{id(test_pki)}.der"
    crl.write_bytes(test_pki.crl_der())
    settings.SIGNING_TRUST_ROOTS = [str(root)]
    settings.SIGNING_CRLS = [str(crl)]


@pytest.fixture
def site_trusts_pki(settings: Any, tmp_path: Path, pki: TestPki) -> TestPki:
    trust(settings, tmp_path, pki)
    return pki


@pytest.fixture
def issued(pki: TestPki, person: Any, agency: Any, context: Callable[[], Any]) -> bytes:
    """A plan as issued: the approval signature, the number filled, the timestamped seal."""
    _signed, _filled, sealed = _issue(sample_pdf(), person, agency, context, pki)
    return sealed


def signed_by(identity: Any, **options: Any) -> bytes:
    """A sample PDF with one approval signature of ``identity``."""
    return sign_pdf(
        sample_pdf(),
        credential=p12_credential(identity, user=Owner(1)),
        as_user=Owner(1),
        field=FieldSpec("signer", page=0, box=SIGNER_BOX),
        **options,
    )


@pytest.fixture
def revoked_pdf(settings: Any, tmp_path: Path) -> bytes:
    """Signed by a certificate revoked since, the site trusting its PKI and knowing its CRL."""
    own = TestPki.open(tmp_path / "revoking", PASSPHRASE)
    identity = own.issue_person("Đỗ Văn Giang")
    signed = signed_by(identity, long_term=False)
    own.revoke(
        identity.certificate, at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    trust(settings, tmp_path, own)
    return signed


@pytest.fixture
def foreign_pdf(site_trusts_pki: TestPki, tmp_path: Path) -> bytes:
    """Signed by a certificate of another CA than the one the site trusts."""
    other = TestPki.open(tmp_path / "foreign", PASSPHRASE)
    return signed_by(other.issue_person("Lê Văn Khách"), long_term=False)


def upload(data: bytes, name: str = "van-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def one_byte_changed(pdf: bytes) -> bytes:
    """The PDF with one bit flipped in the page's text, inside every signed range."""
    tampered = bytearray(pdf)
    tampered[pdf.index(b"KE HOACH")] ^= 0x01
    return bytes(tampered)
