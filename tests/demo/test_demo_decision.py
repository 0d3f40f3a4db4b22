"""The demo leaves a recognition decision issued and digitally signed: the two commands
write the root and the decision, and pyHanko's own validator accepts both signatures."""

from __future__ import annotations

import io
from io import StringIO

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from approvals.signing.trust import known_crls
from tests.demo.conftest import run_seed
from workflows.nominations.models import CandidateState, Dossier, DossierState


def test_the_demo_leaves_a_signed_and_issued_recognition_decision(demo, tmp_path):
    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    assert dossier.register_entry.symbol.endswith("/QĐ-UBND")
    assert dossier.candidates.filter(state=CandidateState.RECOGNISED).exists()
    root_file, out = tmp_path / "root.pem", tmp_path / "decision.pdf"
    call_command("pki", "export-root", str(root_file), stdout=StringIO())
    call_command("export_document", "decision", "latest", "--out", str(out), stdout=StringIO())
    roots = [
        asn1_x509.Certificate.load(der)
        for _kind, _headers, der in pem.unarmor(root_file.read_bytes(), multiple=True)
    ]
    context = ValidationContext(trust_roots=roots, crls=known_crls(), allow_fetching=False)
    signatures = list(PdfFileReader(io.BytesIO(out.read_bytes())).embedded_regular_signatures)
    assert len(signatures) == 2
    statuses = [validate_pdf_signature(s, context) for s in signatures]
    for status in statuses:
        assert status.intact, status.pretty_print_details()
        assert status.valid
        assert status.trusted
    seal = statuses[1]
    assert seal.timestamp_validity is not None
    assert seal.timestamp_validity.valid
    # seeding again adds no decision
    run_seed()
    assert Dossier.objects.count() == 1
