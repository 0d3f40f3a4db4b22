"""The grounds for annulling an award (Law on Emulation and Commendation 2022, Chapter VII)."""

from __future__ import annotations

from django.db import migrations

KEY = "title.revocation_grounds"
GROUNDS = ["fraudulent_declaration", "false_documents", "unlawful_review", "later_finding"]
BASIS = "Luật Thi đua, khen thưởng 06/2022/QH15, Chương VII"
DESCRIPTION = (
    "Hủy bỏ quyết định, thu hồi: khai man thành tích; cung cấp thông tin, giấy tờ sai sự thật; "
    "thẩm định, xét duyệt, đề nghị trái pháp luật; kết luận vi phạm làm không còn đủ tiêu chuẩn"
)


def seed(apps, schema_editor):
    RegulationVersion = apps.get_model("approvals_rules", "RegulationVersion")
    Rule = apps.get_model("approvals_rules", "Rule")
    for version in RegulationVersion.objects.filter(
        regulation__code__in=["cultural_titles", "emulation"], jurisdiction__isnull=True
    ):
        Rule.objects.get_or_create(
            version=version, key=KEY,
            defaults={"value": GROUNDS, "value_type": "list", "confirmed": True, "basis": BASIS,
                      "description": DESCRIPTION},
        )


def unseed(apps, schema_editor):
    apps.get_model("approvals_rules", "Rule").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0003_document_layout_rules")]
    operations = [migrations.RunPython(seed, unseed)]
