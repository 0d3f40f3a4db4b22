"""PKCS#12 back-end: signer's approval signature, number and date filled, seal with timestamp."""

from __future__ import annotations

import datetime
import re

from django.utils import translation

from approvals.signing.appearance import Appearance, FieldSpec
from approvals.signing.documents import fill_fields, sign_pdf
from approvals.signing.validation import validate_pdf
from tests.signing.conftest import Owner, p12_credential
from tests.signing.helpers import SEAL_BOX, SIGNER_BOX, png, sample_pdf, signature_dicts

BLUE = (0, 0, 200)
RED = (220, 0, 0)


def _issue(pdf, person, agency, context, pki, *, certify=False):
    """The plan's two signatures as Phụ lục I orders them, with the clerk's fill between."""
    signed = sign_pdf(
        pdf,
        credential=p12_credential(person, user=Owner(1)),
        as_user=Owner(1),
        field=FieldSpec("signer", page=0, box=SIGNER_BOX),
        appearance=Appearance(image_png=png(BLUE)),
        reason="Ký duyệt",
        certify=certify,
        validation=context(),
        # After a certification only existing fields may be signed: reserve the seal's.
        reserve=[FieldSpec("seal", page=0, box=SEAL_BOX)] if certify else (),
    )
    filled = fill_fields(signed, {"so": "Số: 12/KH-VHTTDL", "ngay": "Bắc Giang, ngày 05 tháng 02"})
    sealed = sign_pdf(
        filled,
        credential=p12_credential(agency, unit=Owner(7)),
        as_unit=Owner(7),
        field=FieldSpec("seal", page=0, box=SEAL_BOX),
        appearance=Appearance(image_png=png(RED), lines=("{organisation}", "{time}")),
        timestamp=True,
        timestamper=pki.timestamper(),
        validation=context(),
    )
    return signed, filled, sealed


def test_seal_alone_signs_and_validates(pki, agency, context, roots):
    pdf = sample_pdf()
    signed = sign_pdf(
        pdf,
        credential=p12_credential(agency, unit=Owner(7)),
        as_unit=Owner(7),
        field=FieldSpec("seal", page=0, box=SEAL_BOX),
        validation=context(),
    )
    assert signed.startswith(pdf)  # an incremental update: the original bytes are kept
    [report] = validate_pdf(signed, roots)
    assert report.bottom_line
    assert report.intact
    assert report.trusted
    assert report.signer_name == "Sở Văn hóa, Thể thao và Du lịch"
    assert report.organisation == "Sở Văn hóa, Thể thao và Du lịch"
    assert report.coverage in ("ENTIRE_FILE", "ENTIRE_REVISION")  # B-LT adds the DSS after
    assert not report.reasons


def test_approval_then_fill_then_timestamped_seal_validate_as_form_filling(
    pki, person, agency, context, roots
):
    _signed, _filled, sealed = _issue(sample_pdf(3), person, agency, context, pki)
    reports = validate_pdf(sealed, roots)
    assert [r.kind for r in reports] == ["signature", "signature", "document_timestamp"]
    signer, seal, archive = reports
    assert all(r.bottom_line and r.intact and r.trusted for r in reports), reports
    assert signer.field_name == "signer"
    assert signer.signer_name == "Nguyễn Văn An"
    assert signer.modification_level == "FORM_FILLING"
    assert signer.changes_allowed
    assert not signer.timestamped
    assert seal.timestamped
    assert seal.timestamp_valid
    assert seal.modification_level in ("NONE", "LTA_UPDATES")
    assert archive.timestamp_valid


def test_certified_signer_then_fill_and_seal_still_validate(pki, person, agency, context, roots):
    """pyHanko's own form filling keeps a certification (FILL_FORMS) valid."""
    _signed, _filled, sealed = _issue(sample_pdf(), person, agency, context, pki, certify=True)
    signer, seal, _archive = validate_pdf(sealed, roots)
    assert signer.bottom_line, signer.reasons
    assert signer.modification_level == "FORM_FILLING"
    assert seal.bottom_line


def test_the_filled_number_is_in_the_document(pki, person, agency, context):
    import io

    from pypdf import PdfReader

    _signed, filled, _sealed = _issue(sample_pdf(), person, agency, context, pki)
    fields = PdfReader(io.BytesIO(filled)).get_fields() or {}
    assert fields["so"]["/V"] == "Số: 12/KH-VHTTDL"


def test_one_byte_changed_inside_the_signed_range_breaks_validation(
    pki, person, agency, context, roots
):
    _signed, _filled, sealed = _issue(sample_pdf(), person, agency, context, pki)
    tampered = bytearray(sealed)
    offset = sealed.index(b"KE HOACH")  # in the page's content, inside every signed range
    tampered[offset] ^= 0x01
    with translation.override("en"):
        reports = validate_pdf(bytes(tampered), roots)
    signer = reports[0]
    assert not signer.intact
    assert not signer.bottom_line
    assert signer.reasons
    assert "signed bytes differ" in signer.reasons[0]


def test_signature_records_the_signing_time_in_vietnam_time(person, context):
    before = datetime.datetime.now(datetime.UTC)
    signed = sign_pdf(
        sample_pdf(),
        credential=p12_credential(person, user=Owner(1)),
        as_user=Owner(1),
        field=FieldSpec("signer", page=0, box=SIGNER_BOX),
        appearance=Appearance.text_stamp(),
        validation=context(),
    )
    [sig] = signature_dicts(signed)
    assert re.fullmatch(r"D:\d{14}\+07'00'?", str(sig["/M"])), sig["/M"]
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
    plus_seven = datetime.timezone(datetime.timedelta(hours=7))
    stamp = datetime.datetime.strptime(str(sig["/M"])[2:16], "%Y%m%d%H%M%S").replace(
        tzinfo=plus_seven
    )
    assert abs((stamp - before).total_seconds()) < 120


def test_signature_field_is_placed_where_asked(person, context):
    import io

    from pypdf import PdfReader

    signed = sign_pdf(
        sample_pdf(2),
        credential=p12_credential(person, user=Owner(1)),
        as_user=Owner(1),
        field=FieldSpec("signer", page=1, box=SIGNER_BOX),
        appearance=Appearance(image_png=png(BLUE)),
        validation=context(),
    )
    reader = PdfReader(io.BytesIO(signed))
    annots = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    [widget] = [
        a for a in annots if a.get("/T") == "signer" or a.get("/Parent", {}).get("/T") == "signer"
    ]
    assert [float(v) for v in widget["/Rect"]] == list(SIGNER_BOX)
    assert not reader.pages[0].get("/Annots") or all(
        a.get_object().get("/T") != "signer" for a in reader.pages[0]["/Annots"]
    )
