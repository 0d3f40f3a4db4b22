"""PDF and DOCX rendering, checked on the text read back out of the files."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from tests.documents.samples import (
    DATE_LINE,
    NUMBER_LINE,
    PANGRAM,
    SIGNER,
    SUBJECT,
    draft_layout,
    plan_layout,
    spec,
)
from workflows.documents import (
    DRAFT_MARKER,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_HEADING,
    Section,
    docx_text,
    pdf_text,
    render_docx,
    render_pdf,
    sha256_hex,
)

FORMATS = [
    pytest.param(render_pdf, pdf_text, id="pdf"),
    pytest.param(render_docx, docx_text, id="docx"),
]


def squash(text: str) -> str:
    """Whitespace runs (line wraps included) as single spaces."""
    return " ".join(text.split())


@pytest.mark.parametrize(("render", "extract"), FORMATS)
def test_every_component_of_the_plan_reads_back(render, extract):
    # given
    layout = plan_layout()
    # when
    text = extract(render(layout, spec()))
    flat = squash(text)
    # then: header, number and date line, title and subject
    for expected in (
        NATIONAL_TITLE,
        MOTTO,
        "UBND TỈNH BẮC GIANG",
        "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        NUMBER_LINE,
        DATE_LINE,
        "KẾ HOẠCH",
        SUBJECT,
        "Thực hiện Kế hoạch số 30/KH-BCĐ ngày 05/02/2024",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Phòng Bảo trợ xã hội",
        "triển khai thực hiện./.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        SIGNER,
    ):
        assert expected in flat, expected
    # the date line is one line of its own, exactly
    assert DATE_LINE in [line.strip() for line in text.splitlines()]
    # the recipients, one per line, the filing line last
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index(RECIPIENTS_HEADING)
    assert lines[start + 1 : start + 6] == [
        "- Sở Văn hóa - TT&DL;",
        "- Lãnh đạo Sở;",
        "- Các phòng, đơn vị trực thuộc Sở;",
        "- BBT Website;",
        "- Lưu: VT, VP.",
    ]
    # sections come in order, then the signature
    order = [flat.index(s) for s in ("I. MỤC", "II. NỘI", "III. TỔ", "KT. GIÁM ĐỐC", SIGNER)]
    assert order == sorted(order)
    assert DRAFT_MARKER not in text


@pytest.mark.parametrize(("render", "extract"), FORMATS)
def test_every_vietnamese_letter_round_trips_exactly(render, extract):
    # given: decomposed input (NFD), as pasted from some editors
    letters = PANGRAM + " ắằẳẵặ ƠƯĐ Ữ Ỹ Ỵ Ộ Ệ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ý ỷ"
    layout = plan_layout(
        sections=[
            Section(heading="I. KIỂM TRA", paragraphs=[unicodedata.normalize("NFD", letters)])
        ],
    )
    # when
    text = extract(render(layout, spec()))
    # then: rendered and read back precomposed
    assert letters in text
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(("render", "extract"), FORMATS)
def test_a_draft_shows_the_blank_number_and_the_draft_marker(render, extract):
    # when
    text = extract(render(draft_layout(), spec()))
    # then
    assert DRAFT_MARKER in text
    assert re.search(r"Số: {2,}/KH-LĐTĐ&XH", text)
    assert re.search(r"Bắc Giang, ngày {2,}tháng {2,}năm 2024", text)
    assert "01/KH" not in text


@pytest.mark.parametrize(("render", "extract"), FORMATS)
def test_an_official_letter_puts_its_subject_under_the_number(render, extract):
    # given
    letter = plan_layout(
        kind_title="",
        number_line="Số: 582/LĐTBXH-VP",
        subject_summary="Triển khai Phong trào năm 2024",
        addressees=["Các phòng, đơn vị trực thuộc Sở", "UBND các huyện, thành phố"],
        urgency="KHẨN",
        confidentiality="MẬT",
        attachments=["Phụ lục: Danh sách đơn vị đăng ký"],
    )
    # when
    flat = squash(extract(render(letter, spec())))
    # then
    assert "KẾ HOẠCH" not in flat
    for expected in (
        "Số: 582/LĐTBXH-VP",
        "V/v Triển khai Phong trào năm 2024",
        "KHẨN",
        "MẬT",
        "Kính gửi:",
        "- Các phòng, đơn vị trực thuộc Sở;",
        "- UBND các huyện, thành phố.",
        "Phụ lục: Danh sách đơn vị đăng ký",
    ):
        assert expected in flat, expected
    assert flat.index("Số: 582") < flat.index("V/v") < flat.index("Kính gửi:")


@pytest.mark.parametrize(("render", "extract"), FORMATS)
def test_a_long_plan_runs_over_pages_with_the_signature_intact(render, extract):
    # given: forty paragraphs
    long_plan = plan_layout(
        sections=[
            Section(
                heading="I. NỘI DUNG",
                paragraphs=[f"{n}. Nội dung thực hiện thứ {n} của kế hoạch." for n in range(40)],
            )
        ]
    )
    # when
    data = render(long_plan, spec())
    flat = squash(extract(data))
    # then
    assert "39. Nội dung thực hiện thứ 39" in flat
    assert flat.index("39. Nội dung") < flat.index("KT. GIÁM ĐỐC") < flat.index(SIGNER)


@pytest.mark.parametrize("render", [render_pdf, render_docx], ids=["pdf", "docx"])
def test_the_same_input_gives_the_same_bytes(render):
    # given
    layout, layout_spec = plan_layout(), spec()
    # when: rendered at two different moments
    with freeze_time("2024-02-05 08:00:00"):
        first = render(layout, layout_spec)
    with freeze_time("2025-12-31 23:59:58"):
        second = render(layout, layout_spec)
    # then
    assert first == second
    assert sha256_hex(first) == sha256_hex(second)
    assert re.fullmatch(r"[0-9a-f]{64}", sha256_hex(first))


@pytest.mark.parametrize("render", [render_pdf, render_docx], ids=["pdf", "docx"])
def test_one_changed_character_changes_the_hash(render):
    # given
    original = plan_layout()
    changed = plan_layout(signer_name=SIGNER.replace("Huấn", "Huân"))
    # when / then
    assert sha256_hex(render(original, spec())) != sha256_hex(render(changed, spec()))


def test_rendering_in_another_process_gives_the_same_hashes():
    # given: a fresh interpreter (fonts registered anew, other import order)
    script = (
        "from tests.documents.samples import plan_layout, spec\n"
        "from workflows.documents import render_docx, render_pdf, sha256_hex\n"
        "print(sha256_hex(render_pdf(plan_layout(), spec())))\n"
        "print(sha256_hex(render_docx(plan_layout(), spec())))\n"
    )
    root = Path(__file__).resolve().parents[2]
    # when
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    # then
    pdf_hash, docx_hash = result.stdout.split()
    assert pdf_hash == sha256_hex(render_pdf(plan_layout(), spec()))
    assert docx_hash == sha256_hex(render_docx(plan_layout(), spec()))


def test_the_pdf_is_a4_and_embeds_only_the_vendored_fonts():
    from pypdf import PdfReader

    # given
    layout_spec = spec()
    # when
    reader = PdfReader(io.BytesIO(render_pdf(plan_layout(), layout_spec)))
    # then
    box = reader.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == layout_spec.page_width_mm
    assert round(float(box.height) * 25.4 / 72) == layout_spec.page_height_mm
    fonts: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts.update(str(font["/BaseFont"]) for font in resources["/Font"].values())
    assert fonts
    assert all("LiberationSerif" in font for font in fonts)


def test_the_docx_names_times_new_roman_for_every_script_and_uses_the_spec():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    # given
    layout_spec = spec()
    # when
    document = Document(io.BytesIO(render_docx(plan_layout(), layout_spec)))
    # then
    section = document.sections[0]
    # (stored in twentieths of a point, so compared to the tenth of a millimetre)
    assert round(section.page_width.mm, 1) == layout_spec.page_width_mm
    assert round(section.page_height.mm, 1) == layout_spec.page_height_mm
    assert round(section.left_margin.mm, 1) == layout_spec.margin_left_mm
    assert round(section.right_margin.mm, 1) == layout_spec.margin_right_mm
    assert round(section.top_margin.mm, 1) == layout_spec.margin_top_mm
    assert round(section.bottom_margin.mm, 1) == layout_spec.margin_bottom_mm
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            fonts = run._r.rPr.find(qn("w:rFonts"))
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                assert fonts.get(qn(attribute)) == layout_spec.font_name
    body = [p for p in document.paragraphs if p.text.startswith("Thực hiện Kế hoạch")]
    assert body[0].runs[0].font.size == Pt(layout_spec.body_font_pt)
    indent = body[0].paragraph_format.first_line_indent
    assert round(indent.mm, 1) == layout_spec.first_line_indent_mm
    header, footer = document.tables
    assert not any(
        border.get(qn("w:val")) != "nil" for border in header._tbl.tblPr.find(qn("w:tblBorders"))
    )
    assert footer.rows[0].cells[0].paragraphs[0].runs[0].font.bold
    assert footer.rows[0].cells[0].paragraphs[0].runs[0].font.italic
