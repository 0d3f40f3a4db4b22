"""The recognition decision (Decree 30/2020): it ends with Điều 3, Nơi nhận and the signature;
the list follows as an annex citing the decision; its căn cứ lines name the instruments in
full."""

from __future__ import annotations

import io

import pypdf
import pytest

from tests.nominations.test_import_export import decided, start
from workflows.documents import docx_text
from workflows.nominations import exports

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]

DECREE_86 = (
    "Căn cứ Nghị định số 86/2023/NĐ-CP ngày 07 tháng 12 năm 2023 của Chính phủ quy định về "
    "khung tiêu chuẩn và trình tự, thủ tục, hồ sơ xét tặng danh hiệu"
)
LAW = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;"


def _pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_the_signature_precedes_the_annex_which_cites_the_decision(commune) -> None:
    dossier = decided(commune)
    data = exports.decision_document(dossier, fmt="pdf")
    pages = _pages(data)
    text = " ".join(pages)
    signature = text.index("Hoàng Văn Sơn")
    article_3 = text.index("Điều 3.")
    recipients = text.index("Nơi nhận:")
    annex = text.index("DANH SÁCH HỘ GIA ĐÌNH ĐƯỢC CÔNG NHẬN")
    assert article_3 < recipients < annex
    assert article_3 < signature < annex
    # the annex starts a page of its own, after the signature's page
    annex_page = next(i for i, page in enumerate(pages) if "DANH SÁCH HỘ GIA ĐÌNH" in page)
    assert all("DANH SÁCH HỘ GIA ĐÌNH" not in page for page in pages[:annex_page])
    assert "Hoàng Văn Sơn" not in pages[annex_page]
    assert "(Kèm theo Quyết định số" in pages[annex_page]
    assert "/QĐ-UBND ngày" in pages[annex_page]
    assert "của Ủy ban nhân dân xã Tân Dĩnh)" in pages[annex_page]
    # the issued PDF: the decision's number and date filled into the annex's citation too
    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields() or {}
    values = {name: str(f.get("/V") or "") for name, f in fields.items()}
    assert (values["so_pl"], values["ngay_pl"], values["thang_pl"], values["nam_pl"]) == (
        "01",
        "20",
        "10",
        "2026",
    )
    # the households are listed in the annex only
    assert text.index("H0001 - Nguyễn Văn 1") > annex


def test_the_basis_cites_the_instruments_in_full_and_keeps_the_meeting(commune) -> None:
    dossier = decided(commune)
    text = " ".join(" ".join(_pages(exports.decision_document(dossier, fmt="pdf"))).split())
    assert DECREE_86 in text
    assert LAW in text
    assert "Căn cứ Biên bản họp bình xét" in text
    assert "Căn cứ NĐ 86/2023/NĐ-CP;" not in text
    assert "tổ chức chính quyền địa phương 2 cấp" not in text
    assert text.index("Căn cứ Luật") < text.index("QUYẾT ĐỊNH:") < text.index("Điều 1.")


def test_a_draft_decision_has_its_annex_citing_a_blank_number_and_date(commune) -> None:
    dossier = start(commune)
    text = docx_text(exports.decision_document(dossier, fmt="docx"))
    flat = " ".join(text.split())
    assert "(Kèm theo Quyết định số" in flat
    assert "/QĐ-UBND ngày tháng năm 2026" in flat
    assert flat.index("Nơi nhận:") < flat.index("(Kèm theo Quyết định số")


def test_the_authority_and_decides_lines_are_centred(commune) -> None:
    from workflows.documents.layout import Section

    layout = exports.decision_layout(decided(commune))
    authority, decides = layout.sections
    assert isinstance(authority, Section)
    assert authority.heading == "ỦY BAN NHÂN DÂN XÃ TÂN DĨNH"
    assert authority.centred
    assert decides.heading == "QUYẾT ĐỊNH:"
    assert decides.centred
    assert layout.annex_citation is not None
    assert layout.annex_citation.lines()[0] == (
        "(Kèm theo Quyết định số 01/QĐ-UBND ngày 20 tháng 10 năm 2026"
    )
