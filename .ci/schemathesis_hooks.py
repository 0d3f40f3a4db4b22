"""schemathesis hooks for .ci/schemathesis.sh (loaded through ``SCHEMATHESIS_HOOKS``).

The fuzzer reuses a few ``Idempotency-Key`` values across different bodies, and the API
rightly answers those 422 ``idempotency_key_reused`` before looking at the body. So that the
actions themselves get fuzzed, most generated keys are replaced by a fresh UUID; one in five
is kept as generated, so the key handling is fuzzed too.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import schemathesis

_random = random.Random(20261122)  # noqa: S311 - test data, not security


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = case.headers
    if headers and "Idempotency-Key" in headers and _random.random() < 0.8:
        headers["Idempotency-Key"] = str(uuid.uuid4())
