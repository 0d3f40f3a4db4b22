"""Detached CMS signatures over a checkpoint's payload, made and checked with pyHanko.

The signature is a CMS ``SignedData`` (DER) without the content, the signer's certificate
and its chain embedded, and, where a timestamp service is configured, an RFC 3161
timestamp token over the signature (an unsigned attribute). Any CMS tool checks it::

    openssl cms -verify -binary -inform DER -in X.p7s -content X.json -CAfile root.pem
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from asn1crypto import cms
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

from approvals.signing.backends import open_key
from approvals.signing.trust import default_timestamper, validation_context

if TYPE_CHECKING:
    from approvals.signing.models import SigningCredential

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass(frozen=True)
class CmsSignature:
    """The DER signature, and whether (or why not) it carries a timestamp."""

    der: bytes
    timestamped: bool
    timestamp_note: str


async def _sign(data: bytes, credential: SigningCredential, timestamper: Any) -> bytes:
    async with open_key(credential) as key:
        signed = await key.signer.async_sign_general_data(
            data, "sha256", detached=True, timestamper=timestamper
        )
    return bytes(signed.dump())


def sign_detached(data: bytes, credential: SigningCredential) -> CmsSignature:
    """Sign ``data`` with the credential's key through the signing layer.

    Timestamped where a timestamp service is configured; a service that fails leaves the
    checkpoint signed but not timestamped, and says so (a checkpoint is better late-proven
    than missing).
    """
    timestamper = default_timestamper()
    if timestamper is None:
        return CmsSignature(_run(_sign(data, credential, None)), False, "not configured")
    try:
        return CmsSignature(_run(_sign(data, credential, timestamper)), True, "")
    except Exception as exc:
        from approvals.signing.exceptions import SigningRefused

        if isinstance(exc, SigningRefused):
            raise
        logger.warning("Checkpoint timestamp failed, signed without it: %s", exc)
        return CmsSignature(_run(_sign(data, credential, None)), False, f"failed: {exc}"[:200])


@dataclass(frozen=True)
class CmsCheck:
    """What the validator found: intact, trusted, the signer, the timestamp."""

    intact: bool
    trusted: bool
    signer: str
    timestamped: bool
    timestamp_ok: bool
    error: str = ""
    #: SHA-256 of the signer's certificate (DER), as ``SigningCredential.fingerprint``.
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and (self.timestamp_ok or not self.timestamped)


def verify_detached(data: bytes, der: bytes) -> CmsCheck:
    """Check the signature ``der`` over ``data`` against the site's trust roots."""
    try:
        content = cms.ContentInfo.load(der)
        signed_data = content["content"]
        if content["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        status = _run(
            async_validate_detached_cms(
                data,
                signed_data,
                signer_validation_context=validation_context(),
                ts_validation_context=validation_context(),
            )
        )
    except Exception as exc:
        return CmsCheck(False, False, "", False, False, error=str(exc)[:200])
    ts = getattr(status, "timestamp_validity", None)
    return CmsCheck(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        signer=status.signing_cert.subject.human_friendly,
        fingerprint=hashlib.sha256(status.signing_cert.dump()).hexdigest(),
        timestamped=ts is not None,
        timestamp_ok=ts is not None and bool(ts.intact and ts.valid and ts.trusted),
    )
