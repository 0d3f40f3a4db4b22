"""Add the layout of digital signatures (Decree 30/2020 Phụ lục I, "Thể thức chữ ký số") to
the regulation "document_work".

Phụ lục I places the organisation's seal image at its real size over about a third of the
signer's image, on its left, and prints the stamp of an attachment in blue Times New Roman
of about 10 pt. The seal's size depends on the seal (Decree 99/2016 on seals), so the
diameter here is an unconfirmed default a province or unit changes with a version of its own.
"""

from __future__ import annotations

from django.db import migrations

INT = "integer"
PL1 = "NĐ 30/2020/NĐ-CP, Phụ lục I (thể thức chữ ký số)"
PRACTICE = "Thực tiễn (kích thước con dấu của cơ quan, NĐ 99/2016/NĐ-CP)"

# (key, value, type, confirmed, basis, description)
SIGNING_RULES = [
    ("signing.seal_diameter_mm", 36, INT, False, PRACTICE,
     "Đường kính hình ảnh con dấu của cơ quan trên văn bản điện tử (kích thước thật)"),
    ("signing.seal_overlap_percent", 33, INT, True, PL1,
     "Hình ảnh con dấu trùm lên khoảng 1/3 hình ảnh chữ ký của người có thẩm quyền, về bên "
     "trái (phần trăm bề rộng)"),
    ("signing.attachment_stamp_font_pt", 10, INT, True, PL1,
     "Chữ ký số của cơ quan trên phụ lục: số và ký hiệu văn bản, thời gian ký; Times New "
     "Roman, cỡ 10, màu xanh"),
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
        for key, value, value_type, confirmed, basis, description in SIGNING_RULES
        if not Rule.objects.filter(version=version, key=key).exists()
    )


def remove_rules(apps, schema_editor):
    Rule = apps.get_model("approvals_rules", "Rule")
    Rule.objects.filter(
        version__regulation__code="document_work", key__in=[row[0] for row in SIGNING_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0005_movement_targets")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
