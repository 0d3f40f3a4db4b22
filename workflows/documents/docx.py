"""Render a :class:`DocumentLayout` to DOCX with python-docx, in the Decree 30/2020 layout.

Same structure as the PDF: a borderless two-column header, title, body, and a two-column
footer with the recipients and the signature block. Every run names the spec's font for
all scripts (ascii, hAnsi, eastAsia, cs) so Word never substitutes a theme font. The zip
is rewritten with fixed timestamps and the core properties carry no dates, so the same
input gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from reportlab.pdfbase import pdfmetrics

from workflows.documents._fonts import single_line_factor
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
from workflows.documents.pdf import BOLD, register_fonts

# Drawing details Decree 30 leaves open: thin solid lines (in eighths of a point, as OOXML
# counts them) and a fixed zip timestamp (the earliest the zip format can store).
RULE_SIZE_EIGHTHS = 4
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

_FONT_ATTRIBUTES = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

Container = DocxDocument | _Cell


@dataclass(frozen=True)
class _Run:
    """Formatting of one line of text."""

    size: int
    bold: bool = False
    italic: bool = False


# Elements that must follow the one we add, in the OOXML schema's order (ECMA-376 §17).
_AFTER_P_BDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_R_BDR = (
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
_AFTER_TBL_CELL_MAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_TBL_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", *_AFTER_TBL_CELL_MAR)


def _insert(parent: Any, child: Any, successors: tuple[str, ...]) -> None:
    """Insert ``child`` before the first of ``successors`` present in ``parent``."""
    parent.insert_element_before(child, *successors)


def _set_font(r_pr: Any, font_name: str) -> None:
    """Name ``font_name`` for every script in a ``w:rPr`` and drop theme fonts."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in _THEME_ATTRIBUTES:
        if fonts.get(qn(attribute)) is not None:
            del fonts.attrib[qn(attribute)]
    for attribute in _FONT_ATTRIBUTES:
        fonts.set(qn(attribute), font_name)


class _Writer:
    """Adds formatted paragraphs to a document or a table cell."""

    def __init__(self, spec: LayoutSpec) -> None:
        self.spec = spec
        self.single = single_line_factor()

    def paragraph(
        self,
        container: Container,
        text: str,
        run: _Run,
        *,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
        space_before: float = 0,
        first_line_indent: bool = False,
        body_spacing: bool = False,
        reuse_first: bool = False,
    ) -> Paragraph:
        """One paragraph of ``text``; "\\n" becomes a line break inside it."""
        paragraphs = container.paragraphs if reuse_first else []
        if len(paragraphs) == 1 and not paragraphs[0].text:
            paragraph = paragraphs[0]  # a new cell already holds one empty paragraph
        else:
            paragraph = container.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.space_before = Pt(space_before)
        fmt.space_after = Pt(0)
        fmt.line_spacing = self.spec.line_spacing_percent / 100 if body_spacing else 1.0
        if first_line_indent:
            fmt.first_line_indent = Mm(self.spec.first_line_indent_mm)
        for number, line in enumerate(nfc(text).split("\n")):
            r = paragraph.add_run(line)
            if number:
                r.text = ""
                r.add_break(WD_BREAK.LINE)
                r.add_text(line)
            r.font.size = Pt(run.size)
            r.font.bold = run.bold
            r.font.italic = run.italic
            r.font.name = self.spec.font_name
            _set_font(r._r.get_or_add_rPr(), self.spec.font_name)
        return paragraph

    def body(
        self, container: Container, text: str, *, bold: bool = False, italic: bool = False
    ) -> Paragraph:
        """A justified body paragraph with the first-line indent."""
        return self.paragraph(
            container,
            text,
            _Run(self.spec.body_font_pt, bold=bold, italic=italic),
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            space_before=self.spec.paragraph_spacing_pt,
            first_line_indent=True,
            body_spacing=True,
        )

    def centred(self, container: Container, text: str) -> Paragraph:
        """A bold line centred on the page (a decision's "QUYẾT ĐỊNH:", an annex's heading)."""
        return self.paragraph(
            container,
            text,
            _Run(self.spec.body_font_pt, bold=True),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            space_before=self.spec.paragraph_spacing_pt,
        )

    def rule(self, container: Container, width_pt: float, cell_width_pt: float) -> Paragraph:
        """A centred solid line ``width_pt`` long: the top border of an empty, tiny paragraph."""
        paragraph = container.add_paragraph()
        fmt = paragraph.paragraph_format
        indent = max((cell_width_pt - width_pt) / 2, 0)
        fmt.left_indent = Pt(indent)
        fmt.right_indent = Pt(indent)
        fmt.space_before = Pt(1)
        fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(1)
        borders = OxmlElement("w:pBdr")
        top = OxmlElement("w:top")
        top.set(qn("w:val"), "single")
        top.set(qn("w:sz"), str(RULE_SIZE_EIGHTHS))
        top.set(qn("w:space"), "0")
        top.set(qn("w:color"), "000000")
        borders.append(top)
        _insert(paragraph._p.get_or_add_pPr(), borders, _AFTER_P_BDR)
        return paragraph

    def boxed(self, container: Container, text: str, align: WD_ALIGN_PARAGRAPH) -> Paragraph:
        """A bold mark in a frame (draft marker, urgency, confidentiality)."""
        paragraph = self.paragraph(
            container,
            text,
            _Run(self.spec.mark_font_pt, bold=True),
            align=align,
            reuse_first=True,
        )
        r_pr = paragraph.runs[0]._r.get_or_add_rPr()
        border = OxmlElement("w:bdr")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), str(RULE_SIZE_EIGHTHS))
        border.set(qn("w:space"), "1")
        border.set(qn("w:color"), "000000")
        _insert(r_pr, border, _AFTER_R_BDR)
        return paragraph


