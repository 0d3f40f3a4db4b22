"""Export a dossier's recognised list (XLSX, CSV) and its recognition decision (PDF, DOCX).

The list and the decision are Vietnamese official texts, so their wording is fixed
Vietnamese (like the national title of every document), not translated.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from approvals.exceptions import RegulationNotFound
from approvals.organisation.resolver import user_label
from approvals.registers.models import DocumentKind
from approvals.registers.selectors import place_date_line, place_name_of
from approvals.registers.symbols import NUMBER_LINE_PREFIX, number_line
from approvals.regulations.models import RegulationVersion
from approvals.regulations.services import rules_in_force
from workflows.documents import (
    AnnexCitation,
    DocumentLayout,
    Section,
    layout_spec_from_rules,
    render_docx,
    render_pdf,
)
from workflows.nominations.models import Candidate, CandidateState, Title
from workflows.nominations.paper_models import paper_decision_of
from workflows.nominations.recognition import consecutive_years_after, issued_pdf
from workflows.nominations.rules import dossier_rules
from workflows.nominations.titles import SPECS

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from approvals.organisation.models import OrgUnit
    from workflows.nominations.models import Dossier

DOCUMENT_WORK = "document_work"

#: The titles' names as the law writes them.
OFFICIAL_NAMES: dict[str, str] = {
    Title.CULTURAL_FAMILY: "Gia đình văn hóa",
    Title.CULTURAL_VILLAGE: "Thôn, tổ dân phố văn hóa",
    Title.EXEMPLARY_COMMUNE: "Xã, phường, thị trấn tiêu biểu",
    Title.CULTURAL_STANDARD_ORGANIZATION: "Cơ quan, đơn vị, doanh nghiệp đạt chuẩn văn hóa",
    Title.ADVANCED_WORKER: "Lao động tiên tiến",
    Title.ADVANCED_COLLECTIVE: "Tập thể lao động tiên tiến",
}
#: What the decision calls the candidates of each title.
NOUNS: dict[str, str] = {
    Title.CULTURAL_FAMILY: "hộ gia đình",
    Title.CULTURAL_VILLAGE: "thôn, tổ dân phố",
    Title.EXEMPLARY_COMMUNE: "xã, phường, thị trấn",
    Title.CULTURAL_STANDARD_ORGANIZATION: "cơ quan, đơn vị, doanh nghiệp",
    Title.ADVANCED_WORKER: "cá nhân",
    Title.ADVANCED_COLLECTIVE: "tập thể",
}
#: Headers of the list, by kind of candidate.
LIST_HEADERS: dict[str, tuple[str, ...]] = {
    "household": ("STT", "Mã hộ", "Chủ hộ", "Thôn, tổ dân phố", "Số năm liên tục"),
    "unit": ("STT", "Mã", "Tên đơn vị", "Trực thuộc", "Số năm liên tục"),
    "person": ("STT", "Tài khoản", "Họ và tên", "Đơn vị", "Số năm liên tục"),
}
#: The row of the XLSX holding the headers; the candidates follow it.
XLSX_HEADER_ROW = 5
#: Characters that make a spreadsheet run a text as a formula; such texts get a leading “'”.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Zip timestamps of the XLSX (the earliest the zip format stores), for the same bytes each time.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_COLUMN_WIDTHS = (6, 14, 36, 28, 16)


@dataclass(frozen=True)
class ListRow:
    """One line of the recognised list."""

    number: int
    code: str
    name: str
    place: str
    consecutive_years: int

    def cells(self) -> tuple[int, str, str, str, int]:
        """The values in the order of the list's headers."""
        return (self.number, self.code, self.name, self.place, self.consecutive_years)


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def _initials(words: str) -> str:
    """“Ủy ban nhân dân” → “UBND” (accents dropped, “Đ” kept)."""
    letters = [unicodedata.normalize("NFD", word)[0] for word in words.split()]
    return "".join(letters).upper()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def agency_name(unit: OrgUnit) -> str:
    """The unit's full name as a body: “Ủy ban nhân dân xã Tân Dĩnh”, “Sở Văn hóa…”."""
    body = unit.collective_body_name
    if not body or unit.name.casefold().startswith((body.casefold(), _initials(body).casefold())):
        return unit.name
    return f"{body} {_lower_first(unit.name)}"


def agency_line(unit: OrgUnit) -> str:
    """The agency in the document header, e.g. “UBND XÃ TÂN DĨNH”."""
    body = unit.collective_body_name
    if not body or unit.name.casefold().startswith((body.casefold(), _initials(body).casefold())):
        return unit.name.upper()
    return f"{_initials(body)} {unit.name}".upper()


