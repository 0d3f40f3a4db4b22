"""Seed the regulations in force, from shared/reference/DOMAIN.md.

Values marked ``confirmed=False`` are not confirmed by a retrieved legal text (DOMAIN.md §9);
they are configurable defaults to be checked by each province.
"""

from __future__ import annotations

import datetime

from django.db import migrations

P = "period"
PCT = "percent"
MD = "month_day"
LVL = "unit_kind"
INT = "integer"
BOOL = "boolean"
LIST = "list"
TEXT = "text"

ND86 = "NĐ 86/2023/NĐ-CP"
LUAT = "Luật Thi đua, khen thưởng 06/2022/QH15"
ND30 = "NĐ 30/2020/NĐ-CP"

# (key, value, type, confirmed, basis, description)
CULTURAL_TITLES_2024 = [
    ("cultural_family.review_deadline", "11-25", MD, True, ND86,
     "Bình xét Gia đình văn hóa hoàn thành trước ngày 25/11 hằng năm"),
    ("cultural_family.posting_period", {"length": 10, "day_kind": "calendar"}, P, False, ND86,
     "Niêm yết công khai 10 ngày (số ngày xác nhận; ngày lịch hay ngày làm việc chưa xác nhận)"),
    ("cultural_family.decision_period", {"length": 10, "day_kind": "calendar"}, P, False,
     f"{ND86}, Mẫu số 10",
     "Chủ tịch UBND xã quyết định trong 10 ngày kể từ khi nhận đủ hồ sơ (loại ngày chưa xác nhận)"),
    ("cultural_family.meeting_quorum_percent", 60, PCT, False, "NĐ 122/2018/NĐ-CP (đã thay thế)",
     "Tỷ lệ có mặt tối thiểu của cuộc họp bình xét — chưa xác nhận theo NĐ 86, cấu hình được"),
    ("cultural_family.approval_percent", 60, PCT, False, "NĐ 122/2018/NĐ-CP (đã thay thế)",
     "Tỷ lệ đồng ý tối thiểu trên số người dự họp — chưa xác nhận theo NĐ 86, cấu hình được"),
    ("cultural_family.deciding_level", "commune", LVL, True, f"{LUAT}, Điều 80.3",
     "Chủ tịch UBND cấp xã tặng danh hiệu Gia đình văn hóa"),
    ("cultural_family.disqualifiers", [
        "criminal_prosecution", "military_service_or_tax_unfulfilled",
        "fined_child_or_illegal_marriage", "fined_public_order_gambling_fire_domestic_violence",
    ], LIST, True, f"{ND86}, Điều 6 khoản 4", "Trường hợp không xét tặng"),
    ("cultural_village.posting_period", {"length": 10, "day_kind": "calendar"}, P, False, ND86,
     "Công khai danh sách thôn 10 ngày (loại ngày chưa xác nhận)"),
    ("cultural_village.decision_period", {"length": 10, "day_kind": "calendar"}, P, False, ND86,
     "Quyết định trong 10 ngày kể từ khi nhận đủ hồ sơ (loại ngày chưa xác nhận)"),
    ("cultural_village.deciding_level", "district", LVL, True, f"{LUAT}, Điều 80.2; {ND86}",
     "Chủ tịch UBND cấp huyện tặng danh hiệu Thôn, tổ dân phố văn hóa"),
    ("cultural_village.council_approval_percent", 50, PCT, False, "chưa xác nhận",
     "Tỷ lệ đồng ý của Hội đồng TĐKT cấp xã — chưa có nguồn, tỉnh cấu hình"),
    ("exemplary_commune.deciding_level", "province", LVL, True, f"{ND86}, Mẫu số 12",
     "UBND cấp tỉnh quyết định tặng danh hiệu Xã, phường, thị trấn tiêu biểu"),
    ("exemplary_commune.decision_period", {"length": 10, "day_kind": "calendar"}, P, False,
     "chưa xác nhận (tương tự các danh hiệu khác)", "Thời hạn quyết định — chưa xác nhận"),
    ("exemplary_commune.council_approval_percent", 70, PCT, False,
     "thủ tục cũ Xã kiểu mẫu (dichvucong 9387)", "Tỷ lệ đồng ý của Hội đồng TĐKT — chưa xác nhận"),
]

CULTURAL_TITLES_2025_REFORM = [
    ("cultural_village.deciding_level", "commune", LVL, False,
     "Chính quyền địa phương 2 cấp từ 01/07/2025",
     "Cấp huyện chấm dứt hoạt động; cấp thay thế chưa xác nhận — mặc định cấp xã, cấu hình được"),
]

