"""What the site trusts and which timestamp service it uses, from the settings.

- ``SIGNING_TRUST_ROOTS``: paths of PEM files holding the trusted root certificates (for
  state agencies, the specialised CA of the Government Cipher Committee). The project ships
  none.
- ``SIGNING_EXTRA_CERTS``, ``SIGNING_CRLS``: intermediate certificates (PEM) and CRLs (PEM or
  DER) known locally, used to build chains and to embed revocation data.
- ``SIGNING_ALLOW_FETCHING``: whether validation may fetch CRLs and OCSP answers over HTTP.
- ``SIGNING_TSA_URL`` (and ``SIGNING_TSA_TIMEOUT``): the RFC 3161 timestamp service.
- ``SIGNING_TEST_PKI``: the demo and the tests also trust the throwaway test PKI of
  :mod:`approvals.signing.pki` and timestamp with its TSA.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator import ValidationContext

from approvals.signing.pki import TestPki

#: Seconds to wait for the timestamp service when the settings name no timeout.
TSA_DEFAULT_TIMEOUT = 30


def _blocks(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _kind, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM bundle (or one DER certificate)."""
    return [asn1_x509.Certificate.load(block) for block in _blocks(data)]


def load_crls(data: bytes) -> list[asn1_crl.CertificateList]:
    return [asn1_crl.CertificateList.load(block) for block in _blocks(data)]


def _paths(name: str) -> list[Path]:
    value = getattr(settings, name, None) or []
    if isinstance(value, str | Path):
        value = [value]
    return [Path(item) for item in value]


def _test_pki() -> TestPki | None:
    if not getattr(settings, "SIGNING_TEST_PKI", False):
        return None
    from approvals.signing.pki import default_directory, default_passphrase

    directory, passphrase = default_directory(), default_passphrase()
    marker = directory / "tsa.p12"
    stamp = marker.stat().st_mtime_ns if marker.exists() else 0
    return _opened_pki(directory, passphrase, stamp)


@functools.lru_cache(maxsize=4)
def _opened_pki(directory: Path, passphrase: bytes, stamp: int) -> TestPki:
    """The test PKI opened once per process (opening decrypts three PKCS#12 files, about
    50 ms each); ``stamp`` is the mtime of its files, so a PKI made anew is opened anew.
    Its CRL is read from disk at each use."""
    del stamp
    return TestPki.open(directory, passphrase)


def trust_roots() -> list[asn1_x509.Certificate]:
    """The site's trust roots (and the test root when the test PKI is on)."""
    roots = [
        cert
        for path in _paths("SIGNING_TRUST_ROOTS")
        for cert in load_certificates(path.read_bytes())
    ]
    pki = _test_pki()
    if pki is not None:
        roots.extend(load_certificates(pki.root_pem()))
    return roots


def extra_certificates() -> list[asn1_x509.Certificate]:
    certs = [
        cert
        for path in _paths("SIGNING_EXTRA_CERTS")
        for cert in load_certificates(path.read_bytes())
    ]
    pki = _test_pki()
    if pki is not None:
        certs.extend(cert for block in pki.chain_pem() for cert in load_certificates(block))
    return certs


def known_crls() -> list[asn1_crl.CertificateList]:
    crls = [item for path in _paths("SIGNING_CRLS") for item in load_crls(path.read_bytes())]
    pki = _test_pki()
    if pki is not None:
        crls.extend(load_crls(pki.crl_der()))
    return crls


def validation_context(
    *,
    roots: Iterable[asn1_x509.Certificate] | None = None,
    crls: Iterable[asn1_crl.CertificateList] = (),
    other_certs: Iterable[asn1_x509.Certificate] = (),
    allow_fetching: bool | None = None,
) -> ValidationContext:
    """A pyHanko validation context: the given roots, else the site's, with what is known."""
    fetching = (
        bool(getattr(settings, "SIGNING_ALLOW_FETCHING", True))
        if allow_fetching is None
        else allow_fetching
    )
    return ValidationContext(
        trust_roots=list(roots) if roots is not None else trust_roots(),
        other_certs=[*extra_certificates(), *other_certs],
        crls=[*known_crls(), *crls],
        allow_fetching=fetching,
    )


def default_timestamper() -> TimeStamper | None:
    """The configured timestamp service, the test TSA in the demo, else ``None``."""
    url = getattr(settings, "SIGNING_TSA_URL", "")
    if url:
        timeout = int(getattr(settings, "SIGNING_TSA_TIMEOUT", 0) or TSA_DEFAULT_TIMEOUT)
        return HTTPTimeStamper(url, timeout=timeout)
    pki = _test_pki()
    return pki.timestamper() if pki is not None else None


__all__ = [
    "default_timestamper",
    "known_crls",
    "load_certificates",
    "load_crls",
    "trust_roots",
    "validation_context",
]
