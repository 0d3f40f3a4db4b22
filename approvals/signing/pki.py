"""A throwaway test PKI for the demo and the tests: never for real documents.

It holds a root CA, an issuing CA with its CRL, and a timestamp authority, and issues
certificates to people (CN = full name, key usage digitalSignature + nonRepudiation) and to
organisations (O and CN = the agency's name). Every subject carries :data:`TEST_MARK`.

Everything lives under one directory (``settings.SIGNING_PKI_DIR``): certificates as PEM,
keys only inside PKCS#12 files protected by the PKI passphrase
(``settings.SIGNING_PKI_PASSPHRASE``, from the environment), the CRL as DER and the list of
revoked serials as JSON. :meth:`TestPki.open` makes the CAs the first time and reuses them
afterwards. A real site never uses this module: it configures ``SIGNING_TRUST_ROOTS``.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import DummyTimeStamper

#: Written into every subject of the test PKI.
TEST_MARK = "TEST — không có giá trị pháp lý"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_ROOT = "root-ca"
_ISSUING = "issuing-ca"
_TSA = "tsa"
_CRL = "issuing-ca.crl"
_REVOKED = "revoked.json"
_RSA_BITS = 2048
_CA_YEARS = 20
_CERT_YEARS = 3
_CRL_DAYS = 30
_NAME_MAX = 64
_DEFAULT_CRL_URL = "http://pki.test.invalid/issuing-ca.crl"


def default_directory() -> Path:
    """``settings.SIGNING_PKI_DIR``, else ``var/test-pki`` beside the media folder."""
    configured = getattr(settings, "SIGNING_PKI_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT).parent / "var" / "test-pki"


def default_passphrase() -> bytes:
    return str(getattr(settings, "SIGNING_PKI_PASSPHRASE", "")).encode() or b"test-pki"


def crl_url() -> str:
    """The CRL address written into the test certificates (never fetched by the tests)."""
    return str(getattr(settings, "SIGNING_PKI_CRL_URL", "") or _DEFAULT_CRL_URL)


def slug(text: str) -> str:
    """A file name for a person or an agency: ASCII, lowercase, dashes."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


#: ``settings.SIGNING_PKI_FIXED_WINDOW``: (first, last) year. The tests' PKI is valid
#: over that whole window, CRLs included, so tests that freeze the clock at any date inside
#: it still sign and validate. Never for the demo or a site.
def _window() -> tuple[datetime.datetime, datetime.datetime] | None:
    years = getattr(settings, "SIGNING_PKI_FIXED_WINDOW", None)
    if not years:
        return None
    first, last = years
    return (
        datetime.datetime(int(first), 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(int(last), 1, 1, tzinfo=datetime.UTC),
    )


def _span(
    before: datetime.timedelta, after: datetime.timedelta
) -> tuple[datetime.datetime, datetime.datetime]:
    """From ``before`` ago to ``after`` from now, or the fixed window of the tests."""
    window = _window()
    if window is not None:
        return window
    now = _now()
    return now - before, now + after


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _new_key(kind: str) -> PrivateKey:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)


def _capped(text: str) -> str:
    """``text`` cut to X.520's 64 (counted in UTF-8 bytes by cryptography)."""
    while len(text.encode()) > _NAME_MAX:
        text = text[:-1]
    return text


