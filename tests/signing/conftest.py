"""A test PKI, credentials over it, a SoftHSM2 token and a CSC test server on loopback."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from approvals.signing.models import BackendKind, SigningCredential
from approvals.signing.pki import Identity, TestPki
from approvals.signing.trust import load_certificates, load_crls, validation_context

PASSPHRASE = b"test-pki-passphrase"
PIN = "246810"
SO_PIN = "13579111"
TOKEN_LABEL = "phe-duyet-test"
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
P12_ENV = "TEST_SIGNING_P12_PASSPHRASE"
PIN_ENV = "TEST_SIGNING_TOKEN_PIN"
CSC_TOKEN_ENV = "TEST_SIGNING_CSC_TOKEN"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return TestPki.open(tmp_path_factory.mktemp("pki"), PASSPHRASE)


@pytest.fixture(scope="session")
def person(pki: TestPki) -> Identity:
    return pki.issue_person("Nguyễn Văn An")


@pytest.fixture(scope="session")
def other_person(pki: TestPki) -> Identity:
    return pki.issue_person("Trần Thị Bình")


@pytest.fixture(scope="session")
def agency(pki: TestPki) -> Identity:
    return pki.issue_organisation("Sở Văn hóa, Thể thao và Du lịch")


@pytest.fixture
def roots(pki: TestPki) -> list:
    return load_certificates(pki.root_pem())


@pytest.fixture
def context(pki: TestPki, roots: list):
    """A fresh validation context over the test PKI (pyHanko's contexts keep state)."""
    return lambda: validation_context(
        roots=roots, crls=load_crls(pki.crl_der()), allow_fetching=False
    )


@pytest.fixture(autouse=True)
def _own_pki_only(settings: Any) -> None:
    """These tests trust their own PKI, not the site-wide test PKI of the test settings."""
    settings.SIGNING_TEST_PKI = False
    settings.SIGNING_TEST_AUTO_ENROL = False
    settings.SIGNING_PKI_FIXED_WINDOW = None


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(P12_ENV, PASSPHRASE.decode())
    monkeypatch.setenv(PIN_ENV, PIN)
    monkeypatch.setenv(CSC_TOKEN_ENV, "csc-test-token")


def p12_credential(identity: Identity, *, user: Any = None, unit: Any = None) -> SigningCredential:
    """An unsaved PKCS#12 credential (no database needed to sign)."""
    credential = SigningCredential(
        backend=BackendKind.PKCS12,
        config={"path": str(identity.p12_path), "passphrase_env": P12_ENV},
        certificate_pem=identity.certificate_pem,
        user_id=getattr(user, "pk", None),
        unit_id=getattr(unit, "pk", None),
    )
    credential.fill_from_certificate()
    return credential


@dataclass
class Owner:
    """Stands for a user or a unit where only the primary key matters."""

    pk: int


# --- SoftHSM2 ------------------------------------------------------------------------------


def _softhsm_required() -> bool:
    return any(os.environ.get(name) for name in ("CI", "E2E", "SIGNING_REQUIRED"))


@dataclass
class SoftHsm:
    module: str
    token_label: str
    labels: dict[str, Identity] = field(default_factory=dict)


@pytest.fixture(scope="session")
def softhsm(
    tmp_path_factory: pytest.TempPathFactory,
    pki: TestPki,
    person: Identity,
    other_person: Identity,
) -> SoftHsm:
    util = shutil.which("softhsm2-util")
    if util is None or not Path(SOFTHSM_MODULE).is_file():
        if _softhsm_required():
            pytest.fail("softhsm2 is required here (CI/SIGNING_REQUIRED) but is not installed")
        pytest.skip("softhsm2 is not installed (apt install softhsm2); set CI to require it")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\nslots.removable = false\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = lambda *args: subprocess.run([util, *args], check=True, capture_output=True)  # noqa: E731, S603
    run("--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", SO_PIN)
    hsm = SoftHsm(module=SOFTHSM_MODULE, token_label=TOKEN_LABEL)
    for index, (label, identity) in enumerate((("an", person), ("binh", other_person)), 1):
        key_file = folder / f"{label}.key.pem"
        key_file.write_bytes(
            identity.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        run("--import", str(key_file), "--token", TOKEN_LABEL, "--label", label,
            "--id", f"{index:02x}", "--pin", PIN)  # fmt: skip
        key_file.unlink()
        hsm.labels[label] = identity
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=PIN) as session:
        for index, (label, identity) in enumerate(hsm.labels.items(), 1):
            cert = identity.certificate
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: bytes([index]),
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                }
            )
        issuing = pki.issuing.certificate  # tokens carry their CA chain
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "issuing-ca",
                Attribute.SUBJECT: issuing.subject.public_bytes(),
                Attribute.VALUE: issuing.public_bytes(serialization.Encoding.DER),
            }
        )
    return hsm