def _candidates(dossier: Dossier, states: tuple[str, ...]) -> QuerySet[Candidate]:
    candidates: QuerySet[Candidate] = (
        Candidate.objects.filter(dossier=dossier, state__in=states)
        .select_related("household__village", "unit__parent", "person")
        .order_by(
            "household__village__path",
            "household__code",
            "unit__path",
            "person__last_name",
            "person__first_name",
            "pk",
        )
    )
    return candidates


def recognised_list(
    dossier: Dossier, *, as_issued: bool = False, proposed: bool = False
) -> list[ListRow]:
    """The candidates holding the title, in list order.

    ``as_issued`` also keeps those whose title was later revoked: the list as the decision
    printed it; ``proposed``: the candidates the decision being signed will recognise, with
    the consecutive years they will then count.
    """
    states: tuple[str, ...] = (CandidateState.RECOGNISED,)
    if as_issued:
        states = (CandidateState.RECOGNISED, CandidateState.REVOKED)
    candidates = _candidates(dossier, states)
    if proposed:
        candidates = _candidates(dossier, (CandidateState.PROPOSED,)).annotate(
            consecutive_years_next=consecutive_years_after(dossier)
        )
    rows: list[ListRow] = []
    for candidate in candidates.iterator(2000):
        if candidate.household is not None:
            household = candidate.household
            code, name, place = household.code, household.head_name, household.village.name
        elif candidate.unit is not None:
            unit = candidate.unit
            code, name = unit.code, unit.name
            place = unit.parent.name if unit.parent is not None else ""
        elif candidate.person is not None:
            code = candidate.person.get_username()
            name, place = user_label(candidate.person), dossier.proposing_unit.name
        else:
            continue
        years = (
            getattr(candidate, "consecutive_years_next", 0)
            if proposed
            else candidate.consecutive_years
        )
        rows.append(ListRow(len(rows) + 1, code, name, place, years))
    return rows


def _decision_number(dossier: Dossier) -> str:
    """“01/QĐ-UBND” (as numbered, or as printed on a paper decision), or the blank number
    of a decision not yet numbered."""
    entry = dossier.register_entry
    if entry is not None:
        return entry.symbol
    paper = paper_decision_of(dossier)
    if paper is not None:
        return paper.symbol
    unit = dossier.deciding_unit
    rules = rules_in_force(DOCUMENT_WORK, on=dossier.started_on, unit=unit)
    return number_line(
        number=None,
        kind_abbreviation=DocumentKind.objects.get(code="decision").abbreviation,
        issuer_code=unit.code,
        min_digits=rules.integer("numbering.min_digits"),
    ).removeprefix(NUMBER_LINE_PREFIX)


def _list_heading(dossier: Dossier) -> list[str]:
    name = OFFICIAL_NAMES[dossier.title]
    noun = NOUNS[dossier.title]
    day = decision_day(dossier)
    on = f" ngày {_fmt(day)}" if day is not None else ""
    lines = [
        agency_line(dossier.deciding_unit),
        f"DANH SÁCH {noun.upper()} ĐƯỢC CÔNG NHẬN DANH HIỆU “{name.upper()}” NĂM {dossier.year}",
        f"(Kèm theo Quyết định số {_decision_number(dossier)}{on} "
        f"của {agency_name(dossier.deciding_unit)})",
    ]
    paper = paper_decision_of(dossier)
    if paper is not None:
        lines.append(paper_mark(paper))
    return lines


def _annex_citation(dossier: Dossier) -> AnnexCitation:
    """The list's line citing the decision it is annexed to (number and day blank until the
    decision is issued)."""
    number, slash, symbol = _decision_number(dossier).partition("/")
    return AnnexCitation(
        kind="Quyết định",
        number=number.strip(),
        symbol=f"{slash}{symbol}",
        issuer=f"của {agency_name(dossier.deciding_unit)}",
        day=decision_day(dossier),
        year=dossier.year,
    )


def decision_day(dossier: Dossier) -> datetime.date | None:
    """The day the decision was issued: numbered in the system, or signed on paper."""
    entry = dossier.register_entry
    if entry is not None:
        return entry.issued_on
    paper = paper_decision_of(dossier)
    return paper.signed_on if paper is not None else None


