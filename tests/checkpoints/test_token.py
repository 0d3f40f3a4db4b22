"""A checkpoint signed by a seal on a PKCS#11 token (SoftHSM2), through the signing layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from approvals.checkpoints.cms import sign_detached, verify_detached
from approvals.signing.pki import Identity
from tests.checkpoints.conftest import seal  # noqa: F401 - fixture
from tests.signing.conftest import other_person, person, softhsm, token_credential  # noqa: F401


def test_a_token_signs_a_checkpoint_that_verifies(
    site: Path,
    softhsm: Any,  # noqa: F811
    person: Identity,  # noqa: F811
) -> None:
    credential = token_credential(softhsm, person, key_label="an")
    payload = b'{"chains":[],"type":"vn-approvals.audit-checkpoint"}'
    signature = sign_detached(payload, credential)
    check = verify_detached(payload, signature.der)
    assert (check.intact, check.trusted, check.ok) == (True, True, True)
    assert not verify_detached(payload + b" ", signature.der).ok
