"""Render a :class:`DocumentLayout` to PDF with reportlab, in the Decree 30/2020 layout.

The vendored Liberation Serif (metric-compatible with Times New Roman) carries every
Vietnamese letter; reportlab's built-in fonts do not. The output is deterministic: the same
layout and spec give the same bytes, so the SHA-256 of a rendered revision is stable.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from workflows.documents._fonts import FAMILY, font_path, single_line_factor
from workflows.documents.layout import (
    ADDRESSEES_HEADING,
    DRAFT_MARKER,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_HEADING,
    DocumentLayout,
    LayoutSpec,
    Section,
    nfc,
)
from workflows.documents.pdf_fields import (
    FIELD_FACE,
    SIGNER_SLOT,
    FieldLine,
    Placement,
    SlotSpace,
    annex_citation_parts,
    date_parts,
    number_parts,
)

REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"

# Drawing details Decree 30 leaves open ("nét liền"): thin black solid lines and boxes.
RULE_THICKNESS_PT = 0.6
BOX_PADDING_PT = 2


@functools.cache
def register_fonts() -> None:
    """Register the four Liberation Serif faces with reportlab (once per process)."""
    for name, style in (
        (REGULAR, "regular"),
        (BOLD, "bold"),
        (ITALIC, "italic"),
        (BOLD_ITALIC, "bold_italic"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    pdfmetrics.registerFontFamily(
        FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )


def _markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, line breaks kept, runs of spaces kept."""
    lines = []
    for line in nfc(text).split("\n"):
        escaped = escape(line)
        while "  " in escaped:
            escaped = escaped.replace("  ", " &nbsp;")
        lines.append(escaped)
    return "<br/>".join(lines)


def _width(text: str, font: str, size: float) -> float:
    """The widest line of ``text`` in points."""
    return float(max(pdfmetrics.stringWidth(line, font, size) for line in nfc(text).split("\n")))


class _Styles:
    """Paragraph styles of every component, sized from the spec."""

    def __init__(self, spec: LayoutSpec) -> None:
        self.spec = spec
        self.single = single_line_factor()
        body_leading = spec.body_font_pt * self.single * spec.line_spacing_percent / 100
        self.body = ParagraphStyle(
            "body",
            fontName=REGULAR,
            fontSize=spec.body_font_pt,
            leading=body_leading,
            alignment=TA_JUSTIFY,
            firstLineIndent=spec.first_line_indent_mm * mm,
            spaceBefore=spec.paragraph_spacing_pt,
        )
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=BOLD)
        self.centred = ParagraphStyle(
            "centred", parent=self.heading, alignment=TA_CENTER, firstLineIndent=0
        )
        self.attachment = ParagraphStyle("attachment", parent=self.body, fontName=ITALIC)

    def line(
        self, name: str, font: str, size: int, alignment: int = TA_CENTER, space_before: float = 0
    ) -> ParagraphStyle:
        """A single-spaced style for the header, title and signature components."""
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=size * self.single,
            alignment=alignment,
            spaceBefore=space_before,
        )


def _rule(width: float, space_before: float = 1) -> HRFlowable:
    return HRFlowable(
        width=width,
        thickness=RULE_THICKNESS_PT,
        color=colors.black,
        spaceBefore=space_before,
        spaceAfter=0,
        hAlign="CENTER",
    )


def _boxed(text: str, style: ParagraphStyle, align: str = "CENTER") -> Table:
    """A bold mark in a single-line frame (draft marker, urgency, confidentiality)."""
    width = _width(text, style.fontName, style.fontSize) + 4 * BOX_PADDING_PT
    table = Table([[Paragraph(_markup(text), style)]], colWidths=[width], hAlign=align)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # not Helvetica
                ("BOX", (0, 0), (-1, -1), RULE_THICKNESS_PT, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING_PT),
                ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING_PT),
                ("TOPPADDING", (0, 0), (-1, -1), BOX_PADDING_PT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), BOX_PADDING_PT),
            ]
        )
    )
    return table


def _grid(rows: list[list[list[Flowable]]], widths: list[float], row_gap: float) -> Table:
    """A borderless table laid out cell by cell, top-aligned, without padding."""
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # not Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, -1), row_gap),
            ]
        )
    )
    return table