def _width_pt(text: str, size: int) -> float:
    """Width of the widest line in bold (Liberation Serif has Times New Roman's metrics)."""
    register_fonts()
    return float(max(pdfmetrics.stringWidth(line, BOLD, size) for line in nfc(text).split("\n")))


def _grid(document: DocxDocument, rows: int, widths_mm: list[float]) -> Table:
    """A borderless table with fixed column widths and no cell margins."""
    table: Table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _insert(tbl_pr, borders, _AFTER_TBL_BORDERS)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _insert(tbl_pr, margins, _AFTER_TBL_CELL_MAR)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _setup(document: DocxDocument, spec: LayoutSpec) -> None:
    section = document.sections[0]
    section.page_width = Mm(spec.page_width_mm)
    section.page_height = Mm(spec.page_height_mm)
    section.top_margin = Mm(spec.margin_top_mm)
    section.bottom_margin = Mm(spec.margin_bottom_mm)
    section.left_margin = Mm(spec.margin_left_mm)
    section.right_margin = Mm(spec.margin_right_mm)
    section.header_distance = Mm(spec.margin_top_mm / 2)
    normal = document.styles["Normal"]
    normal.font.name = spec.font_name
    normal.font.size = Pt(spec.body_font_pt)
    _set_font(normal.element.get_or_add_rPr(), spec.font_name)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for r_pr in defaults.iter(qn("w:rPr")):
            _set_font(r_pr, spec.font_name)
    properties = document.core_properties
    properties.author = ""
    properties.comments = ""
    properties.last_modified_by = ""
    properties.revision = 1
    core = properties._element
    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for element in core.findall(qn(tag)):
            core.remove(element)


