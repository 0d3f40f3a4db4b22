"""Seed the rule "decision.basis": the instruments a recognition decision cites, each by its
full name and date, in the words of a "Căn cứ …;" line.

The titles and dates are those confirmed in the project's domain notes (Luật Thi đua, khen
thưởng 06/2022/QH15 of 15/06/2022; Nghị định 86/2023/NĐ-CP of 07/12/2023; Nghị định
98/2023/NĐ-CP of 31/12/2023). A province adds the instruments of its own (its rules on
emulation, the law on local government it cites) with a version of its own.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

KEY = "decision.basis"
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"
DECREE_86 = (
    "Nghị định số 86/2023/NĐ-CP ngày 07 tháng 12 năm 2023 của Chính phủ quy định về khung "
    "tiêu chuẩn và trình tự, thủ tục, hồ sơ xét tặng danh hiệu “Gia đình văn hóa”; “Thôn, "
    "tổ dân phố văn hóa”; “Xã, phường, thị trấn tiêu biểu”"
)
DECREE_98 = (
    "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
    "thi hành một số điều của Luật Thi đua, khen thưởng"
)
CITATIONS = {
    "cultural_titles": [LAW, DECREE_86],
    "emulation": [LAW, DECREE_98],
    "emulation_blocs": [LAW, DECREE_98],
}
SOURCE = "Luật 06/2022/QH15; NĐ 86/2023/NĐ-CP; NĐ 98/2023/NĐ-CP (tên và ngày ban hành)"
DESCRIPTION = (
    "Các văn bản được dẫn ở phần căn cứ của quyết định công nhận, mỗi văn bản một dòng "
    "“Căn cứ …;” (tên đầy đủ, số, ngày ban hành)"
)


def seed(apps: Any, schema_editor: Any) -> None:
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    for code, citations in CITATIONS.items():
        for version in RegulationVersion.objects.filter(regulation__code=code):
            Rule.objects.get_or_create(
                version=version,
                key=KEY,
                defaults={
                    "value": citations,
                    "value_type": "list",
                    "confirmed": True,
                    "basis": SOURCE,
                    "description": DESCRIPTION,
                },
            )


def unseed(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("approvals_rules", "Rule")
    Rule.objects.filter(key=KEY, version__regulation__code__in=CITATIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals_rules", "0010_handover_rules"),
        ("emulation", "0003_blocyear_effective_recorded_at"),
        ("nominations", "0013_dossier_handed_over"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