def paper_mark(paper: Any) -> str:
    """The mark of a decision recorded after the fact from its paper original."""
    recorded = timezone.localtime(paper.recorded_at).date()
    return (
        f"(Nhập sau từ quyết định giấy ký ngày {_fmt(paper.signed_on)}, nhập ngày {_fmt(recorded)})"
    )


def _safe(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, made inert with a leading “'”."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


# --- the recognised list ------------------------------------------------------------------------


def recognised_xlsx(dossier: Dossier) -> bytes:
    """The recognised list as an XLSX workbook: heading lines, then one row per candidate.

    Headers are on row :data:`XLSX_HEADER_ROW`; the same dossier gives the same bytes.
    """
    headers = LIST_HEADERS[SPECS[dossier.title].candidate]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    last = len(headers)
    for row, text in enumerate(_list_heading(dossier), start=1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = sheet.cell(row=row, column=1)
        _put(cell, text)
        cell.font = Font(bold=row < 3, italic=row == 3)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=XLSX_HEADER_ROW, column=column)
        _put(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, line in enumerate(recognised_list(dossier), start=1):
        for column, value in enumerate(line.cells(), start=1):
            _put(sheet.cell(row=XLSX_HEADER_ROW + offset, column=column), value)
    for column, width in enumerate(_COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[chr(ord("A") + column - 1)].width = width
    sheet.freeze_panes = sheet.cell(row=XLSX_HEADER_ROW + 1, column=1)
    return _workbook_bytes(workbook, dossier)


def _put(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str):
        # openpyxl would store a text beginning with “=” as a formula
        cell.data_type = "s"


def _workbook_bytes(workbook: Any, dossier: Dossier) -> bytes:
    day = decision_day(dossier) or dossier.started_on
    stamp = datetime.datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a calendar day
    workbook.properties.creator = agency_name(dossier.deciding_unit)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save, which stamps the modification time with now
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every member stamped :data:`ZIP_TIMESTAMP`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def recognised_csv(dossier: Dossier) -> bytes:
    """The recognised list as CSV: UTF-8 with a BOM (so Excel reads Vietnamese), one header row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LIST_HEADERS[SPECS[dossier.title].candidate])
    for line in recognised_list(dossier):
        writer.writerow([_safe(value) for value in line.cells()])
    return out.getvalue().encode("utf-8-sig")


# --- the decision ---------------------------------------------------------------------------------


def _authority_line(unit: OrgUnit, block: list[str]) -> str:
    """Who decides, above the legal basis: “ỦY BAN NHÂN DÂN XÃ …” or “CHỦ TỊCH …”."""
    name = agency_name(unit)
    if not block or block[0].startswith("TM."):
        return name.upper()
    head = block[0]
    for prefix in ("KT.", "Q.", "TUQ.", "TL."):
        head = head.removeprefix(prefix).strip()
    return f"{head} {name}".upper()


def _citations(dossier: Dossier) -> list[str]:
    """The instruments the decision cites, each by its full name and date: the rule
    "decision.basis" of the dossier's regulation, else the versions' stated legal bases."""
    try:
        cited = dossier_rules(dossier).get("decision.basis")
    except RegulationNotFound:
        cited = None
    if isinstance(cited, list) and cited:
        return [str(c) for c in cited]
    versions = RegulationVersion.objects.filter(pk__in=dossier.regulation_versions).order_by(
        "effective_from", "pk"
    )
    return [v.legal_basis for v in versions if v.legal_basis.strip()]


def _basis(dossier: Dossier) -> list[str]:
    lines = [f"Căn cứ {citation.strip().rstrip(';.')};" for citation in _citations(dossier)]
    meeting = getattr(dossier, "meeting", None)
    if meeting is not None:
        lines.append(meeting_citation(dossier, meeting))
    held = f" và kết quả bình xét ngày {_fmt(meeting.held_on)}" if meeting is not None else ""
    lines.append(f"Xét đề nghị của {dossier.proposing_unit.name}{held}.")
    return lines


def meeting_citation(dossier: Dossier, meeting: Any) -> str:
    """The line citing the review meeting whose votes the decision rests on, with attendance."""
    chaired = f", do {meeting.chaired_by} chủ trì" if meeting.chaired_by else ""
    return (
        f"Căn cứ Biên bản họp bình xét của {dossier.proposing_unit.name} ngày "
        f"{_fmt(meeting.held_on)} (có mặt {meeting.present}/{meeting.invited} người được "
        f"mời{chaired});"
    )


def decision_layout(
    dossier: Dossier, *, signature_block: list[str] | None = None, signer_name: str = ""
) -> DocumentLayout:
    """The recognition decision in the Decree 30/2020 layout: it ends with Điều 3, Nơi nhận
    and the signature; the list follows as its annex.

    With ``signature_block`` (and ``signer_name``): the decision about to be signed, listing
    the candidates it will recognise.
    """
    unit = dossier.deciding_unit
    signature = dossier.signature
    signing = signature_block is not None
    block = signature.signature_block.splitlines() if signature is not None else []
    if signature_block is not None:
        block = signature_block
    name = OFFICIAL_NAMES[dossier.title]
    noun = NOUNS[dossier.title]
    rows = recognised_list(dossier, as_issued=True, proposed=signing)
    paper = paper_decision_of(dossier) if not signing else None
    if paper is not None:
        block = paper.signer_title.split(" / ")
        signer_name = signer_name or paper.signer_name
    day = decision_day(dossier)
    if day is not None:
        place_date = place_date_line(agency=unit, day=day)
    else:
        place_date = f"{place_name_of(unit)}, ngày      tháng      năm {dossier.year}"
    parent = unit.parent
    return DocumentLayout(
        parent_agency=(parent.short_name or parent.name).upper()
        if parent is not None and not unit.collective
        else "",
        agency=agency_line(unit),
        number_line=f"{NUMBER_LINE_PREFIX}{_decision_number(dossier)}",
        place_date=place_date,
        kind_title="QUYẾT ĐỊNH",
        subject_summary=f"Về việc công nhận danh hiệu “{name}” năm {dossier.year}",
        sections=[
            Section(heading=_authority_line(unit, block), paragraphs=_basis(dossier), centred=True),
            Section(
                heading="QUYẾT ĐỊNH:",
                paragraphs=[
                    f"Điều 1. Công nhận danh hiệu “{name}” năm {dossier.year} cho {len(rows)} "
                    f"{noun} (có danh sách kèm theo).",
                    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                    f"Điều 3. Văn phòng {agency_name(unit)}, {dossier.proposing_unit.name} và "
                    f"các {noun} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
                ],
                centred=True,
            ),
        ],
        annex_heading=[
            f"DANH SÁCH {noun.upper()} ĐƯỢC CÔNG NHẬN DANH HIỆU “{name.upper()}” NĂM {dossier.year}"
        ],
        annex_citation=_annex_citation(dossier),
        annex=[
            Section(
                heading="",
                paragraphs=[
                    f"{r.number}. {r.code} - {r.name}, {r.place}; số năm liên tục: "
                    f"{r.consecutive_years}."
                    for r in rows
                ],
            )
        ],
        recipients=["Như Điều 3", "Lưu: VT"],
        signature_block=block,
        signer_name=signer_name or (user_label(signature.signer) if signature is not None else ""),
        draft=signature is None and not signing and paper is None,
    )


def decision_document(dossier: Dossier, fmt: str = "pdf") -> bytes:
    """The recognition decision rendered as "pdf" or "docx"; once signed, the PDF is the
    stored file: the issued one (numbered, with the unit's seal signature), else the signed."""
    if fmt not in ("pdf", "docx"):
        raise ValueError(fmt)
    if fmt == "pdf":
        stored = issued_pdf(dossier)
        if stored is not None:
            return stored
        paper = paper_decision_of(dossier)
        if paper is not None:
            with paper.scan.open("rb") as scan:
                return bytes(scan.read())
    day = decision_day(dossier) or dossier.started_on
    spec = layout_spec_from_rules(rules_in_force(DOCUMENT_WORK, on=day, unit=dossier.deciding_unit))
    layout = decision_layout(dossier)
    return render_pdf(layout, spec) if fmt == "pdf" else render_docx(layout, spec)


def download_name(dossier: Dossier, kind: str, fmt: str) -> str:
    """The file name of a dossier's ``kind`` of file ("quyet-dinh", "danh-sach"): with the
    decision's symbol once numbered ("quyet-dinh-01-QĐ-UBND.pdf", "/" made "-"), else the
    dossier's number."""
    entry = dossier.register_entry
    name = entry.symbol.replace("/", "-") if entry is not None else str(dossier.pk)
    return f"{kind}-{name}.{fmt}"


__all__ = [
    "LIST_HEADERS",
    "OFFICIAL_NAMES",
    "XLSX_HEADER_ROW",
    "ListRow",
    "agency_line",
    "agency_name",
    "decision_day",
    "decision_document",
    "decision_layout",
    "download_name",
    "meeting_citation",
    "paper_mark",
    "recognised_csv",
    "recognised_list",
    "recognised_xlsx",
]