def _page_number(document: DocxDocument, spec: LayoutSpec) -> None:
    """A centred PAGE field in the header of every page but the first (Phụ lục I)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # an empty header of its own
    header = section.header
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(spec.page_number_font_pt)
    _set_font(run._r.get_or_add_rPr(), spec.font_name)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header(document: DocxDocument, layout: DocumentLayout, spec: LayoutSpec, w: _Writer) -> None:
    left_mm = spec.content_width_mm * spec.header_left_percent / 100
    right_mm = spec.content_width_mm - left_mm
    if layout.draft:
        w.boxed(document, DRAFT_MARKER, WD_ALIGN_PARAGRAPH.RIGHT)
    table = _grid(document, 2, [left_mm, right_mm])
    left, right = table.rows[0].cells
    number, date = table.rows[1].cells
    first = True
    if layout.parent_agency.strip():
        w.paragraph(left, layout.parent_agency, _Run(spec.parent_agency_font_pt), reuse_first=True)
        first = False
    w.paragraph(left, layout.agency, _Run(spec.agency_font_pt, bold=True), reuse_first=first)
    agency_pt = min(_width_pt(layout.agency, spec.agency_font_pt), Mm(left_mm).pt)
    w.rule(left, agency_pt * spec.short_rule_percent / 100, Mm(left_mm).pt)

    w.paragraph(
        right, NATIONAL_TITLE, _Run(spec.national_title_font_pt, bold=True), reuse_first=True
    )
    w.paragraph(right, MOTTO, _Run(spec.motto_font_pt, bold=True))
    w.rule(right, _width_pt(MOTTO, spec.motto_font_pt), Mm(right_mm).pt)

    w.paragraph(
        number,
        layout.number_line,
        _Run(spec.number_font_pt),
        space_before=spec.paragraph_spacing_pt,
        reuse_first=True,
    )
    if layout.is_letter and layout.subject_summary.strip():
        w.paragraph(
            number,
            layout.letter_subject(),
            _Run(spec.letter_subject_font_pt),
            space_before=spec.paragraph_spacing_pt,
        )
    for mark in (layout.confidentiality, layout.urgency):
        if mark.strip():
            paragraph = w.boxed(number, mark, WD_ALIGN_PARAGRAPH.CENTER)
            paragraph.paragraph_format.space_before = Pt(spec.paragraph_spacing_pt)
    w.paragraph(
        date,
        layout.place_date,
        _Run(spec.place_date_font_pt, italic=True),
        space_before=spec.paragraph_spacing_pt,
        reuse_first=True,
    )


def _title(document: DocxDocument, layout: DocumentLayout, spec: LayoutSpec, w: _Writer) -> None:
    blank_line = spec.body_font_pt * w.single
    if layout.is_letter:
        names = [nfc(n).strip() for n in layout.addressees if n.strip()]
        if not names:
            return
        if len(names) == 1:
            w.paragraph(
                document,
                f"{ADDRESSEES_HEADING} {names[0]}",
                _Run(spec.body_font_pt),
                space_before=blank_line,
            )
            return
        w.paragraph(document, ADDRESSEES_HEADING, _Run(spec.body_font_pt), space_before=blank_line)
        lines = [f"- {n.rstrip(';.')};" for n in names]
        lines[-1] = lines[-1][:-1] + "."
        for line in lines:
            w.paragraph(document, line, _Run(spec.body_font_pt))
        return
    w.paragraph(
        document, layout.kind_title, _Run(spec.title_font_pt, bold=True), space_before=blank_line
    )
    if layout.subject_summary.strip():
        w.paragraph(document, layout.subject_summary, _Run(spec.subject_font_pt, bold=True))
        content_pt = Mm(spec.content_width_mm).pt
        subject_pt = min(_width_pt(layout.subject_summary, spec.subject_font_pt), content_pt)
        w.rule(document, subject_pt * spec.short_rule_percent / 100, content_pt)


def _sections(document: DocxDocument, sections: list[Section], w: _Writer) -> None:
    for section in sections:
        if section.heading.strip():
            if section.centred:
                w.centred(document, section.heading)
            else:
                w.body(document, section.heading, bold=True)
        for text in section.paragraphs:
            w.body(document, text)
        for item in section.items:
            if item.heading.strip():
                w.body(document, item.heading, bold=True)
            for text in item.paragraphs:
                w.body(document, text)


def _body(document: DocxDocument, layout: DocumentLayout, w: _Writer) -> None:
    for text in layout.basis:
        w.body(document, text)
    _sections(document, layout.sections, w)
    if layout.closing.strip():
        w.body(document, layout.closing)
    for attachment in layout.attachments:
        w.body(document, attachment, italic=True)


def _annex(document: DocxDocument, layout: DocumentLayout, w: _Writer) -> None:
    """The annex on a page of its own after the signature: centred heading, then its text."""
    if not layout.annex and not layout.annex_heading:
        return
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for line in layout.annex_heading:
        w.centred(document, line)
    if layout.annex_citation is not None:
        for line in layout.annex_citation.lines():
            w.paragraph(document, line, _Run(w.spec.body_font_pt, italic=True))
    _sections(document, layout.annex, w)


def _footer(document: DocxDocument, layout: DocumentLayout, spec: LayoutSpec, w: _Writer) -> None:
    left_mm = spec.content_width_mm * spec.header_left_percent / 100
    # the last paragraph goes with the signature, which never stands alone on a page
    if document.paragraphs:
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.keep_with_next = True
    table = _grid(document, 1, [left_mm, spec.content_width_mm - left_mm])
    left, right = table.rows[0].cells
    lines = layout.recipient_lines()
    if lines:
        w.paragraph(
            left,
            RECIPIENTS_HEADING,
            _Run(spec.recipients_heading_font_pt, bold=True, italic=True),
            align=WD_ALIGN_PARAGRAPH.LEFT,
            reuse_first=True,
        )
        for line in lines:
            w.paragraph(left, line, _Run(spec.recipients_font_pt), align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    for line in layout.signature_block:
        w.paragraph(right, line.upper(), _Run(spec.signature_font_pt, bold=True), reuse_first=first)
        first = False
    w.paragraph(
        right,
        layout.signer_name,
        _Run(spec.signer_name_font_pt, bold=True),
        space_before=Mm(spec.signature_space_mm).pt,
        reuse_first=first,
    )
    # the recipients and the signature stay on one page
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    # Word wants a paragraph after a final table; keep it one point high
    closing = document.add_paragraph()
    closing.paragraph_format.space_after = Pt(0)
    closing.paragraph_format.line_spacing = Pt(1)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every member stamped ``ZIP_TIMESTAMP`` (python-docx uses now)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def render_docx(layout: DocumentLayout, spec: LayoutSpec) -> bytes:
    """The document as DOCX bytes, deterministic for the same input."""
    document = Document()
    writer = _Writer(spec)
    _setup(document, spec)
    _page_number(document, spec)
    properties = document.core_properties
    properties.title = " ".join(
        part for part in (nfc(layout.kind_title), nfc(layout.number_line)) if part.strip()
    )
    properties.subject = nfc(layout.subject_summary)
    _header(document, layout, spec, writer)
    _title(document, layout, spec, writer)
    _body(document, layout, writer)
    _footer(document, layout, spec, writer)
    _annex(document, layout, writer)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())
