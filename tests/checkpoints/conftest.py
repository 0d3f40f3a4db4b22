"""The site's organisation seal over the signing tests' PKI, trusted as a site trusts its CA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from approvals.signing.models import SigningCredential
from approvals.signing.pki import Identity, TestPki
from tests.factories import OrgUnitFactory
from tests.signing.conftest import _secrets, p12_credential, pki

__all__ = ["_secrets", "pki"]


@pytest.fixture(scope="session")
def seal(pki: TestPki) -> Identity:
    return pki.issue_organisation("Ủy ban nhân dân tỉnh Bắc Giang")


@pytest.fixture
def root_pem(pki: TestPki, tmp_path: Path) -> Path:
    path = tmp_path / "root.pem"
    path.write_bytes(pki.root_pem())
    return path


@pytest.fixture
def site(settings: Any, tmp_path: Path, root_pem: Path) -> Path:
    """Only the test root trusted (SIGNING_TRUST_ROOTS), no timestamp service, checkpoints
    written under a temporary directory; returns that directory."""
    settings.SIGNING_TEST_PKI = False
    settings.SIGNING_TEST_AUTO_ENROL = False
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_TRUST_ROOTS = [str(root_pem)]
    settings.APPROVALS_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.APPROVALS_CHECKPOINT_UNIT = "tinh-bg"
    settings.APPROVALS_CHECKPOINT_WITNESSES = []
    return Path(settings.APPROVALS_CHECKPOINT_DIR)


@pytest.fixture
def organisation(db: None, site: Path, seal: Identity) -> SigningCredential:
    """The province (the tree's root) and its seal credential, registered."""
    unit = OrgUnitFactory(code="tinh-bg", name="Tỉnh Bắc Giang", parent=None)
    credential = p12_credential(seal, unit=unit)
    credential.save()
    return credential
