"""Household and vote imports from XLSX/CSV, and the exports of a decided dossier."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata

import openpyxl
import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from approvals.audit.models import AuditEvent
from approvals.exceptions import ActionNotPermitted, ValidationFailed
from approvals.registers.selectors import place_date_line
from tests.nominations.timeline import today_is
from workflows.documents import docx_text, pdf_text
from workflows.nominations import exports, imports
from workflows.nominations.imports import reading
from workflows.nominations.models import (
    Candidate,
    CandidateState,
    DossierState,
    Household,
    Meeting,
    Title,
)
from workflows.nominations.services import (
    candidate_revoke,
    candidates_register,
    decision_issue,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_submit,
    meeting_record,
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
HEADERS_VI = ["Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu"]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked against their English msgids (the catalogues have their own test)."""
    with translation.override("en"):
        yield


def xlsx(rows, *, title=None):
    """An XLSX workbook whose first sheet holds ``rows`` (strings starting "=" are formulas)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, delimiter=",", encoding="utf-8-sig"):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def village_codes(c):
    return set(Household.objects.filter(village=c.village).values_list("code", flat=True))


def import_events():
    return AuditEvent.objects.filter(action=imports.IMPORT_HOUSEHOLDS)


def refused_cells(exc):
    return {(row, column) for row, column, _problem in exc.value.params["rows"]}


# --- households ----------------------------------------------------------------------------------


def test_good_xlsx_imports_every_household_and_audits_the_file(commune):
    c = commune
    # given a sheet with a title line above the header and an STT column numbered by formula
    data = xlsx(
        [
            ["STT", *HEADERS_VI],
            ["=ROW()-2", "A001", "Trần Văn An", "Xóm 1", 4],
            ["=ROW()-2", "A002", "Lê Thị Bình", "Xóm 2", 3],
            [None, None, None, None, None],
            ["=ROW()-2", 103, "Phạm Văn Cường", None, 5.0],
        ],
        title="DANH SÁCH HỘ GIA ĐÌNH THÔN HẠ",
    )
    before = village_codes(c)
    # when the village head imports it
    result = imports.households_import(
        village=c.village, user=c.village_head, data=data, filename="thon-ha.xlsx"
    )
    # then the three households are added, typed as the model wants them
    assert result.count == 3
    assert village_codes(c) - before == {"A001", "A002", "103"}
    cuong = Household.objects.get(village=c.village, code="103")
    assert (cuong.head_name, cuong.address, cuong.member_count) == ("Phạm Văn Cường", "", 5)
    assert Household.objects.get(village=c.village, code="A001").member_count == 4
    # and one audit event names the file by its hash
    event = import_events().get()
    assert event.payload["count"] == 3
    assert event.payload["filename"] == "thon-ha.xlsx"
    assert event.payload["sha256"] == result.sha256
    assert len(result.sha256) == 64


def test_good_csv_with_bom_semicolons_and_english_headers_imports(commune):
    c = commune
    # given a CSV UTF-8 file from Excel (BOM, “;” separators), with decomposed Vietnamese text
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    data = csv_bytes(
        [
            ["code", "head_name", "address", "member_count"],
            ["B001", name, "Xóm Đình", "2"],
            ["B002", "Đỗ Văn Minh", "", "6"],
        ],
        delimiter=";",
    )
    # when it is imported
    result = imports.households_import(
        village=c.village, user=c.village_head, data=data, filename="ho.CSV"
    )
    # then both households are there, their names stored in NFC
    assert result.count == 2
    hong = Household.objects.get(village=c.village, code="B001")
    assert hong.head_name == unicodedata.normalize("NFC", "Nguyễn Thị Hồng")
    assert hong.member_count == 2


def test_csv_without_member_count_column_counts_one_member(commune):
    c = commune
    data = csv_bytes([["Mã hộ", "Chủ hộ"], ["C001", "Vũ Văn Tâm"]], encoding="utf-8")
    imports.households_import(village=c.village, user=c.village_head, data=data, filename="c.csv")
    assert Household.objects.get(village=c.village, code="C001").member_count == 1


def test_xlsx_with_bad_rows_is_refused_whole_and_every_bad_row_is_named(commune):
    c = commune
    before = village_codes(c)
    # given a sheet with a bad cell on most rows (header on row 1)
    data = xlsx(
        [
            HEADERS_VI,
            ["D001", "Hoàng Văn Hải", "Xóm 1", 4],  # row 2: fine
            ["D001", "Hoàng Thị Hoa", "Xóm 1", 2],  # row 3: duplicate code
            ["D003", None, "Xóm 2", 3],  # row 4: empty head of household
            ["D004", "=1+1", "Xóm 2", 3],  # row 5: a formula
            ["D005", "Ngô Văn Nam", "Xóm 3", -2],  # row 6: negative member count
            ["H0001", "Nguyễn Văn 1", "Xóm 3", 1],  # row 7: code already in the village
            ["D007", "Lý Văn Lộc", "@SUM(A1)", "ba"],  # row 8: injection and not a number
            ["D008", "Mai Thị Lan", "Xóm 4", 2],  # row 9: fine
        ]
    )
    # when it is imported
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=data, filename="bad.xlsx"
        )
    # then every bad cell is named by its row and header, and nothing is written
    assert refused_cells(exc) == {
        (3, "Mã hộ"),
        (4, "Chủ hộ"),
        (5, "Chủ hộ"),
        (6, "Số nhân khẩu"),
        (7, "Mã hộ"),
        (8, "Địa chỉ"),
        (8, "Số nhân khẩu"),
    }
    problems = {(row, column): problem for row, column, problem in exc.value.params["rows"]}
    assert "row 2" in problems[(3, "Mã hộ")]
    assert "=1+1" in problems[(5, "Chủ hộ")]
    message = str(exc.value)
    assert "Row 3" in message
    assert "Row 8" in message
    assert "7 problems" in message
    assert village_codes(c) == before
    assert not import_events().exists()


def test_csv_with_formula_text_and_bad_numbers_is_refused_whole(commune):
    c = commune
    data = csv_bytes(
        [
            ["Mã hộ", "Chủ hộ", "Số nhân khẩu"],
            ["E001", "=1+1", "2"],  # row 2: formula injection in a text cell
            ["E002", "Trịnh Văn Quý", "-3"],  # row 3: negative
            ["E003", "Tạ Thị Thu", "2,5"],  # row 4: not a whole number
            ["+E004", "Kiều Văn Tú", "1"],  # row 5: injection in the code
            ["", "Không Mã", "1"],  # row 6: empty code
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=data, filename="bad.csv"
        )
    assert refused_cells(exc) == {
        (2, "Chủ hộ"),
        (3, "Số nhân khẩu"),
        (4, "Số nhân khẩu"),
        (5, "Mã hộ"),
        (6, "Mã hộ"),
    }
    assert not Household.objects.filter(code__startswith="E").exists()


def test_missing_required_columns_are_named(commune):
    c = commune
    data = csv_bytes([["Mã hộ", "Địa chỉ"], ["F001", "Xóm 1"]])
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=data, filename="f.csv"
        )
    assert refused_cells(exc) == {(1, "Chủ hộ")}
    assert "Chủ hộ" in str(exc.value)
    assert not Household.objects.filter(code="F001").exists()


def test_file_without_any_known_header_names_every_required_column(commune):
    c = commune
    data = csv_bytes([["Họ", "Tên"], ["Lê", "Minh"]])
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=data, filename="f.csv"
        )
    assert refused_cells(exc) == {(None, "Mã hộ"), (None, "Chủ hộ")}


def test_csv_that_is_not_utf8_is_refused_with_advice(commune):
    c = commune
    # given a CSV saved in the Vietnamese Windows code page (Excel's plain “CSV”)
    data = "code,head_name\r\nG001,Lê Văn Hà\r\n".encode("cp1258")
    # when / then
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=data, filename="g.csv"
        )
    assert "not UTF-8" in str(exc.value)
    assert "CSV UTF-8" in str(exc.value)
    assert not Household.objects.filter(code="G001").exists()


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("list.xls", b"\xd0\xcf\x11\xe0old excel", "old Excel format"),
        ("list.ods", b"PK\x03\x04", "only .xlsx and .csv"),
        ("list.xlsx", "Mã hộ,Chủ hộ".encode(), "not a valid XLSX"),
        ("list.xlsx", b"PK\x03\x04 broken zip", "could not be read"),
        ("list.csv", b"PK\x03\x04 a renamed workbook", "name it “.xlsx”"),
        ("list.csv", b"", "empty"),
        ("list.csv", "Mã hộ,Chủ hộ\r\n".encode(), "no rows"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(commune, filename, data, words):
    c = commune
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=data, filename=filename
        )
    assert words in str(exc.value)


def test_too_large_files_are_refused_before_reading(commune):
    c = commune
    # given a file over the byte cap
    big = b"Ma ho,Chu ho\r\n" + b"X" * imports.MAX_IMPORT_BYTES
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=big, filename="big.csv"
        )
    assert "MB" in str(exc.value)
    # and a small file with one row more than the row cap
    rows = [["Mã hộ", "Chủ hộ"]]
    rows += [[f"R{i:05d}", "Hộ"] for i in range(imports.MAX_IMPORT_ROWS + 1)]
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=csv_bytes(rows), filename="many.csv"
        )
    assert str(imports.MAX_IMPORT_ROWS) in str(exc.value)
    assert not Household.objects.filter(code__startswith="R").exists()


def test_xlsx_that_unpacks_too_large_is_refused(commune, monkeypatch):
    c = commune
    monkeypatch.setattr(reading, "MAX_XLSX_UNPACKED_BYTES", 1000)
    data = xlsx([HEADERS_VI, ["K001", "Hộ K", "", 1]])
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(
            village=c.village, user=c.village_head, data=data, filename="k.xlsx"
        )
    assert "unpacks" in str(exc.value)


def test_households_are_imported_into_a_village_only(commune):
    c = commune
    # given the culture officer, who may register candidates at the commune
    data = csv_bytes([["Mã hộ", "Chủ hộ"], ["Q001", "Hộ Q"]])
    # when they import a household list into the commune itself
    with pytest.raises(ValidationFailed) as exc:
        imports.households_import(village=c.commune, user=c.officer, data=data, filename="q.csv")
    # then it is refused: households live in villages and residential groups
    assert "village or residential group" in str(exc.value)
    assert not Household.objects.filter(code="Q001").exists()


def test_someone_without_the_role_cannot_import(commune, org):
    c = commune
    data = csv_bytes([["Mã hộ", "Chủ hộ"], ["P001", "Hộ P"]])
    with pytest.raises(ActionNotPermitted):
        imports.households_import(
            village=c.village, user=org.chairman_y, data=data, filename="p.csv"
        )
    assert not Household.objects.filter(code="P001").exists()


# --- votes ----------------------------------------------------------------------------------------


def start(c, year=2026):
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=year,
        proposing_unit=c.village,
        on=D(year, 10, 1),
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    return dossier


def vote_rows(c, votes=30):
    return [["Mã hộ", "Số phiếu đồng ý"], *[[h.code, votes] for h in c.households]]


def states(dossier):
    return dict(Candidate.objects.filter(dossier=dossier).values_list("household__code", "state"))


def test_votes_import_records_the_meeting(commune):
    c = commune
    dossier = start(c)
    rows = vote_rows(c)
    rows[2][1] = 10  # H0002 below the approval share
    # when the village head imports the votes of a meeting with quorum
    today_is(D(2026, 10, 5))
    meeting = imports.votes_import(
        dossier=dossier,
        user=c.village_head,
        data=xlsx(rows),
        filename="phieu.xlsx",
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        chaired_by="Ngô Văn Bình",
    )
    # then the meeting is recorded and each household moved by its own votes
    assert meeting.present == 32
    dossier.refresh_from_db()
    assert dossier.state == DossierState.MEETING
    result = states(dossier)
    assert result["H0002"] == CandidateState.NOT_VOTED
    assert result["H0001"] == CandidateState.VOTED
    assert Candidate.objects.get(dossier=dossier, household__code="H0003").votes_for == 30
    event = AuditEvent.objects.get(action=imports.IMPORT_VOTES)
    assert event.payload["count"] == 12


def test_votes_import_without_quorum_records_the_meeting_and_counts_no_vote(commune):
    c = commune
    dossier = start(c)
    today_is(D(2026, 10, 5))
    meeting = imports.votes_import(
        dossier=dossier,
        user=c.village_head,
        data=csv_bytes(vote_rows(c, votes=5)),
        filename="phieu.csv",
        held_on=D(2026, 10, 5),
        invited=40,
        present=20,
        chaired_by="Ngô Văn Bình",
    )
    assert (meeting.quorate, meeting.present) == (False, 20)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REGISTRATION
    assert dossier.meeting is None
    assert set(states(dossier).values()) == {CandidateState.REGISTERED}
    assert not Candidate.objects.filter(votes_for__isnull=False).exists()
    event = AuditEvent.objects.get(action=imports.IMPORT_VOTES)
    assert (event.payload["counted"], event.payload["meeting"]) == (False, meeting.pk)


def test_votes_with_bad_rows_are_refused_with_every_row_named(commune):
    c = commune
    dossier = start(c)
    rows = vote_rows(c)
    rows[1][1] = 33  # row 2: more votes than people present
    rows[2][1] = "nhiều"  # row 3: not a number
    rows[3][0] = "Z999"  # row 4: no such candidate (and H0003 is left without a row)
    rows.append(["H0001", 30])  # row 14: H0001 a second time
    today_is(D(2026, 10, 5))
    with pytest.raises(ValidationFailed) as exc:
        imports.votes_import(
            dossier=dossier,
            user=c.village_head,
            data=csv_bytes(rows),
            filename="phieu.csv",
            held_on=D(2026, 10, 5),
            invited=40,
            present=32,
            chaired_by="Ngô Văn Bình",
        )
    assert refused_cells(exc) == {
        (2, "Số phiếu đồng ý"),
        (3, "Số phiếu đồng ý"),
        (4, "Mã hộ"),
        (14, "Mã hộ"),
        (None, "Mã hộ"),
    }
    assert "H0003" in str(exc.value)
    assert not Meeting.objects.exists()
    assert set(states(dossier).values()) == {CandidateState.REGISTERED}


# --- exports of a decided dossier ----------------------------------------------------------------


def decided(c):
    """The 2026 dossier of Thôn Hạ, decided on 20/10/2026; H0002 failed the vote."""
    dossier = start(c)
    votes = {cand.pk: 30 for cand in dossier.candidates.all()}
    votes[dossier.candidates.get(household__code="H0002").pk] = 10
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes=votes,
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    dossier_accept(dossier=dossier, user=c.officer)
    today_is(D(2026, 10, 20))
    dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 20))
    decision_issue(dossier=dossier, user=c.clerk, on=D(2026, 10, 20))
    dossier.refresh_from_db()
    return dossier


def recognised(dossier):
    return list(
        Candidate.objects.filter(dossier=dossier, state=CandidateState.RECOGNISED)
        .order_by("household__code")
        .values_list(
            "household__code",
            "household__head_name",
            "household__village__name",
            "consecutive_years",
        )
    )


@pytest.fixture
def dossier(commune):
    return decided(commune)


def test_xlsx_export_lists_the_recognised_households_under_the_decision(commune, dossier):
    # given H0004's title was revoked after the decision
    candidate_revoke(
        candidate=dossier.candidates.get(household__code="H0004"),
        user=commune.chairman,
        ground="false_documents",
        note="Kết luận 12/KL",
    )
    # when the list is exported
    data = exports.recognised_xlsx(dossier)
    # then it reads back: heading with the decision, then one row per recognised household
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    heading = " ".join(str(sheet.cell(row=r, column=1).value) for r in range(1, 4))
    assert "UBND XÃ TÂN DĨNH" in heading
    assert "“GIA ĐÌNH VĂN HÓA” NĂM 2026" in heading
    assert "01/QĐ-UBND" in heading
    assert "20/10/2026" in heading
    header_row = exports.XLSX_HEADER_ROW
    headers = [c.value for c in sheet[header_row]]
    assert headers == list(exports.LIST_HEADERS["household"])
    body = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=header_row + 1)]
    expected = recognised(dossier)
    assert [row[1:] for row in body] == expected
    assert [row[0] for row in body] == list(range(1, len(expected) + 1))
    assert "H0002" not in {row[1] for row in body}  # not voted
    assert "H0004" not in {row[1] for row in body}  # revoked
    assert len(body) == 10
    # and the same dossier gives the same bytes
    assert exports.recognised_xlsx(dossier) == data


def test_csv_export_is_utf8_with_bom_and_formula_texts_are_made_inert(dossier):
    # given a head of household whose name a spreadsheet would run as a formula
    Household.objects.filter(code="H0005").update(head_name='=HYPERLINK("x")')
    # when
    data = exports.recognised_csv(dossier)
    # then
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(exports.LIST_HEADERS["household"])
    assert rows[0][2] == "Chủ hộ"
    by_code = {row[1]: row for row in rows[1:]}
    assert len(by_code) == 11  # H0002 failed the vote
    assert by_code["H0001"] == ["1", "H0001", "Nguyễn Văn 1", "Thôn Hạ", "1"]
    assert by_code["H0005"][2] == '\'=HYPERLINK("x")'


def test_xlsx_export_stores_formula_texts_as_text(dossier):
    Household.objects.filter(code="H0005").update(head_name="=1+1")
    sheet = openpyxl.load_workbook(io.BytesIO(exports.recognised_xlsx(dossier))).active
    cells = [row[2] for row in sheet.iter_rows(min_row=exports.XLSX_HEADER_ROW + 1)]
    cell = next(c for c in cells if c.value == "=1+1")
    assert cell.data_type == "s"


@pytest.mark.parametrize(("fmt", "read"), [("pdf", pdf_text), ("docx", docx_text)])
def test_decision_document_carries_number_date_title_and_signature(commune, dossier, fmt, read):
    c = commune
    # given H0004's title was revoked later: the decision as issued still lists it
    candidate_revoke(
        candidate=dossier.candidates.get(household__code="H0004"),
        user=c.chairman,
        ground="false_documents",
        note="Kết luận 12/KL",
    )
    # when
    data = exports.decision_document(dossier, fmt=fmt)
    text = read(data)
    # then
    date_line = place_date_line(agency=c.commune, day=D(2026, 10, 20))
    if fmt == "pdf":
        # the issued, digitally signed PDF: the number and the date were filled into its
        # form fields after the chairman signed
        fields = pypdf.PdfReader(io.BytesIO(data)).get_fields() or {}
        values = {name: str(f.get("/V") or "") for name, f in fields.items()}
        assert (values["so"], values["ngay"], values["thang"], values["nam"]) == (
            "01",
            "20",
            "10",
            "2026",
        )
        number, date_line = "/QĐ-UBND", date_line.split(",")[0] + ", ngày"
    else:
        number = "Số: 01/QĐ-UBND"
    for expected in (
        "UBND XÃ TÂN DĨNH",
        number,
        date_line,
        "QUYẾT ĐỊNH",
        "Về việc công nhận danh hiệu “Gia đình văn hóa” năm 2026",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Hoàng Văn Sơn",
        "Nguyễn Văn 4",
    ):
        assert expected in text, expected
    assert "Nguyễn Văn 2," not in text  # failed the vote
    assert "cho 11 hộ gia đình" in text.replace("\n", " ")


def test_decision_before_numbering_is_a_draft_with_a_blank_number(commune):
    c = commune
    dossier = start(c)
    text = docx_text(exports.decision_document(dossier, fmt="docx"))
    assert "DỰ THẢO" in text
    assert "/QĐ-UBND" in text
    assert "01/QĐ-UBND" not in text


# --- management commands -------------------------------------------------------------------------


def test_import_households_command_imports_a_file_or_lists_its_bad_rows(commune, tmp_path):
    c = commune
    good = tmp_path / "thon-ha.csv"
    good.write_bytes(csv_bytes([["Mã hộ", "Chủ hộ"], ["M001", "Hộ M"]]))
    out = io.StringIO()
    call_command(
        "import_households", str(c.village.pk), str(good), user=c.village_head.username, stdout=out
    )
    assert "1 households imported" in out.getvalue()
    assert Household.objects.filter(village=c.village, code="M001").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["Mã hộ", "Chủ hộ"], ["M002", ""]]))
    with pytest.raises(CommandError, match="Row 2"):
        call_command("import_households", str(c.village.pk), str(bad), user=c.village_head.username)


def test_export_recognised_command_writes_each_format(dossier, tmp_path):
    for fmt in ("xlsx", "csv", "pdf", "docx"):
        target = tmp_path / f"out.{fmt}"
        call_command(
            "export_recognised", str(dossier.pk), fmt=fmt, output=str(target), stdout=io.StringIO()
        )
        assert target.stat().st_size > 0
    assert (tmp_path / "out.csv").read_bytes() == exports.recognised_csv(dossier)
