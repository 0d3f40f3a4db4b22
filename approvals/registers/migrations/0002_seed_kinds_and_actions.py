"""Seed the document kinds of Decree 30/2020 (Phụ lục III) and the register actions.

The abbreviations are regulations data (shared/reference/DOMAIN.md §3.3). HĐ (Hợp đồng)
and CĐ (Công điện) are not confirmed by a retrieved text. Công văn has no abbreviation.
Which roles hold the actions is configuration (``ActionRule``), not seeded here.
"""

from __future__ import annotations

from django.db import migrations

# code, abbreviation, name (vi), name_en
DOCUMENT_KINDS = [
    ("resolution", "NQ", "Nghị quyết (cá biệt)", "Resolution (individual)"),
    ("decision", "QĐ", "Quyết định (cá biệt)", "Decision (individual)"),
    ("directive", "CT", "Chỉ thị", "Directive"),
    ("rules", "QC", "Quy chế", "Rules"),
    ("regulation", "QyĐ", "Quy định", "Regulation"),
    ("communique", "TC", "Thông cáo", "Communiqué"),
    ("notice", "TB", "Thông báo", "Notice"),
    ("guidance", "HD", "Hướng dẫn", "Guidance"),
    ("programme", "CTr", "Chương trình", "Programme"),
    ("plan", "KH", "Kế hoạch", "Plan"),
    ("arrangement", "PA", "Phương án", "Arrangement (option)"),
    ("scheme", "ĐA", "Đề án", "Scheme"),
    ("project", "DA", "Dự án", "Project"),
    ("report", "BC", "Báo cáo", "Report"),
    ("minutes", "BB", "Biên bản", "Minutes"),
    ("submission_memo", "TTr", "Tờ trình", "Submission memo"),
    ("contract", "HĐ", "Hợp đồng", "Contract"),
    ("official_telegram", "CĐ", "Công điện", "Official telegram"),
    ("memorandum", "BGN", "Bản ghi nhớ", "Memorandum of understanding"),
    ("agreement", "BTT", "Bản thỏa thuận", "Agreement"),
    ("authorisation_letter", "GUQ", "Giấy ủy quyền", "Letter of authorisation"),
    ("invitation", "GM", "Giấy mời", "Invitation"),
    ("introduction_letter", "GGT", "Giấy giới thiệu", "Letter of introduction"),
    ("leave_permit", "GNP", "Giấy nghỉ phép", "Leave permit"),
    ("dispatch_slip", "PG", "Phiếu gửi", "Dispatch slip"),
    ("transfer_slip", "PC", "Phiếu chuyển", "Transfer slip"),
    ("notification_slip", "PB", "Phiếu báo", "Notification slip"),
    ("true_copy", "SY", "Bản sao y", "True copy"),
    ("extract_copy", "TrS", "Bản trích sao", "Extract copy"),
    ("transcribed_copy", "SL", "Bản sao lục", "Transcribed copy"),
    ("official_letter", "", "Công văn", "Official letter"),
]

# code, name (vi), name_en; all are "record" actions of the records office
ACTIONS = [
    ("approvals_registers.issue_number", "Cấp số văn bản", "Issue a document number"),
    ("approvals_registers.void_number", "Hủy số văn bản", "Void a document number"),
    ("approvals_registers.close_register", "Khóa sổ đăng ký văn bản", "Close a document register"),
    ("approvals_registers.configure_register", "Lập sổ đăng ký văn bản",
     "Configure a document register"),
]


def seed(apps, schema_editor):
    DocumentKind = apps.get_model("approvals_registers", "DocumentKind")
    Action = apps.get_model("approvals_org", "Action")
    for code, abbreviation, name, name_en in DOCUMENT_KINDS:
        DocumentKind.objects.get_or_create(
            code=code, defaults={"abbreviation": abbreviation, "name": name, "name_en": name_en}
        )
    for code, name, name_en in ACTIONS:
        Action.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": "record"}
        )


def unseed(apps, schema_editor):
    DocumentKind = apps.get_model("approvals_registers", "DocumentKind")
    Action = apps.get_model("approvals_org", "Action")
    Action.objects.filter(code__in=[code for code, *_ in ACTIONS]).delete()
    DocumentKind.objects.filter(
        code__in=[code for code, *_ in DOCUMENT_KINDS],
        entries__isnull=True,
        register_links__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals_registers", "0001_initial"),
        ("approvals_org", "0002_default_roles"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
