"""A checkpoint signed by a seal on a PKCS#11 token (SoftHSM2), through the signing layer.

Here, beside the token fixture: a second module importing ``softhsm`` would set up a second
token in the same process and import the same key labels twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from approvals.checkpoints.cms import sign_detached, verify_detached
from approvals.signing.pki import Identity, TestPki
from tests.signing.conftest import token_credential


def test_a_token_signs_a_checkpoint_that_verifies(
    settings: Any, tmp_path: Path, pki: TestPki, softhsm: Any, person: Identity
) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root_pem())
    settings.SIGNING_TEST_PKI = False
    settings.SIGNING_TEST_AUTO_ENROL = False
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_TRUST_ROOTS = [str(root)]
    credential = token_credential(softhsm, person, key_label="an")
    payload = b'{"chains":[],"type":"vn-approvals.audit-checkpoint"}'
    signature = sign_detached(payload, credential)
    check = verify_detached(payload, signature.der)
    assert (check.intact, check.trusted, check.ok) == (True, True, True)
    assert not verify_detached(payload + b" ", signature.der).ok
