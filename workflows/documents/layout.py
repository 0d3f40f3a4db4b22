"""An administrative document in the Decree 30/2020 layout, independent of any model.

``DocumentLayout`` holds the text of each component (thể thức) of the document;
``LayoutSpec`` holds the measurements of Phụ lục I (paper, margins, font sizes, spacing).
The measurements are rules of the regulation ``document_work`` and reach the renderers
through :func:`layout_spec_from_rules`; no renderer hard-codes them.
"""

from __future__ import annotations

import dataclasses
import datetime
import typing
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext

RULE_PREFIX = "layout."

# Fixed legal texts of every administrative document (Decree 30/2020, Phụ lục I).
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEADING = "Nơi nhận:"
ADDRESSEES_HEADING = "Kính gửi:"
LETTER_SUBJECT_PREFIX = "V/v"
DRAFT_MARKER = "DỰ THẢO"


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (precomposed Vietnamese letters)."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Item:
    """A numbered item of a section ("1. Phòng Bảo trợ xã hội") and its paragraphs."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A section of the body ("I. MỤC ĐÍCH, YÊU CẦU"): paragraphs first, then items.

    ``centred``: the heading stands centred on its own line (a decision's "QUYẾT ĐỊNH:").
    """

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    centred: bool = False


@dataclass(frozen=True)
class AnnexCitation:
    """The annex's line citing its document: "(Kèm theo Quyết định số 01/QĐ-UBND ngày 20
    tháng 10 năm 2026 của …)". Before the number is given, the number and the date are
    blank (empty form fields in a fillable PDF, filled with the document's own at issue)."""

    kind: str
    symbol: str
    issuer: str
    number: str = ""
    day: datetime.date | None = None
    year: int = 0

    def lines(self) -> tuple[str, str]:
        """The citation as two lines of text (numbered and dated, or with blanks)."""
        number = self.number or "      "
        if self.day is not None:
            on = f"ngày {self.day:%d} tháng {self.day:%m} năm {self.day.year}"
        else:
            on = f"ngày      tháng      năm {self.year or ''}".rstrip()
        return f"(Kèm theo {self.kind} số {number}{self.symbol} {on}", f"{self.issuer})"


@dataclass(frozen=True)
class DocumentLayout:
    """The text of every component of one administrative document.

    ``kind_title`` is empty for an official letter (Công văn): its ``subject_summary`` is
    then printed under the number as "V/v …" and ``addressees`` follow "Kính gửi:".
    ``recipients`` are printed under "Nơi nhận:" as "- …;" lines, the last one ending
    with "." (normally "Lưu: VT, <drafting unit>"). ``annex`` follows the signature on a
    page of its own.
    """

    agency: str
    number_line: str
    place_date: str
    subject_summary: str
    signature_block: list[str]
    signer_name: str
    parent_agency: str = ""
    kind_title: str = ""
    basis: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: str = ""
    recipients: list[str] = field(default_factory=list)
    draft: bool = False
    attachments: list[str] = field(default_factory=list)
    confidentiality: str = ""
    urgency: str = ""
    # An electronic document to be signed: the number and date are left as empty form fields
    # (filled by the records clerk at issue) and the signature space is a named slot.
    fillable: bool = False
    place_name: str = ""
    year: int = 0
    # An annex (phụ lục) after the signature, on a new page: its centred heading lines
    # (e.g. the list and "(Kèm theo Quyết định số …)") and its sections.
    annex_heading: list[str] = field(default_factory=list)
    annex_citation: AnnexCitation | None = None
    annex: list[Section] = field(default_factory=list)

    @property
    def is_letter(self) -> bool:
        """Whether this is an official letter (Công văn), which has no kind title."""
        return not self.kind_title.strip()

    def letter_subject(self) -> str:
        """The "V/v …" line of an official letter."""
        subject = nfc(self.subject_summary).strip()
        if subject.startswith(LETTER_SUBJECT_PREFIX):
            return subject
        return f"{LETTER_SUBJECT_PREFIX} {subject}"

    def recipient_lines(self) -> list[str]:
        """The recipients as printed: "- …;" and "- ….", whatever punctuation was given."""
        names = [
            nfc(r).strip().removeprefix("-").strip().rstrip(";.").strip() for r in self.recipients
        ]
        names = [n for n in names if n]
        return [f"- {name}{'.' if i == len(names) - 1 else ';'}" for i, name in enumerate(names)]


@dataclass(frozen=True)
class LayoutSpec:
    """The measurements of Decree 30/2020 Phụ lục I used to render a document.

    Each field is read from the rule ``layout.<field name>``. Lengths are in millimetres
    (``_mm``), font sizes and spacing in points (``_pt``), shares in percent.
    """

    page_width_mm: int
    page_height_mm: int
    margin_top_mm: int
    margin_bottom_mm: int
    margin_left_mm: int
    margin_right_mm: int
    font_name: str
    body_font_pt: int
    national_title_font_pt: int
    motto_font_pt: int
    parent_agency_font_pt: int
    agency_font_pt: int
    number_font_pt: int
    place_date_font_pt: int
    title_font_pt: int
    subject_font_pt: int
    letter_subject_font_pt: int
    mark_font_pt: int
    recipients_heading_font_pt: int
    recipients_font_pt: int
    signature_font_pt: int
    signer_name_font_pt: int
    page_number_font_pt: int
    first_line_indent_mm: int
    paragraph_spacing_pt: int
    line_spacing_percent: int
    short_rule_percent: int
    header_left_percent: int
    signature_space_mm: int

    @property
    def content_width_mm(self) -> int:
        """Width between the left and right margins."""
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm


class RuleSource(Protocol):
    """Anything with ``.get(key)``: a mapping or a regulation ``RuleSet``."""

    def get(self, key: str, /) -> Any:
        """The value of rule ``key``."""
        ...


class LayoutRuleMissing(LookupError):
    """A layout rule is missing or has a value of the wrong type."""


def layout_spec_from_rules(rules: RuleSource) -> LayoutSpec:
    """Build the spec from the rules ``layout.<field>`` of regulation ``document_work``."""
    hints = typing.get_type_hints(LayoutSpec)
    values: dict[str, int | str] = {}
    for spec_field in dataclasses.fields(LayoutSpec):
        key = f"{RULE_PREFIX}{spec_field.name}"
        value = rules.get(key)
        if hints[spec_field.name] is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise LayoutRuleMissing(
                    gettext("The layout rule “%(key)s” must be a whole number, not %(value)s.")
                    % {"key": key, "value": repr(value)}
                )
            values[spec_field.name] = value
        else:
            if not isinstance(value, str) or not value.strip():
                raise LayoutRuleMissing(
                    gettext("The layout rule “%(key)s” must be a text, not %(value)s.")
                    % {"key": key, "value": repr(value)}
                )
            values[spec_field.name] = value
    return LayoutSpec(**values)  # type: ignore[arg-type]