def _name(common_name: str, organisation: str = "") -> x509.Name:
    """Subject with the test mark; X.520 caps each attribute at 64 characters."""
    common_name, organisation = _capped(common_name), _capped(organisation)
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_MARK))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _key_usage(*, digital_signature: bool, content_commitment: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class Identity:
    """A certificate, its key and where its PKCS#12 file is."""

    certificate: x509.Certificate
    key: PrivateKey
    p12_path: Path

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


class TestPki:
    """The test PKI stored in ``directory``; open it with :meth:`open`."""

    __test__ = False  # not a pytest class

    def __init__(self, directory: Path, passphrase: bytes) -> None:
        self.directory = directory
        self.passphrase = passphrase
        self.root = self._load(_ROOT)
        self.issuing = self._load(_ISSUING)
        self.tsa = self._load(_TSA)

    # --- set-up --------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path | None = None, passphrase: bytes | None = None) -> TestPki:
        """The PKI in ``directory``, made there first if it is not there yet (idempotent)."""
        directory = directory or default_directory()
        passphrase = passphrase or default_passphrase()
        if not (directory / f"{_TSA}.p12").exists():
            cls._create(directory, passphrase)
        return cls(directory, passphrase)

    @classmethod
    def _create(cls, directory: Path, passphrase: bytes) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        day = datetime.timedelta(days=1)
        year = datetime.timedelta(days=365)
        root_from, root_to = _span(day, year * _CA_YEARS)
        ca_from, ca_to = _span(day, year * (_CA_YEARS - 1))
        tsa_from, tsa_to = _span(day, year * (_CA_YEARS - 2))
        root_key = _new_key("rsa")
        root_name = _name("Phê duyệt Test Root CA")
        root = cls._build(
            subject=root_name,
            issuer=root_name,
            public_key=root_key.public_key(),
            signing_key=root_key,
            not_before=root_from,
            not_after=root_to,
            ca=True,
            issuer_key=root_key,
        )
        cls._save(directory, _ROOT, root, root_key, passphrase, chain=[])
        issuing_key = _new_key("rsa")
        issuing = cls._build(
            subject=_name("Phê duyệt Test Issuing CA"),
            issuer=root.subject,
            public_key=issuing_key.public_key(),
            signing_key=root_key,
            not_before=ca_from,
            not_after=ca_to,
            ca=True,
            issuer_key=root_key,
        )
        cls._save(directory, _ISSUING, issuing, issuing_key, passphrase, chain=[root])
        tsa_key = _new_key("rsa")
        tsa = cls._build(
            subject=_name("Phê duyệt Test TSA"),
            issuer=issuing.subject,
            public_key=tsa_key.public_key(),
            signing_key=issuing_key,
            not_before=tsa_from,
            not_after=tsa_to,
            ca=False,
            issuer_key=issuing_key,
            time_stamping=True,
        )
        cls._save(directory, _TSA, tsa, tsa_key, passphrase, chain=[issuing, root])
        (directory / _REVOKED).write_text("[]")
        cls(directory, passphrase).write_crl()

    @staticmethod
    def _build(
        *,
        subject: x509.Name,
        issuer: x509.Name,
        public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
        signing_key: PrivateKey,
        not_before: datetime.datetime,
        not_after: datetime.datetime,
        ca: bool,
        issuer_key: PrivateKey,
        time_stamping: bool = False,
        digital_signature: bool = True,
        non_repudiation: bool = True,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                critical=False,
            )
        )
        if ca:
            usage = _key_usage(digital_signature=False, content_commitment=False, ca=True)
        elif time_stamping:
            usage = _key_usage(digital_signature=True, content_commitment=False, ca=False)
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        else:
            usage = _key_usage(
                digital_signature=digital_signature,
                content_commitment=non_repudiation,
                ca=False,
            )
        builder = builder.add_extension(usage, critical=True)
        if issuer != subject:
            # Where relying parties look for the CRL (validation also gets it handed directly).
            point = x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url())],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
            builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
        return builder.sign(signing_key, hashes.SHA256())

    @staticmethod
    def _save(
        directory: Path,
        name: str,
        cert: x509.Certificate,
        key: PrivateKey,
        passphrase: bytes,
        *,
        chain: list[x509.Certificate],
    ) -> Path:
        path = directory / f"{name}.p12"
        data = pkcs12.serialize_key_and_certificates(
            name=name.encode(),
            key=key,
            cert=cert,
            cas=chain or None,
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o600)
        path.with_suffix(".pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return path

    def _load(self, name: str) -> Identity:
        path = self.directory / f"{name}.p12"
        key, cert, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), self.passphrase)
        if (
            key is None
            or cert is None
            or not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
        ):
            raise ValueError(f"{path} holds no usable key and certificate")
        return Identity(certificate=cert, key=key, p12_path=path)

    # --- issuing -------------------------------------------------------------------------

    def issue(
        self,
        common_name: str,
        *,
        organisation: str = "",
        file_name: str | None = None,
        key_type: str = "rsa",
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
        digital_signature: bool = True,
        non_repudiation: bool = True,
        key: PrivateKey | None = None,
    ) -> Identity:
        """Issue an end-entity certificate from the issuing CA and store its PKCS#12 file.

        ``key`` reuses a key pair (key generation is the slow part; the tests and the demo
        give many people certificates over a few keys).
        """
        default_from, default_to = _span(
            datetime.timedelta(hours=1), datetime.timedelta(days=365 * _CERT_YEARS)
        )
        key = key or _new_key(key_type)
        cert = self._build(
            subject=_name(common_name, organisation),
            issuer=self.issuing.certificate.subject,
            public_key=key.public_key(),
            signing_key=self.issuing.key,
            not_before=not_before or default_from,
            not_after=not_after or default_to,
            ca=False,
            issuer_key=self.issuing.key,
            digital_signature=digital_signature,
            non_repudiation=non_repudiation,
        )
        name = file_name or slug(common_name)
        path = self._save(
            self.directory / "issued",
            name,
            cert,
            key,
            self.passphrase,
            chain=[self.issuing.certificate, self.root.certificate],
        )
        return Identity(certificate=cert, key=key, p12_path=path)

    def issue_person(self, full_name: str, **options: object) -> Identity:
        """A person's signing certificate: CN = full name."""
        return self.issue(full_name, **options)  # type: ignore[arg-type]

    def issue_organisation(self, agency_name: str, **options: object) -> Identity:
        """An agency's seal certificate: O and CN = the agency's name."""
        return self.issue(agency_name, organisation=agency_name, **options)  # type: ignore[arg-type]

    # --- revocation ----------------------------------------------------------------------

    def _revoked(self) -> list[dict[str, str]]:
        path = self.directory / _REVOKED
        return json.loads(path.read_text()) if path.exists() else []

    def revoke(self, cert: x509.Certificate, *, at: datetime.datetime | None = None) -> None:
        """Put ``cert`` on the issuing CA's CRL (revoked from ``at``, default now)."""
        revoked = self._revoked()
        revoked.append({"serial": str(cert.serial_number), "at": (at or _now()).isoformat()})
        (self.directory / _REVOKED).write_text(json.dumps(revoked))
        self.write_crl()

    def write_crl(self) -> x509.CertificateRevocationList:
        last, following = _span(datetime.timedelta(minutes=5), datetime.timedelta(days=_CRL_DAYS))
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.issuing.certificate.subject)
            .last_update(last)
            .next_update(following)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.issuing.key.public_key()),
                critical=False,
            )
            .add_extension(x509.CRLNumber(len(self._revoked()) + 1), critical=False)
        )
        for entry in self._revoked():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(int(entry["serial"]))
                .revocation_date(datetime.datetime.fromisoformat(entry["at"]))
                .build()
            )
        crl = builder.sign(self.issuing.key, hashes.SHA256())
        (self.directory / _CRL).write_bytes(crl.public_bytes(serialization.Encoding.DER))
        return crl

    def crl_der(self) -> bytes:
        """The issuing CA's current CRL (DER)."""
        return (self.directory / _CRL).read_bytes()

    # --- what signing and validation need ------------------------------------------------

    def root_pem(self) -> bytes:
        return self.root.certificate.public_bytes(serialization.Encoding.PEM)

    def chain_pem(self) -> list[bytes]:
        """The CA certificates below the root, to help build paths."""
        return [self.issuing.certificate.public_bytes(serialization.Encoding.PEM)]

    def timestamper(self) -> DummyTimeStamper:
        """An in-process RFC 3161 timestamp authority signing with the test TSA's key."""
        from asn1crypto import keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.timestamps import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        def der(cert: x509.Certificate) -> asn1_x509.Certificate:
            return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

        key_der = self.tsa.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return DummyTimeStamper(
            tsa_cert=der(self.tsa.certificate),
            tsa_key=keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=SimpleCertificateStore.from_certs(
                [der(self.issuing.certificate), der(self.root.certificate)]
            ),
        )


__all__ = ["TEST_MARK", "Identity", "TestPki", "default_directory", "slug"]