def _header(
    layout: DocumentLayout, spec: LayoutSpec, st: _Styles, placement: Placement
) -> list[Flowable]:
    left_w = spec.content_width_mm * mm * spec.header_left_percent / 100
    right_w = spec.content_width_mm * mm - left_w
    left: list[Flowable] = []
    if layout.parent_agency.strip():
        left.append(
            Paragraph(
                _markup(layout.parent_agency),
                st.line("parent_agency", REGULAR, spec.parent_agency_font_pt),
            )
        )
    left.append(Paragraph(_markup(layout.agency), st.line("agency", BOLD, spec.agency_font_pt)))
    agency_w = min(_width(layout.agency, BOLD, spec.agency_font_pt), left_w)
    left.append(_rule(agency_w * spec.short_rule_percent / 100))

    right: list[Flowable] = [
        Paragraph(_markup(NATIONAL_TITLE), st.line("national", BOLD, spec.national_title_font_pt)),
        Paragraph(_markup(MOTTO), st.line("motto", BOLD, spec.motto_font_pt)),
        _rule(_width(MOTTO, BOLD, spec.motto_font_pt)),
    ]

    number: list[Flowable] = [
        FieldLine(
            number_parts(nfc(layout.number_line)),
            font=REGULAR,
            field_face=FIELD_FACE["regular"],
            size=spec.number_font_pt,
            leading=spec.number_font_pt * st.single,
            placement=placement,
        )
        if layout.fillable
        else Paragraph(_markup(layout.number_line), st.line("number", REGULAR, spec.number_font_pt))
    ]
    if layout.is_letter and layout.subject_summary.strip():
        number.append(
            Paragraph(
                _markup(layout.letter_subject()),
                st.line(
                    "letter_subject",
                    REGULAR,
                    spec.letter_subject_font_pt,
                    space_before=spec.paragraph_spacing_pt,
                ),
            )
        )
    mark_style = st.line("mark", BOLD, spec.mark_font_pt)
    for mark in (layout.confidentiality, layout.urgency):
        if mark.strip():
            number.append(Spacer(1, spec.paragraph_spacing_pt))
            number.append(_boxed(mark, mark_style))
    date: list[Flowable] = [
        FieldLine(
            date_parts(nfc(layout.place_name)),
            font=ITALIC,
            field_face=FIELD_FACE["italic"],
            size=spec.place_date_font_pt,
            leading=spec.place_date_font_pt * st.single,
            placement=placement,
        )
        if layout.fillable
        else Paragraph(
            _markup(layout.place_date), st.line("place_date", ITALIC, spec.place_date_font_pt)
        )
    ]
    flowables: list[Flowable] = []
    if layout.draft:
        flowables.append(_boxed(DRAFT_MARKER, mark_style, align="RIGHT"))
        flowables.append(Spacer(1, spec.paragraph_spacing_pt))
    flowables.append(
        _grid([[left, right], [number, date]], [left_w, right_w], spec.paragraph_spacing_pt)
    )
    return flowables


def _title(layout: DocumentLayout, spec: LayoutSpec, st: _Styles) -> list[Flowable]:
    blank_line = spec.body_font_pt * st.single
    if layout.is_letter:
        return _addressees(layout, spec, st, blank_line)
    flowables: list[Flowable] = [
        Paragraph(
            _markup(layout.kind_title),
            st.line("title", BOLD, spec.title_font_pt, space_before=blank_line),
        )
    ]
    if layout.subject_summary.strip():
        subject_style = st.line("subject", BOLD, spec.subject_font_pt)
        flowables.append(Paragraph(_markup(layout.subject_summary), subject_style))
        subject_w = min(
            _width(layout.subject_summary, BOLD, spec.subject_font_pt), spec.content_width_mm * mm
        )
        flowables.append(_rule(subject_w * spec.short_rule_percent / 100, space_before=2))
    flowables.append(Spacer(1, spec.paragraph_spacing_pt))
    return flowables


