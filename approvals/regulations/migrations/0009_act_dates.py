"""Seed the regulation "act_dates": how long after its day an act may still be recorded.

No law sets these graces: they are this system's configuration, unconfirmed defaults a
province or unit changes with a version of its own (see :mod:`approvals.acts`). The posting
starts the day it is recorded (grace 0), as do a decision signed in the system and its issue;
a village's meeting, an objection received on paper, an appraisal and a report are entered
from their paper record a few days later.
"""

from __future__ import annotations

import datetime

from django.db import migrations

from approvals.regulations.seeding import regulation_seed, regulation_unseed

PERIOD = "period"
CONFIG = "Cấu hình của hệ thống (không có trong văn bản pháp luật); cách tính thời hạn: BLDS 2015 Điều 147-148"

# (key, value, description)
GRACES = [
    ("act_dates.meeting_grace", {"length": 30, "day_kind": "calendar"},
     "Cuộc họp (họp thôn, họp bình xét, họp khối) được nhập vào hệ thống trong thời hạn này kể từ ngày họp"),
    ("act_dates.posting_start_grace", {"length": 0, "day_kind": "calendar"},
     "Ngày bắt đầu niêm yết là ngày ghi nhận vào hệ thống (không nhập lùi)"),
    ("act_dates.objection_grace", {"length": 5, "day_kind": "working"},
     "Ý kiến phản ánh nhận bằng giấy được nhập trong thời hạn này kể từ ngày nhận"),
    ("act_dates.appraisal_grace", {"length": 10, "day_kind": "working"},
     "Biên bản thẩm định, họp Hội đồng được nhập trong thời hạn này kể từ ngày thẩm định"),
    ("act_dates.decision_grace", {"length": 0, "day_kind": "calendar"},
     "Quyết định ký trên hệ thống mang ngày ký (quyết định đã ban hành trên giấy được nhập bằng thao tác riêng)"),
    ("act_dates.issue_grace", {"length": 0, "day_kind": "calendar"},
     "Văn bản được cấp số, ghi ngày ban hành vào ngày cấp số"),
    ("act_dates.report_grace", {"length": 5, "day_kind": "working"},
     "Báo cáo được nhập trong thời hạn này kể từ ngày ghi trên báo cáo"),
]


def seed(apps, schema_editor):
    regulation_seed(
        apps,
        code="act_dates",
        name="Ngày của hành vi (thời hạn nhập lùi)",
        name_en="Dates of acts (how late an act may be recorded)",
        label="Mặc định của hệ thống",
        effective_from=datetime.date(2000, 1, 1),
        legal_basis=CONFIG,
        rules=[(key, value, PERIOD, False, CONFIG, description)
               for key, value, description in GRACES],
    )


def unseed(apps, schema_editor):
    regulation_unseed(apps, "act_dates")


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0008_informational_rules")]
    operations = [migrations.RunPython(seed, unseed)]