def token_credential(
    hsm: SoftHsm, identity: Identity, *, key_label: str = "an", **config: Any
) -> SigningCredential:
    credential = SigningCredential(
        backend=BackendKind.PKCS11,
        config={
            "module": hsm.module,
            "token_label": hsm.token_label,
            "key_label": key_label,
            "pin_env": PIN_ENV,
            **config,
        },
        certificate_pem=identity.certificate_pem,
        user_id=1,
    )
    credential.fill_from_certificate()
    return credential


# --- the CSC test server (certomancer-csc-dummy) -------------------------------------------


@dataclass
class CscServer:
    url: str
    requests: Counter = field(default_factory=Counter)
    #: path -> seconds to wait before answering; path -> HTTP status to fail with.
    delays: dict[str, float] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)


def _certomancer_config(folder: Path, pki: TestPki, people: dict[str, Identity]) -> dict:
    def write_key(name: str, identity: Identity) -> str:
        path = folder / f"{name}.key.pem"
        path.write_bytes(
            identity.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.with_suffix(".crt").write_bytes(identity.certificate_pem.encode())
        return path.name

    validity = {"valid-from": "2000-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}
    keys = {"root": pki.root, "issuing": pki.issuing, **people}
    certs: dict[str, dict] = {}
    for name, identity in keys.items():
        write_key(name, identity)
        issuer = {"root": "root", "issuing": "root"}.get(name, "issuing")
        certs[name] = {
            "subject": name,
            "issuer": issuer,
            "validity": validity,
            "certificate-file": f"{name}.key.crt",
        }
    return {
        "keysets": {
            "test": {"keys": {name: {"path": f"{name}.key.pem"} for name in keys}},
        },
        "pki-architectures": {
            "test": {
                "keyset": "test",
                "entities": {name: {"common-name": name} for name in keys},
                "certs": certs,
            }
        },
    }


@pytest.fixture(scope="session")
def csc_server(
    tmp_path_factory: pytest.TempPathFactory, pki: TestPki, person: Identity, agency: Identity
):
    from aiohttp import web
    from certomancer.registry import CertomancerConfig
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

    folder = tmp_path_factory.mktemp("csc")
    config = CertomancerConfig(
        _certomancer_config(folder, pki, {"an": person, "agency": agency}),
        key_search_dir=str(folder),
        config_search_dir=str(folder),
    )
    service = CSCWithCertomancer(config, service_params=DummyServiceParams(multisign=25))
    service.register_routes()
    server = CscServer(url="")

    @web.middleware
    async def observe(request: web.Request, handler: Any) -> web.StreamResponse:
        server.requests[request.path] += 1
        await asyncio.sleep(server.delays.get(request.path, 0))
        if request.path in server.failures:
            return web.Response(status=server.failures[request.path])
        return await handler(request)

    service.app.middlewares.append(observe)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(service.app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield server
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)


@pytest.fixture
def csc(csc_server: CscServer) -> CscServer:
    csc_server.requests.clear()
    csc_server.delays.clear()
    csc_server.failures.clear()
    return csc_server


def csc_credential(
    server: CscServer, identity: Identity, *, credential_id: str = "test/an", **config: Any
) -> SigningCredential:
    credential = SigningCredential(
        backend=BackendKind.CSC,
        config={
            "url": server.url,
            "credential_id": credential_id,
            "token_env": CSC_TOKEN_ENV,
            **config,
        },
        certificate_pem=identity.certificate_pem,
        user_id=1,
    )
    credential.fill_from_certificate()
    return credential
