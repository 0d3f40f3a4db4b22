"""A document to be signed electronically: empty number and date fields, a signer's slot."""

from __future__ import annotations

import io

import pypdf
from reportlab.lib.units import mm

from tests.documents import samples
from workflows.documents.pdf import render_pdf, render_pdf_placed
from workflows.documents.pdf_fields import DATE_FIELDS, NUMBER_FIELD, SIGNER_SLOT


def _fillable():
    return samples.plan_layout(
        number_line="Số:      /KH-LĐTBXH", fillable=True, place_name="Bắc Giang"
    )


def _text_positions(data: bytes, page: int) -> dict[str, tuple[float, float]]:
    """Each text run on ``page`` with its (x, y) on the page."""
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.setdefault(text.strip(), (tm[4] + cm[4], tm[5] + cm[5]))

    pypdf.PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return found


def test_the_number_and_date_are_empty_form_fields_in_the_header():
    data, placement = render_pdf_placed(_fillable(), samples.spec())
    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields() or {}
    assert set(fields) == {NUMBER_FIELD, *DATE_FIELDS}
    assert all(not f.get("/V") for f in fields.values())
    spec = samples.spec()
    top = (spec.page_height_mm - spec.margin_top_mm) * mm
    number = placement.boxes[NUMBER_FIELD]
    left_column = (spec.margin_left_mm + spec.content_width_mm * spec.header_left_percent / 100)
    assert number.page == 0
    assert number.x2 < left_column * mm  # in the left column, under the agency
    for name in DATE_FIELDS:
        box = placement.boxes[name]
        assert box.page == 0
        assert box.x1 > left_column * mm  # in the right column, under the motto
        assert abs(box.y1 - number.y1) < spec.place_date_font_pt  # on the number's line
        assert top - 40 * mm < box.y1 < top


def test_the_signer_slot_lies_between_the_capacity_lines_and_the_name():
    data, placement = render_pdf_placed(_fillable(), samples.spec())
    slot = placement.boxes[SIGNER_SLOT]
    spec = samples.spec()
    assert abs(slot.height - spec.signature_space_mm * mm) < 0.01
    texts = _text_positions(data, slot.page)
    capacity = texts[samples.plan_layout().signature_block[-1].upper()]
    name = texts[samples.SIGNER]
    assert name[1] < slot.y1 < slot.y2 < capacity[1]
    assert slot.x1 <= name[0] <= slot.x2


def test_an_ordinary_rendering_has_no_fields_and_is_unchanged():
    layout = samples.plan_layout()
    data, placement = render_pdf_placed(layout, samples.spec())
    assert placement.boxes == {}
    assert not pypdf.PdfReader(io.BytesIO(data)).get_fields()
    assert data == render_pdf(layout, samples.spec())
