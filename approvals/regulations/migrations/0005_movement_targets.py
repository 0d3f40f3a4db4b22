"""The movement's targets (QĐ 2214/QĐ-TTg, 28/12/2021) as regulation data.

The 80 % of households keeping the title is confirmed for lowland areas (DOMAIN.md §5.1);
the village and agency shares are not set nationally (provinces set their own figures), so
they are unconfirmed defaults a province overrides with a version of its own.
"""

from __future__ import annotations

import datetime

from django.db import migrations

CODE = "movement_targets"
NAME = (
    "Chỉ tiêu Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” giai đoạn 2021-2026"
)
NAME_EN = "Targets of the movement 'All people unite to build a cultural life' (Decision 2214)"
QD2214 = "QĐ 2214/QĐ-TTg"
EFFECTIVE = datetime.date(2021, 12, 28)
LEGAL_BASIS = (
    "Quyết định số 2214/QĐ-TTg ngày 28/12/2021 của Thủ tướng Chính phủ phê duyệt Chương trình "
    "thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” giai đoạn 2021-2026"
)
PROVINCE = "tỉnh quy định"

# key, value, type, confirmed, basis, description
RULES = [
    ("cultural_family.target_share_percent", 80, "percent", True,
     f"{QD2214} (vùng đồng bằng)",
     "80% hộ gia đình giữ vững danh hiệu “Gia đình văn hóa” (vùng đồng bằng); vùng dân tộc "
     "thiểu số và miền núi: tỉnh quy định"),
    ("cultural_village.target_share_percent", 70, "percent", False, PROVINCE,
     "Tỷ lệ thôn, tổ dân phố đạt danh hiệu văn hóa — mặc định cấu hình được (ví dụ Hà Nội "
     "75% TDP, Quảng Nam trên 90% thôn, TDP)"),
    ("cultural_standard_organization.target_share_percent", 70, "percent", False, PROVINCE,
     "Tỷ lệ cơ quan, đơn vị, doanh nghiệp đạt chuẩn văn hóa — mặc định cấu hình được (ví dụ "
     "Hà Nội 70-73%, Quảng Nam trên 95%)"),
]


def seed(apps, schema_editor):
    Regulation = apps.get_model("approvals_rules", "Regulation")
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    regulation, _ = Regulation.objects.get_or_create(
        code=CODE, defaults={"name": NAME, "name_en": NAME_EN}
    )
    version, _ = RegulationVersion.objects.get_or_create(
        regulation=regulation, jurisdiction=None, effective_from=EFFECTIVE,
        defaults={"label": QD2214, "legal_basis": LEGAL_BASIS},
    )
    for key, value, value_type, confirmed, basis, description in RULES:
        Rule.objects.get_or_create(
            version=version, key=key,
            defaults={"value": value, "value_type": value_type, "confirmed": confirmed,
                      "basis": basis, "description": description},
        )


def unseed(apps, schema_editor):
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    RegulationVersion.objects.filter(regulation__code=CODE).delete()
    apps.get_model("approvals_rules", "Regulation").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0004_revocation_grounds")]
    operations = [migrations.RunPython(seed, unseed)]
