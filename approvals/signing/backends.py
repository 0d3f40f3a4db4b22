"""The three places a private key can be: a PKCS#11 token, a PKCS#12 file, a CSC service.

:func:`open_key` opens one credential's key once (one token login, one service session)
and yields a :class:`KeySession` whose pyHanko signer is used for every document of a
batch. Secrets come from the call (a PIN typed by the person) or from the environment
variable the credential's configuration names; they are never stored.

Errors of the devices and services are turned into specific refusals here.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography import x509
from django.utils.translation import gettext as _
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError

from approvals.signing.checks import check_device_certificate
from approvals.signing.csc import CSC_DEFAULT_TIMEOUT, open_csc
from approvals.signing.exceptions import (
    CredentialMisconfigured,
    KeyNotFound,
    PinLocked,
    PinMissing,
    SigningRefused,
    TokenAbsent,
    WrongPin,
)
from approvals.signing.models import BackendKind
from approvals.signing.trust import extra_certificates

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers.pdf_cms import Signer

    from approvals.signing.csc import BatchCSCSigner
    from approvals.signing.models import SigningCredential


@dataclass
class KeySession:
    """An opened key: the pyHanko signer and how the documents may go through it."""

    signer: Signer
    #: CSC: several documents are hashed first and signed in one call per batch.
    csc: BatchCSCSigner | None = None
    max_batch: int = 1
    stats: dict[str, int] = field(default_factory=dict)


def _secret(credential: SigningCredential, key: str, given: str | None) -> str | None:
    """A secret typed by the person, else the one in the environment variable named."""
    if given:
        return given
    name = str(credential.config.get(key) or "")
    return os.environ.get(name) if name else None


def _to_crypto(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


# --- PKCS#12 -------------------------------------------------------------------------------


def _open_pkcs12(credential: SigningCredential, passphrase: str | None) -> KeySession:
    path = str(credential.config.get("path", ""))
    secret = _secret(credential, "passphrase_env", passphrase)
    if not os.path.isfile(path):
        raise CredentialMisconfigured(
            _("The seal's key file “%(path)s” does not exist.") % {"path": path}
        )
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=secret.encode() if secret else None)
    if signer is None:
        raise WrongPin(_("The passphrase of the key file is wrong, or the file is damaged."))
    check_device_certificate(credential, _to_crypto(signer.signing_cert))
    return KeySession(signer=signer)


# --- PKCS#11 -------------------------------------------------------------------------------


def open_pkcs11_session(module: str, *, slot: int | None, token_label: str | None, pin: str) -> Any:
    """Open and log in to the token (a seam the tests count logins through)."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session as pyhanko_open

    criteria = TokenCriteria(label=token_label) if token_label else None
    return pyhanko_open(module, slot_no=slot, token_criteria=criteria, user_pin=pin)


def _pkcs11_refusal(exc: Exception) -> SigningRefused:
    import pkcs11.exceptions as p11

    if isinstance(exc, p11.PinIncorrect | p11.PinLenRange | p11.PinInvalid):
        return WrongPin()
    if isinstance(exc, p11.PinLocked | p11.PinExpired):
        return PinLocked()
    if isinstance(exc, p11.NoSuchKey | p11.MultipleObjectsReturned):
        return KeyNotFound()
    return TokenAbsent()


def _open_pkcs11(credential: SigningCredential, pin: str | None) -> tuple[KeySession, Any]:
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.sign.pkcs11 import PKCS11Signer

    config = credential.config
    secret = _secret(credential, "pin_env", pin)
    if not secret:
        raise PinMissing()
    module = str(config.get("module", ""))
    if not os.path.isfile(module):
        raise TokenAbsent(
            _("The token's PKCS#11 module “%(path)s” is not installed.") % {"path": module}
        )
    slot = config.get("slot")
    try:
        session = open_pkcs11_session(
            module,
            slot=int(slot) if slot is not None else None,
            token_label=config.get("token_label") or None,
            pin=secret,
        )
    except (PKCS11Error, RuntimeError, OSError) as exc:
        raise _pkcs11_refusal(exc) from exc
    try:
        key_label = str(config["key_label"])
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=str(config.get("cert_label") or key_label),
            # The CA certificates on the token and those the site knows build the chain.
            other_certs_to_pull=None,
            ca_chain=extra_certificates(),
        )
        device_cert = signer.signing_cert
    except (PKCS11Error, SigningError) as exc:
        session.close()
        raise KeyNotFound() from exc
    try:
        check_device_certificate(credential, _to_crypto(device_cert))
    except SigningRefused:
        session.close()
        raise
    return KeySession(signer=signer), session


# --- the one entry point -------------------------------------------------------------------


@asynccontextmanager
async def open_key(
    credential: SigningCredential, *, pin: str | None = None
) -> AsyncIterator[KeySession]:
    """Open the credential's key once for all the documents signed inside the block."""
    backend = credential.backend
    if backend == BackendKind.PKCS12:
        yield _open_pkcs12(credential, pin)
    elif backend == BackendKind.PKCS11:
        key, session = await asyncio.to_thread(_open_pkcs11, credential, pin)
        try:
            yield key
        finally:
            session.close()
    elif backend == BackendKind.CSC:
        config = credential.config
        async with open_csc(
            url=str(config.get("url", "")).rstrip("/"),
            credential_id=str(config.get("credential_id", "")),
            token=_secret(credential, "token_env", None),
            pin=_secret(credential, "pin_env", pin),
            timeout=float(config.get("timeout") or CSC_DEFAULT_TIMEOUT),
        ) as csc:
            check_device_certificate(credential, _to_crypto(csc.signing_cert))
            yield KeySession(
                signer=csc,
                csc=csc,
                max_batch=csc.max_batch,
                stats=csc.stats,
            )
    else:
        raise CredentialMisconfigured()


__all__ = ["KeySession", "open_key", "open_pkcs11_session"]
