"""The parts of an electronic document that are filled or signed after it is rendered.

Decree 30/2020 Phụ lục I: the signer signs first, then the records clerk gives the number and
the date of issue and applies the organisation's signature. So the PDF the signer signs has

- the number and the day, month and year of issue as empty text fields (AcroForm), filled
  later by an incremental update that leaves the signer's signature valid (form filling);
- a named slot for the signer's signature between the capacity lines and the full name,
  whose box (page and coordinates) the renderer reports so the signing layer can place the
  signature's appearance there.

The fields hold digits only, drawn in the standard Times faces, which are metric-compatible
with the vendored Liberation Serif the rest of the document uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.colors import black
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

NUMBER_FIELD = "so"
DAY_FIELD = "ngay"
MONTH_FIELD = "thang"
YEAR_FIELD = "nam"
SIGNER_SLOT = "chu_ky"
DATE_FIELDS = (DAY_FIELD, MONTH_FIELD, YEAR_FIELD)
#: The same number and date repeated in an annex's "(Kèm theo … số … ngày …)" line.
ANNEX_SUFFIX = "_pl"
ANNEX_FIELDS = {
    name: f"{name}{ANNEX_SUFFIX}" for name in (NUMBER_FIELD, DAY_FIELD, MONTH_FIELD, YEAR_FIELD)
}

# The standard face each document face uses for its form fields (digits only).
FIELD_FACE = {"regular": "Times-Roman", "italic": "Times-Italic"}
_FIELD_WIDTH_DIGITS = {NUMBER_FIELD: 4, DAY_FIELD: 2, MONTH_FIELD: 2, YEAR_FIELD: 4}
_FIELD_WIDTH_DIGITS.update({ANNEX_FIELDS[k]: v for k, v in list(_FIELD_WIDTH_DIGITS.items())})


@dataclass(frozen=True)
class Box:
    """Where a field or slot is: the page (0-based) and its corners in PDF points."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def rect(self) -> tuple[float, float, float, float]:
        """The box as a PDF rectangle (x1, y1, x2, y2)."""
        return (self.x1, self.y1, self.x2, self.y2)

    @property
    def width(self) -> float:
        """Its width in points."""
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        """Its height in points."""
        return self.y2 - self.y1


@dataclass
class Placement:
    """The boxes of the fields and slots of one rendering, by name."""

    boxes: dict[str, Box] = field(default_factory=dict)

    def record(self, name: str, canv: object, x: float, y: float, w: float, h: float) -> None:
        """Remember ``name``'s box, given in the flowable's coordinates on ``canv``."""
        ax, ay = canv.absolutePosition(x, y)  # type: ignore[attr-defined]
        page = canv.getPageNumber() - 1  # type: ignore[attr-defined]
        self.boxes[name] = Box(page=page, x1=ax, y1=ay, x2=ax + w, y2=ay + h)


@dataclass(frozen=True)
class FieldPart:
    """An empty text field inside a line of text."""

    name: str


class FieldLine(Flowable):
    """One centred line of text with empty form fields in it (``Số: __/KH-…``)."""

    def __init__(
        self,
        parts: list[str | FieldPart],
        *,
        font: str,
        field_face: str,
        size: float,
        leading: float,
        placement: Placement,
    ) -> None:
        super().__init__()
        self.parts = parts
        self.font = font
        self.field_face = field_face
        self.size = size
        self.leading = leading
        self.placement = placement
        self._avail = 0.0

    def _part_width(self, part: str | FieldPart) -> float:
        if isinstance(part, FieldPart):
            digits = "0" * _FIELD_WIDTH_DIGITS.get(part.name, 4)
            return float(pdfmetrics.stringWidth(digits, self.field_face, self.size)) + self.size / 2
        return float(pdfmetrics.stringWidth(part, self.font, self.size))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Take the whole width (the line is centred in it) and one line's height."""
        self._avail = avail_width
        return avail_width, self.leading

    def draw(self) -> None:
        """Draw the text and place the fields."""
        canv = self.canv
        total = sum(self._part_width(p) for p in self.parts)
        x = max((self._avail - total) / 2, 0)
        # the baseline as a Paragraph of the same leading would put it
        baseline = self.leading - self.size
        # the filled text's baseline is the field's bottom edge (approvals.signing.fill_fields)
        field_bottom = baseline
        for part in self.parts:
            width = self._part_width(part)
            if isinstance(part, FieldPart):
                canv.acroForm.textfieldRelative(
                    name=part.name,
                    value="",
                    x=x,
                    y=field_bottom,
                    width=width,
                    height=self.size * 1.2,
                    fontName=self.field_face,
                    fontSize=self.size,
                    borderWidth=0,
                    borderColor=None,
                    fillColor=None,
                    textColor=black,
                    forceBorder=False,
                    fieldFlags="",
                    annotationFlags="print",
                )
                self.placement.record(part.name, canv, x, field_bottom, width, self.size * 1.2)
            else:
                canv.setFont(self.font, self.size)
                canv.drawString(x, baseline, part)
            x += width


class SlotSpace(Flowable):
    """Empty space whose box is reported under ``name`` (the signer's signature)."""

    def __init__(self, name: str, width: float, height: float, placement: Placement) -> None:
        super().__init__()
        self.name = name
        self.width = width
        self.height = height
        self.placement = placement

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Its fixed size."""
        return self.width, self.height

    def draw(self) -> None:
        """Draw nothing; record the box."""
        self.placement.record(self.name, self.canv, 0, 0, self.width, self.height)


def number_parts(number_line: str) -> list[str | FieldPart]:
    """``Số:      /KH-LĐTBXH`` as text, the number field, and the symbol after it."""
    head, slash, tail = number_line.partition("/")
    if not slash:
        return [number_line]
    return [head.rstrip() + " ", FieldPart(NUMBER_FIELD), slash + tail]


def date_parts(place_name: str) -> list[str | FieldPart]:
    """``Bắc Giang, ngày __ tháng __ năm ____``: the place and the three date fields."""
    return [
        f"{place_name}, ngày ",
        FieldPart(DAY_FIELD),
        " tháng ",
        FieldPart(MONTH_FIELD),
        " năm ",
        FieldPart(YEAR_FIELD),
    ]


def annex_citation_parts(kind: str, symbol: str) -> list[str | FieldPart]:
    """``(Kèm theo Quyết định số __/QĐ-UBND ngày __ tháng __ năm ____``: the annex's
    citation of its document with the number and date as fields."""
    return [
        f"(Kèm theo {kind} số ",
        FieldPart(ANNEX_FIELDS[NUMBER_FIELD]),
        f"{symbol} ngày ",
        FieldPart(ANNEX_FIELDS[DAY_FIELD]),
        " tháng ",
        FieldPart(ANNEX_FIELDS[MONTH_FIELD]),
        " năm ",
        FieldPart(ANNEX_FIELDS[YEAR_FIELD]),
    ]


__all__ = [
    "ANNEX_FIELDS",
    "DATE_FIELDS",
    "DAY_FIELD",
    "FIELD_FACE",
    "MONTH_FIELD",
    "NUMBER_FIELD",
    "SIGNER_SLOT",
    "YEAR_FIELD",
    "Box",
    "FieldLine",
    "FieldPart",
    "Placement",
    "SlotSpace",
    "annex_citation_parts",
    "date_parts",
    "number_parts",
]
