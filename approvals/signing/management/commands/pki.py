"""``manage.py pki``: the throwaway test PKI of the demo and the tests, and the trust roots.

- ``pki init``: make the test PKI under ``SIGNING_PKI_DIR`` (nothing changes if it exists);
- ``pki export-root FILE``: write the site's trust root(s) as PEM (``-`` for stdout): the
  configured ``SIGNING_TRUST_ROOTS``, and the test root when ``SIGNING_TEST_PKI`` is on;
- ``pki issue-person NAME`` / ``pki issue-organisation NAME``: a test certificate (PKCS#12);
- ``pki revoke FILE``: put a test certificate (PEM) on the test CRL.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from cryptography import x509
from django.core.management.base import BaseCommand, CommandError, CommandParser

from approvals.signing.pki import TEST_MARK, TestPki


class Command(BaseCommand):
    help = "Test PKI of the demo (init, issue, revoke) and export of the site's trust roots."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="Make the test PKI if it is not there yet.")
        export = sub.add_parser("export-root", help="Write the trust root(s) as PEM.")
        export.add_argument("file", help="Where to write; - for standard output.")
        for name in ("issue-person", "issue-organisation"):
            issue = sub.add_parser(name, help="Issue a test certificate (PKCS#12 file).")
            issue.add_argument("name")
        revoke = sub.add_parser("revoke", help="Revoke a test certificate (PEM file).")
        revoke.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export-root":
            self._export(options["file"])
            return
        pki = TestPki.open()
        if action == "init":
            self.stdout.write(f"{pki.directory} ({TEST_MARK})")
        elif action in ("issue-person", "issue-organisation"):
            issue = pki.issue_person if action == "issue-person" else pki.issue_organisation
            self.stdout.write(str(issue(options["name"]).p12_path))
        elif action == "revoke":
            cert = x509.load_pem_x509_certificate(Path(options["file"]).read_bytes())
            pki.revoke(cert)
            self.stdout.write(f"revoked {cert.serial_number:x}")

    def _export(self, target: str) -> None:
        from asn1crypto import pem

        from approvals.signing.trust import trust_roots

        roots = trust_roots()
        if not roots:
            raise CommandError(
                "No trust root is configured: set SIGNING_TRUST_ROOTS (or SIGNING_TEST_PKI)."
            )
        data = b"".join(pem.armor("CERTIFICATE", root.dump()) for root in roots)
        if target == "-":
            sys.stdout.buffer.write(data)
        else:
            Path(target).write_bytes(data)
            self.stdout.write(f"{len(roots)} root(s) -> {target}")
