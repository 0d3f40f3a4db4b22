"""Seed the regulation "handover": whose rules decide a case handed over in a reorganisation.

When a unit is dissolved (the 2025 reform abolished the district level), its pending cases
go to the successor. Whether the successor decides them by the rules in force when the case
was filed, or by those in force when it decides, no text found states for emulation and
cultural titles: Nghị quyết 190/2025/QH15 (handling matters when the state apparatus is
reorganised) has the receiving body continue the cases of the one it replaces without
saying which rules apply. The default keeps the filing date's rules (a case is judged by
the rules under which it was filed and appraised), unconfirmed; a province changes it with
a version of its own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations

from approvals.regulations.seeding import regulation_seed, regulation_unseed

BASIS = (
    "Chưa có văn bản xác nhận; căn cứ: Nghị quyết 190/2025/QH15 về xử lý một số vấn đề "
    "liên quan đến sắp xếp tổ chức bộ máy nhà nước (cơ quan tiếp nhận tiếp tục giải quyết)"
)


def seed(apps: Any, schema_editor: Any) -> None:
    regulation_seed(
        apps,
        code="handover",
        name="Bàn giao hồ sơ khi sắp xếp đơn vị hành chính",
        name_en="Hand-over of pending cases when units are reorganised",
        label="Mặc định của hệ thống",
        effective_from=datetime.date(2000, 1, 1),
        legal_basis=BASIS,
        rules=[
            (
                "handover.rules_of",
                "filing_date",
                "text",
                False,
                BASIS,
                "Hồ sơ được bàn giao được quyết định theo quy định tại ngày nộp hồ sơ "
                "(filing_date) hay tại ngày quyết định (decision_date)",
            )
        ],
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    regulation_unseed(apps, "handover")


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0009_act_dates")]
    operations = [migrations.RunPython(seed, unseed)]
