"""``manage.py pki init`` and ``pki export-root FILE``."""

from __future__ import annotations

import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from approvals.signing.pki import TEST_MARK, TestPki


def test_init_is_idempotent_and_export_root_writes_the_test_root(tmp_path, settings):
    settings.SIGNING_PKI_DIR = tmp_path / "pki"
    settings.SIGNING_TEST_PKI = True
    call_command("pki", "init", stdout=io.StringIO())
    first = (tmp_path / "pki" / "root-ca.pem").read_bytes()
    call_command("pki", "init", stdout=io.StringIO())
    assert (tmp_path / "pki" / "root-ca.pem").read_bytes() == first
    target = tmp_path / "root.pem"
    call_command("pki", "export-root", str(target), stdout=io.StringIO())
    [root] = x509.load_pem_x509_certificates(target.read_bytes())
    assert root.public_bytes(serialization.Encoding.PEM) == first
    assert TEST_MARK in root.subject.rfc4514_string()


def test_export_root_writes_the_configured_roots_only(tmp_path, settings, pki):
    configured = tmp_path / "ca.pem"
    configured.write_bytes(pki.root_pem())
    settings.SIGNING_TRUST_ROOTS = [str(configured)]
    settings.SIGNING_TEST_PKI = False
    target = tmp_path / "out.pem"
    call_command("pki", "export-root", str(target), stdout=io.StringIO())
    assert target.read_bytes() == pki.root_pem()


def test_export_root_without_any_root_is_an_error(tmp_path, settings):
    settings.SIGNING_TRUST_ROOTS = []
    settings.SIGNING_TEST_PKI = False
    with pytest.raises(CommandError):
        call_command("pki", "export-root", str(tmp_path / "x.pem"))
    assert not (tmp_path / "x.pem").exists()


def test_issued_certificates_carry_the_test_mark_and_key_usage(pki: TestPki):
    person = pki.issue_person("Nguyễn Thị Lan")
    subject = person.certificate.subject.rfc4514_string()
    assert "CN=Nguyễn Thị Lan" in subject
    assert TEST_MARK in subject
    usage = person.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    seal = pki.issue_organisation("UBND xã Tân Dĩnh")
    assert "O=UBND xã Tân Dĩnh" in seal.certificate.subject.rfc4514_string()
