"""Test data: the 2024 plan of Sở Lao động - TB&XH Bắc Giang (seed 004), shortened."""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from workflows.documents import DocumentLayout, Item, LayoutSpec, Section, layout_spec_from_rules

PANGRAM = "Ắ Ằ Ẳ Ẵ Ặ Ơ Ư Đ ữ ỹ ỵ ộ ệ"

SUBJECT = "Triển khai thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” năm 2024"
DATE_LINE = "Bắc Giang, ngày 05 tháng 02 năm 2024"
NUMBER_LINE = "Số: 01/KH-LĐTĐ&XH"
SIGNER = "Trương Đức Huấn"


def layout_rules() -> dict[str, Any]:
    """The layout rules exactly as the data migration seeds them."""
    migration = importlib.import_module(
        "approvals.regulations.migrations.0003_document_layout_rules"
    )
    return {key: value for key, value, *_ in migration.LAYOUT_RULES}


def spec() -> LayoutSpec:
    """The spec built from the seeded values, without a database."""
    return layout_spec_from_rules(layout_rules())


def plan_layout(**changes: Any) -> DocumentLayout:
    """A plan in the shape of seed 004, numbered and dated."""
    layout = DocumentLayout(
        parent_agency="UBND TỈNH BẮC GIANG",
        agency="SỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI",
        number_line=NUMBER_LINE,
        place_date=DATE_LINE,
        kind_title="KẾ HOẠCH",
        subject_summary=SUBJECT,
        basis=[
            "Thực hiện Kế hoạch số 30/KH-BCĐ ngày 05/02/2024 của Ban chỉ đạo Phong trào Toàn "
            "dân đoàn kết xây dựng đời sống văn hóa và công tác gia đình tỉnh Bắc Giang, Sở Lao "
            "động - Thương binh và Xã hội xây dựng kế hoạch triển khai thực hiện như sau:",
        ],
        sections=[
            Section(
                heading="I. MỤC ĐÍCH, YÊU CẦU",
                paragraphs=[
                    "1. Đẩy mạnh phát triển Phong trào trong toàn ngành cả về chiều rộng và "
                    "chiều sâu, nội dung thiết thực, tránh hình thức.",
                    "2. Tăng cường phối hợp với các cơ quan, ban, ngành, đoàn thể để triển khai "
                    "thực hiện các nội dung của Phong trào.",
                ],
            ),
            Section(
                heading="II. NỘI DUNG",
                paragraphs=[
                    "1. Tiếp tục triển khai các nội dung tại Quyết định số 2214/QĐ-TTg ngày "
                    "28/12/2021 của Thủ tướng Chính phủ; xây dựng cơ quan, đơn vị văn hóa.",
                    f"2. Kiểm tra phông chữ: {PANGRAM}.",
                ],
            ),
            Section(
                heading="III. TỔ CHỨC THỰC HIỆN",
                items=[
                    Item(
                        heading="1. Phòng Bảo trợ xã hội",
                        paragraphs=[
                            "Chủ trì, tham mưu triển khai các nội dung liên quan đến phong trào "
                            "“Đoàn kết giúp nhau xóa đói giảm nghèo”."
                        ],
                    ),
                    Item(
                        heading="2. Văn phòng Sở",
                        paragraphs=[
                            "Theo dõi, kiểm tra, đôn đốc và hướng dẫn thực hiện kế hoạch này; "
                            "định kỳ tổng hợp, báo cáo kết quả thực hiện theo quy định."
                        ],
                    ),
                ],
            ),
        ],
        closing=(
            "Trên đây là Kế hoạch thực hiện phong trào năm 2024 của Sở Lao động - TB&XH. Đề nghị "
            "các phòng, đơn vị trực thuộc Sở tập trung chỉ đạo, triển khai thực hiện./."
        ),
        recipients=[
            "Sở Văn hóa - TT&DL",
            "Lãnh đạo Sở",
            "Các phòng, đơn vị trực thuộc Sở",
            "BBT Website",
            "Lưu: VT, VP",
        ],
        signature_block=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        signer_name=SIGNER,
    )
    return dataclasses.replace(layout, **changes)


def draft_layout() -> DocumentLayout:
    """The same plan as a draft: no number, no day and month yet."""
    return plan_layout(
        number_line="Số:      /KH-LĐTĐ&XH",
        place_date="Bắc Giang, ngày      tháng      năm 2024",
        draft=True,
    )


def attachment_pdf(text: str = "Phụ lục") -> bytes:
    """A small real one-page PDF, as a drafter attaches (the agency signs it at issue)."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=True)
    canvas.drawString(72, 780, text.encode("ascii", "replace").decode())
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
