"""Sending each checkpoint to witnesses outside the site: HTTP endpoints that keep them.

A witness receives ``POST`` with a JSON body ``{"name", "sha256", "payload", "signature"}``
(payload and signature in base64; the payload's SHA-256 in hex) and answers 2xx. A witness
that fails does not stop the checkpoint: the outcome is recorded on it.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request

from approvals.audit.hashing import sha256_hex
from approvals.checkpoints import conf

logger = logging.getLogger(__name__)


def witness_body(name: str, payload: bytes, signature: bytes) -> bytes:
    """The JSON a witness receives."""
    return json.dumps(
        {
            "name": name,
            "sha256": sha256_hex(payload),
            "payload": base64.b64encode(payload).decode("ascii"),
            "signature": base64.b64encode(signature).decode("ascii"),
        }
    ).encode("utf-8")


def publish(name: str, payload: bytes, signature: bytes) -> dict[str, str]:
    """Send the checkpoint to every configured witness; ``{url: "ok" | "error: …"}``."""
    outcomes: dict[str, str] = {}
    body = witness_body(name, payload, signature)
    for url in conf.witnesses():
        if not url.startswith(("http://", "https://")):
            outcomes[url] = "error: not an http(s) URL"
            continue
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=conf.witness_timeout()) as answer:  # noqa: S310
                outcomes[url] = "ok" if 200 <= answer.status < 300 else f"error: {answer.status}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            logger.warning("Checkpoint %s not accepted by witness %s: %s", name, url, exc)
            outcomes[url] = f"error: {exc}"[:200]
    return outcomes
