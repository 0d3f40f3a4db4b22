"""Text drawn by the signing layer keeps its letters' widths (fonts handed to pyHanko)."""

from __future__ import annotations

import io

import pypdf
from fontTools.ttLib import TTFont
from reportlab.pdfgen.canvas import Canvas

from approvals.signing.appearance import PDF_GLYPH_UNITS, pdf_ready_font
from approvals.signing.documents import fill_fields
from workflows.documents._fonts import font_path


def _form() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.acroForm.textfield(name="so", x=100, y=700, width=80, height=16, value="")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _widths(pdf: bytes) -> list[float]:
    """The /W widths of every CID font in the filled field's appearance."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    annotation = reader.pages[0]["/Annots"][0].get_object()  # type: ignore[index]
    fonts = annotation["/AP"]["/N"].get_object()["/Resources"]["/Font"]
    found: list[float] = []
    for ref in fonts.values():
        for descendant in ref.get_object().get("/DescendantFonts", []):
            entries = descendant.get_object().get("/W", [])
            found.extend(float(w) for item in entries if isinstance(item, list) for w in item)
    return found


def test_a_truetype_font_is_scaled_to_a_thousand_units_per_em_once(tmp_path, settings):
    settings.SIGNING_FONT_CACHE = str(tmp_path)
    original = str(font_path("regular"))
    assert TTFont(original)["head"].unitsPerEm != PDF_GLYPH_UNITS  # Liberation: 2,048
    pdf_ready_font.cache_clear()
    scaled = pdf_ready_font(original)
    assert scaled != original
    assert TTFont(scaled)["head"].unitsPerEm == PDF_GLYPH_UNITS
    assert list(tmp_path.iterdir()) == [tmp_path / scaled.rsplit("/", 1)[-1]]
    pdf_ready_font.cache_clear()
    assert pdf_ready_font(original) == scaled  # the cached copy is reused


def test_filled_digits_have_their_real_widths():
    filled = fill_fields(_form(), {"so": "01"}, font_path=str(font_path("regular")))
    widths = _widths(filled)
    assert widths, "the field's appearance has no CID font"
    # Liberation Serif's digits are half an em wide: 500 thousandths, not 1,024 font units
    assert max(widths) <= PDF_GLYPH_UNITS
    assert 450 <= min(widths) <= 550