EMULATION_2024 = [
    ("advanced_worker.deciding_level", "department", LVL, True, f"{LUAT}, Điều 80.1",
     "Thủ trưởng cơ quan chuyên môn thuộc UBND tỉnh tặng Lao động tiên tiến"),
    ("advanced_worker.min_rating", "rating_good", TEXT, True, f"{LUAT}, Điều 24.1",
     "Hoàn thành tốt nhiệm vụ trở lên"),
    ("advanced_collective.deciding_level", "department", LVL, True, f"{LUAT}, Điều 80.1",
     "Thủ trưởng cơ quan chuyên môn thuộc UBND tỉnh tặng Tập thể lao động tiên tiến"),
    ("advanced_collective.min_member_share_percent", 50, PCT, False, "Luật TĐKT 2003, Điều 28 (cũ)",
     "Tỷ lệ thành viên đạt Lao động tiên tiến — luật cũ, chưa xác nhận theo Luật 2022"),
    ("advanced_collective.member_share_strictly_greater", True, BOOL, False,
     "Luật TĐKT 2003, Điều 28 (cũ)", "“Trên 50%” (lớn hơn hẳn) — chưa xác nhận theo Luật 2022"),
    ("advanced_collective.no_member_disciplined", True, BOOL, False,
     "Luật TĐKT 2003, Điều 28 (cũ)", "Không có thành viên bị kỷ luật từ cảnh cáo trở lên"),
    ("excellent_collective.min_member_share_percent", 70, PCT, True, LUAT,
     "Ít nhất 70% thành viên đạt Lao động tiên tiến"),
    ("emulation.decision_period", {"length": 10, "day_kind": "working"}, P, False,
     "thực tiễn cấp xã (thủ tục LĐTT)", "Thời hạn quyết định — thực tiễn, chưa xác nhận"),
    ("cultural_standard_organization.first_recognition_min_years", 2, INT, False,
     "TT 08/2014/TT-BVHTTDL (hiệu lực chưa xác nhận)", "Công nhận lần đầu sau ít nhất 2 năm"),
    ("cultural_standard_organization.re_recognition_years", 5, INT, False,
     "TT 08/2014/TT-BVHTTDL (hiệu lực chưa xác nhận)", "Công nhận lại sau 5 năm"),
    ("cultural_standard_organization.first_deciding_level", "district", LVL, False,
     "TT 08/2014/TT-BVHTTDL", "Chủ tịch UBND cấp huyện công nhận lần đầu"),
    ("cultural_standard_organization.re_deciding_level", "province", LVL, False,
     "TT 08/2014/TT-BVHTTDL", "Chủ tịch UBND cấp tỉnh công nhận lại"),
]

EMULATION_2025_REFORM = [
    ("cultural_standard_organization.first_deciding_level", "commune", LVL, False,
     "Chính quyền địa phương 2 cấp từ 01/07/2025",
     "Cấp huyện chấm dứt hoạt động; cấp thay thế chưa xác nhận — cấu hình được"),
]

DOCUMENT_WORK_2020 = [
    ("numbering.min_digits", 2, INT, True, f"{ND30}, Phụ lục I",
     "Số văn bản ghi bằng chữ số Ả Rập, dưới 10 ghi thêm số 0 phía trước"),
    ("numbering.year_start", "01-01", MD, True, f"{ND30}, Điều 15",
     "Số bắt đầu từ 01 vào ngày 01 tháng 01"),
    ("numbering.after_signature_period", {"length": 1, "day_kind": "working"}, P, True,
     f"{ND30}, Điều 15", "Cấp số, ngày sau khi ký, chậm nhất ngày làm việc tiếp theo"),
    ("dispatch.period", {"length": 1, "day_kind": "working"}, P, True, f"{ND30}, Điều 18",
     "Phát hành trong ngày ký, chậm nhất ngày làm việc tiếp theo"),
    ("date_line.zero_padded_months", [1, 2], LIST, True, f"{ND30}, Phụ lục I",
     "Ngày dưới 10 và tháng 1, 2 ghi thêm số 0"),
]

REGULATIONS = [
    ("cultural_titles", "Danh hiệu Gia đình văn hóa, Thôn/TDP văn hóa, Xã tiêu biểu",
     "Cultural titles (Decree 86/2023)", [
         (datetime.date(2024, 1, 30), ND86, f"{ND86} ngày 07/12/2023; {LUAT}",
          CULTURAL_TITLES_2024),
         (datetime.date(2025, 7, 1), "Chính quyền địa phương 2 cấp",
          f"{ND86}; tổ chức chính quyền địa phương 2 cấp từ 01/07/2025",
          CULTURAL_TITLES_2025_REFORM),
     ]),
    ("emulation", "Danh hiệu thi đua và công nhận cơ quan đạt chuẩn văn hóa",
     "Emulation titles (Law 06/2022/QH15, Decree 98/2023)", [
         (datetime.date(2024, 1, 1), LUAT, f"{LUAT}; NĐ 98/2023/NĐ-CP", EMULATION_2024),
         (datetime.date(2025, 7, 1), "Chính quyền địa phương 2 cấp",
          f"{LUAT}; tổ chức chính quyền địa phương 2 cấp từ 01/07/2025", EMULATION_2025_REFORM),
     ]),
    ("document_work", "Công tác văn thư", "Clerical work (Decree 30/2020)", [
        (datetime.date(2020, 3, 5), ND30, f"{ND30} ngày 05/03/2020", DOCUMENT_WORK_2020),
    ]),
]


def seed(apps, schema_editor):
    Regulation = apps.get_model("approvals_rules", "Regulation")
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    for code, name, name_en, versions in REGULATIONS:
        regulation, _ = Regulation.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
        carried: dict[str, tuple] = {}
        for effective_from, label, basis, rules in versions:
            for row in rules:
                carried[row[0]] = row
            version = RegulationVersion.objects.create(
                regulation=regulation, label=label, effective_from=effective_from,
                legal_basis=basis,
            )
            Rule.objects.bulk_create(
                Rule(version=version, key=key, value=value, value_type=value_type,
                     confirmed=confirmed, basis=source, description=description)
                for key, value, value_type, confirmed, source, description in carried.values()
            )


def unseed(apps, schema_editor):
    Regulation = apps.get_model("approvals_rules", "Regulation")
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    codes = [code for code, *_ in REGULATIONS]
    RegulationVersion.objects.filter(regulation__code__in=codes).delete()
    Regulation.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
