"""Remote signing over the Cloud Signature Consortium API (v1), through pyHanko's CSC signer.

One :func:`open_csc` block is one service session: the credential's certificates are read
once (``credentials/info``). For a batch, every document is prepared and hashed first; when
all of them have either handed over their hash or dropped out, the signer authorises all the
hashes at once (one ``credentials/authorize``) and signs them in one ``signatures/signHash``
call, up to the credential's ``multisign`` limit.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

from approvals.signing.exceptions import (
    CredentialMisconfigured,
    RemoteServiceError,
    RemoteServiceTimeout,
    SigningRefused,
)

#: Seconds to wait for the service when the credential's configuration names no timeout.
CSC_DEFAULT_TIMEOUT = 30.0


@dataclass
class _Member:
    """Whether the current document (one asyncio task) has handed its hash to the batch."""

    arrived: bool = False


_MEMBER: contextvars.ContextVar[_Member | None] = contextvars.ContextVar(
    "csc_batch_member", default=None
)


def batch_member() -> _Member:
    """Mark the current task as one document of a batch (call first in its coroutine)."""
    member = _Member()
    _MEMBER.set(member)
    return member


def remote_refusal(exc: BaseException | None) -> SigningRefused:
    """The refusal for a failed exchange with the service (a timeout, or anything else)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TimeoutError | asyncio.TimeoutError | aiohttp.ServerTimeoutError):
            return RemoteServiceTimeout()
        if isinstance(seen, SigningRefused):
            return seen
        seen = seen.__cause__ or seen.__context__
    return RemoteServiceError()


class _Authorizer(CSCAuthorizationManager):
    """Asks ``credentials/authorize`` for the SAD of exactly the hashes about to be signed."""

    def __init__(
        self,
        session_info: CSCServiceSessionInfo,
        credential_info: CSCCredentialInfo,
        *,
        http: aiohttp.ClientSession,
        pin: str | None,
        timeout: float,
        stats: dict[str, int],
    ) -> None:
        super().__init__(session_info, credential_info)
        self.http = http
        self.pin = pin
        self.timeout = timeout
        self.stats = stats

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        request = self.format_csc_auth_request(
            num_signatures=len(hash_b64s), pin=self.pin, hash_b64s=hash_b64s
        )
        self.stats["authorizations"] = self.stats.get("authorizations", 0) + 1
        async with self.http.post(
            self.csc_session_info.endpoint_url("credentials/authorize"),
            headers=self.auth_headers,
            json=request,
            raise_for_status=True,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
        ) as response:
            data = await response.json()
        return self.parse_csc_auth_response(data)


class BatchCSCSigner(CSCSigner):
    """pyHanko's CSC signer, committing a batch once every expected document is in it.

    Before a batch, :meth:`expect` says how many documents will ask for a signature; each
    either reaches :meth:`async_sign_raw` (its hash joins the batch) or is :meth:`drop`-ped
    (refused before hashing). The last of them triggers the commit, so one refused document
    neither blocks nor spoils the others.
    """

    def __init__(
        self,
        http: aiohttp.ClientSession,
        authorizer: _Authorizer,
        *,
        timeout: float,
        max_batch: int,
    ) -> None:
        super().__init__(
            http,
            authorizer,
            sign_timeout=int(timeout) or 1,
            batch_autocommit=False,
            batch_size=max_batch,
        )
        self.max_batch = max_batch
        self.stats = authorizer.stats
        self.commit_error: BaseException | None = None
        self._expected = 0
        self._arrived = 0
        self._dropped = 0
        self._commits: list[asyncio.Task[None]] = []

    def expect(self, count: int) -> None:
        self._expected, self._arrived, self._dropped = count, 0, 0
        self.commit_error = None

    def drop(self) -> None:
        """A document of the batch will not ask for a signature after all."""
        self._dropped += 1
        self._maybe_commit()

    def _maybe_commit(self) -> None:
        if self._arrived and self._arrived + self._dropped == self._expected:
            self._commits.append(asyncio.ensure_future(self._commit()))

    async def _commit(self) -> None:
        self.stats["sign_calls"] = self.stats.get("sign_calls", 0) + 1
        try:
            await self.commit()
        except Exception as exc:  # every waiting document reports it
            self.commit_error = exc

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        self._arrived += 1
        member = _MEMBER.get()
        if member is not None:
            member.arrived = True
        # Scheduled now, run once this document waits with its hash in the batch.
        self._maybe_commit()
        try:
            return await super().async_sign_raw(data, digest_algorithm)
        except SigningError as exc:
            raise remote_refusal(self.commit_error or exc) from exc


@asynccontextmanager
async def open_csc(
    *,
    url: str,
    credential_id: str,
    token: str | None,
    pin: str | None,
    timeout: float,
) -> AsyncIterator[BatchCSCSigner]:
    """A session with the CSC service at ``url`` for one credential."""
    if not url.startswith(("https://", "http://")) or not credential_id:
        raise CredentialMisconfigured()
    session_info = CSCServiceSessionInfo(
        service_url=url, credential_id=credential_id, oauth_token=token or None
    )
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
        try:
            info = await fetch_certs_in_csc_credential(
                http, session_info, timeout=int(timeout) or 1
            )
        except (SigningError, aiohttp.ClientError, TimeoutError) as exc:
            raise remote_refusal(exc) from exc
        stats: dict[str, Any] = {}
        authorizer = _Authorizer(
            session_info, info, http=http, pin=pin, timeout=timeout, stats=stats
        )
        yield BatchCSCSigner(
            http, authorizer, timeout=timeout, max_batch=max(1, info.max_batch_size)
        )


__all__ = [
    "CSC_DEFAULT_TIMEOUT",
    "BatchCSCSigner",
    "batch_member",
    "open_csc",
    "remote_refusal",
]
