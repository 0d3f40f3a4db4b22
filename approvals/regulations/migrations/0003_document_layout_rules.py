"""Add the layout measurements of Decree 30/2020 Phụ lục I to the regulation "document_work".

Where Phụ lục I gives a range the chosen value is inside it and the description states the
range; the renderers (workflows.documents) read every measurement from these rules.
The column split and the signature space are not set by the decree (confirmed=False).
"""

from __future__ import annotations

from django.db import migrations

INT = "integer"
TEXT = "text"
PL1 = "NĐ 30/2020/NĐ-CP, Phụ lục I"
PRACTICE = "Thực tiễn trình bày (NĐ 30/2020 không quy định số đo)"

# (key, value, type, confirmed, basis, description)
LAYOUT_RULES = [
    ("layout.page_width_mm", 210, INT, True, PL1, "Khổ giấy A4: rộng 210 mm"),
    ("layout.page_height_mm", 297, INT, True, PL1, "Khổ giấy A4: cao 297 mm"),
    ("layout.margin_top_mm", 20, INT, True, PL1, "Lề trên cách mép trên 20–25 mm"),
    ("layout.margin_bottom_mm", 20, INT, True, PL1, "Lề dưới cách mép dưới 20–25 mm"),
    ("layout.margin_left_mm", 30, INT, True, PL1, "Lề trái cách mép trái 30–35 mm"),
    ("layout.margin_right_mm", 15, INT, True, PL1, "Lề phải cách mép phải 15–20 mm"),
    ("layout.font_name", "Times New Roman", TEXT, True, PL1,
     "Phông chữ tiếng Việt Times New Roman, bộ mã Unicode TCVN 6909:2001, màu đen"),
    ("layout.body_font_pt", 14, INT, True, PL1,
     "Nội dung: chữ in thường, cỡ 13–14, đứng, dàn đều hai lề"),
    ("layout.national_title_font_pt", 12, INT, True, PL1, "Quốc hiệu: in hoa, cỡ 12–13, đứng, đậm"),
    ("layout.motto_font_pt", 13, INT, True, PL1,
     "Tiêu ngữ: in thường, cỡ 13–14, đứng, đậm; kẻ ngang dài bằng dòng chữ"),
    ("layout.parent_agency_font_pt", 13, INT, True, PL1,
     "Tên cơ quan chủ quản cấp trên: in hoa, cỡ 12–13, đứng"),
    ("layout.agency_font_pt", 13, INT, True, PL1, "Tên cơ quan ban hành: in hoa, cỡ 12–13, đứng, đậm"),
    ("layout.number_font_pt", 13, INT, True, PL1, "Số, ký hiệu: cỡ 13, đứng"),
    ("layout.place_date_font_pt", 14, INT, True, PL1,
     "Địa danh, ngày tháng năm: in thường, cỡ 13–14, nghiêng"),
    ("layout.title_font_pt", 14, INT, True, PL1, "Tên loại văn bản: in hoa, cỡ 13–14, đứng, đậm"),
    ("layout.subject_font_pt", 14, INT, True, PL1, "Trích yếu nội dung: in thường, cỡ 14, đứng, đậm"),
    ("layout.letter_subject_font_pt", 13, INT, True, PL1,
     "Trích yếu công văn (V/v): in thường, cỡ 12–13, đứng"),
    ("layout.mark_font_pt", 13, INT, True, PL1,
     "Độ khẩn (văn bản điện tử): in hoa, cỡ 13–14, đứng, đậm, trong khung"),
    ("layout.recipients_heading_font_pt", 12, INT, True, PL1,
     "Từ “Nơi nhận”: in thường, cỡ 12, nghiêng, đậm"),
    ("layout.recipients_font_pt", 11, INT, True, PL1, "Danh sách nơi nhận: in thường, cỡ 11, đứng"),
    ("layout.signature_font_pt", 14, INT, True, PL1,
     "Quyền hạn, chức vụ người ký: in hoa, cỡ 13–14, đứng, đậm"),
    ("layout.signer_name_font_pt", 14, INT, True, PL1,
     "Họ tên người ký: in thường, cỡ 13–14, đứng, đậm"),
    ("layout.page_number_font_pt", 14, INT, True, PL1,
     "Số trang: cỡ 13–14, canh giữa lề trên, không hiện ở trang đầu"),
    ("layout.first_line_indent_mm", 10, INT, True, PL1, "Chữ đầu dòng lùi vào 10–12,7 mm"),
    ("layout.paragraph_spacing_pt", 6, INT, True, PL1, "Khoảng cách giữa các đoạn tối thiểu 6pt"),
    ("layout.line_spacing_percent", 115, INT, True, PL1,
     "Cách dòng từ dòng đơn (100) đến 1,5 dòng (150), tính theo phần trăm dòng đơn"),
    ("layout.short_rule_percent", 40, INT, True, PL1,
     "Đường kẻ dưới tên cơ quan và dưới trích yếu dài 1/3–1/2 dòng chữ (phần trăm)"),
    ("layout.header_left_percent", 44, INT, False, PRACTICE,
     "Cột trái (tên cơ quan, số, nơi nhận) chiếm phần trăm bề rộng vùng in"),
    ("layout.signature_space_mm", 25, INT, False, PRACTICE,
     "Khoảng trống để ký (ô 7c) giữa chức vụ và họ tên người ký"),
]


def add_rules(apps, schema_editor):
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    version = (
        RegulationVersion.objects.filter(regulation__code="document_work", jurisdiction=None)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        return
    Rule.objects.bulk_create(
        Rule(version=version, key=key, value=value, value_type=value_type,
             confirmed=confirmed, basis=basis, description=description)
        for key, value, value_type, confirmed, basis, description in LAYOUT_RULES
        if not Rule.objects.filter(version=version, key=key).exists()
    )


def remove_rules(apps, schema_editor):
    Rule = apps.get_model("approvals_rules", "Rule")
    Rule.objects.filter(
        version__regulation__code="document_work", key__in=[row[0] for row in LAYOUT_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0002_seed_defaults")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