def _addressees(
    layout: DocumentLayout, spec: LayoutSpec, st: _Styles, blank_line: float
) -> list[Flowable]:
    names = [nfc(n).strip() for n in layout.addressees if n.strip()]
    if not names:
        return [Spacer(1, blank_line)]
    style = st.line("addressees", REGULAR, spec.body_font_pt, alignment=TA_LEFT)
    lines = [names[0]] if len(names) == 1 else [f"- {n.rstrip(';.')};" for n in names]
    if len(names) > 1:
        lines[-1] = lines[-1][:-1] + "."
    label_w = _width(ADDRESSEES_HEADING, REGULAR, spec.body_font_pt) + spec.body_font_pt / 2
    text_w = min(
        max(_width(line, REGULAR, spec.body_font_pt) for line in lines) + 1,
        spec.content_width_mm * mm - label_w,
    )
    table = Table(
        [
            [
                Paragraph(_markup(ADDRESSEES_HEADING), style),
                [Paragraph(_markup(line), style) for line in lines],
            ]
        ],
        colWidths=[label_w, text_w],
        hAlign="CENTER",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # not Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [Spacer(1, blank_line), table, Spacer(1, spec.paragraph_spacing_pt)]


def _sections(sections: list[Section], st: _Styles) -> list[Flowable]:
    flowables: list[Flowable] = []
    for section in sections:
        if section.heading.strip():
            style = st.centred if section.centred else st.heading
            flowables.append(Paragraph(_markup(section.heading), style))
        flowables.extend(Paragraph(_markup(p), st.body) for p in section.paragraphs)
        for item in section.items:
            if item.heading.strip():
                flowables.append(Paragraph(_markup(item.heading), st.heading))
            flowables.extend(Paragraph(_markup(p), st.body) for p in item.paragraphs)
    return flowables


def _body(layout: DocumentLayout, st: _Styles) -> list[Flowable]:
    flowables: list[Flowable] = [Paragraph(_markup(p), st.body) for p in layout.basis]
    flowables.extend(_sections(layout.sections, st))
    if layout.closing.strip():
        flowables.append(Paragraph(_markup(layout.closing), st.body))
    flowables.extend(Paragraph(_markup(a), st.attachment) for a in layout.attachments)
    return flowables


def _annex(layout: DocumentLayout, st: _Styles, placement: Placement) -> list[Flowable]:
    """The annex on a page of its own after the signature: centred heading, then its text."""
    if not layout.annex and not layout.annex_heading:
        return []
    flowables: list[Flowable] = [PageBreak()]
    flowables.extend(Paragraph(_markup(line), st.centred) for line in layout.annex_heading)
    citation = layout.annex_citation
    if citation is not None:
        style = st.line("annex_citation", ITALIC, st.spec.body_font_pt)
        first, second = citation.lines()
        if layout.fillable:
            flowables.append(
                FieldLine(
                    annex_citation_parts(citation.kind, citation.symbol),
                    font=ITALIC,
                    field_face=FIELD_FACE["italic"],
                    size=st.spec.body_font_pt,
                    leading=st.spec.body_font_pt * st.single,
                    placement=placement,
                )
            )
        else:
            flowables.append(Paragraph(_markup(first), style))
        flowables.append(Paragraph(_markup(second), style))
    flowables.extend(_sections(layout.annex, st))
    return flowables


def _footer(
    layout: DocumentLayout, spec: LayoutSpec, st: _Styles, placement: Placement
) -> list[Flowable]:
    left_w = spec.content_width_mm * mm * spec.header_left_percent / 100
    right_w = spec.content_width_mm * mm - left_w
    left: list[Flowable] = []
    lines = layout.recipient_lines()
    if lines:
        left.append(
            Paragraph(
                _markup(RECIPIENTS_HEADING),
                st.line(
                    "recipients_heading",
                    BOLD_ITALIC,
                    spec.recipients_heading_font_pt,
                    alignment=TA_LEFT,
                ),
            )
        )
        style = st.line("recipients", REGULAR, spec.recipients_font_pt, alignment=TA_LEFT)
        left.extend(Paragraph(_markup(line), style) for line in lines)
    signature_style = st.line("signature", BOLD, spec.signature_font_pt)
    right: list[Flowable] = [
        Paragraph(_markup(line.upper()), signature_style) for line in layout.signature_block
    ]
    if layout.fillable:
        right.append(SlotSpace(SIGNER_SLOT, right_w, spec.signature_space_mm * mm, placement))
    else:
        right.append(Spacer(1, spec.signature_space_mm * mm))
    right.append(
        Paragraph(_markup(layout.signer_name), st.line("signer", BOLD, spec.signer_name_font_pt))
    )
    return [
        Spacer(1, spec.body_font_pt * st.single),
        _grid([[left or [Spacer(1, 0)], right]], [left_w, right_w], 0),
    ]


def _page_number(spec: LayoutSpec) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """Number pages from the second one, centred in the top margin (Phụ lục I)."""

    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, spec.page_number_font_pt)
        canvas.drawCentredString(
            (spec.margin_left_mm + spec.content_width_mm / 2) * mm,
            (spec.page_height_mm - spec.margin_top_mm / 2) * mm - spec.page_number_font_pt / 2,
            str(doc.page),
        )
        canvas.restoreState()

    return draw


def render_pdf(layout: DocumentLayout, spec: LayoutSpec) -> bytes:
    """The document as PDF bytes (A4 or whatever paper the spec says), deterministic."""
    return render_pdf_placed(layout, spec)[0]


def render_pdf_placed(layout: DocumentLayout, spec: LayoutSpec) -> tuple[bytes, Placement]:
    """The document as PDF bytes and, for a fillable layout, where its fields and its
    signature slot are (see :mod:`workflows.documents.pdf_fields`)."""
    register_fonts()
    placement = Placement()
    st = _Styles(spec)
    buffer = io.BytesIO()
    title = " ".join(
        part for part in (nfc(layout.kind_title), nfc(layout.number_line)) if part.strip()
    )
    doc = SimpleDocTemplate(
        buffer,
        pagesize=(spec.page_width_mm * mm, spec.page_height_mm * mm),
        leftMargin=spec.margin_left_mm * mm,
        rightMargin=spec.margin_right_mm * mm,
        topMargin=spec.margin_top_mm * mm,
        bottomMargin=spec.margin_bottom_mm * mm,
        title=title,
        subject=nfc(layout.subject_summary),
        author=nfc(layout.agency),
        creator="",
        invariant=True,
        initialFontName=REGULAR,  # otherwise every page lists an unused Helvetica
        initialFontSize=spec.body_font_pt,
    )
    body = _body(layout, st)
    # the last paragraph goes with the signature, which never stands alone on a page
    story = [
        *_header(layout, spec, st, placement),
        *_title(layout, spec, st),
        *body[:-1],
        KeepTogether([*body[-1:], *_footer(layout, spec, st, placement)]),
        *_annex(layout, st, placement),
    ]
    doc.build(story, onLaterPages=_page_number(spec))
    return buffer.getvalue(), placement
