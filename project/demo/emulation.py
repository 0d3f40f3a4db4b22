"""Demo emulation bloc and exemplary model, built through the services.

The demo province has two departments, so its Văn hóa - Xã hội bloc has two members: Sở
VHTTDL leads this year and has signed the covenant; Sở LĐTBXH has yet to sign. Thôn Hạ
is an exemplary model recognised by the provincial steering committee, commended
at the interim review and taken up by Thôn Trung. A second run adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from approvals.acts import recorded_as_of
from approvals.organisation.models import OrgUnit
from project.demo import data
from workflows.emulation.models import Bloc, TargetKind
from workflows.emulation.services import (
    TargetSpec,
    bloc_create,
    bloc_year_create,
    covenant_open,
    covenant_sign,
    criteria_set,
    drafts_update,
    targets_set,
)
from workflows.exemplary.models import ExemplaryModel, ModelKind, ReviewKind
from workflows.exemplary.services import (
    adoption_record,
    commendation_record,
    committee_review_record,
    model_propose,
    verification_record,
)
from workflows.nominations.models import Title

BLOC_NAME = "Khối thi đua Văn hóa - Xã hội"
MODEL_NAME = "Thôn Hạ: khu dân cư thực hiện nếp sống văn minh trong việc cưới, việc tang"
CRITERIA = [
    ("Công tác chỉ đạo, tổ chức phong trào thi đua", 20),
    ("Kết quả thực hiện nhiệm vụ chính trị, chuyên môn", 50),
    ("Công tác khen thưởng; phát hiện, nhân rộng điển hình tiên tiến", 15),
    ("Xây dựng cơ quan văn hóa; cải cách hành chính", 15),
]


def _units() -> dict[str, OrgUnit]:
    """The demo's units by their key in :mod:`project.demo.data` (parent and name)."""
    units: dict[str, OrgUnit] = {}
    for spec in data.UNITS:
        parent = units.get(spec.parent) if spec.parent else None
        units[spec.key] = OrgUnit.objects.get(parent=parent, name=spec.name)
    return units


def _users(*usernames: str) -> dict[str, Any]:
    return {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}


def _bloc(units: dict[str, OrgUnit], users: dict[str, Any], today: datetime.date) -> int:
    if Bloc.objects.filter(province=units["province"], name=BLOC_NAME).exists():
        return 0
    leader, deputy = units["vhttdl"], units["ldtbxh"]
    bloc = bloc_create(user=users["chutich.tinh"], province=units["province"], name=BLOC_NAME)
    year = bloc_year_create(
        user=users["gd.vhttdl"],
        bloc=bloc,
        year=today.year,
        leader=leader,
        deputy=deputy,
        members=[deputy, leader],
        theme="Đoàn kết, kỷ cương, đổi mới, sáng tạo, thi đua hoàn thành xuất sắc nhiệm vụ",
    )
    drafts_update(
        bloc_year=year,
        user=users["gd.vhttdl"],
        rules_text="Quy chế tổ chức và hoạt động Khối thi đua Văn hóa - Xã hội.",
        plan_text=f"Kế hoạch hoạt động của Khối năm {today.year}.",
        covenant_text=(
            "Đẩy mạnh phong trào thi đua yêu nước, phấn đấu hoàn thành xuất sắc nhiệm vụ chính "
            "trị, chuyên môn theo chức năng, nhiệm vụ của từng đơn vị."
        ),
    )
    criteria_set(bloc_year=year, user=users["gd.vhttdl"], criteria=CRITERIA)
    targets_set(
        bloc_year=year,
        user=users["gd.vhttdl"],
        targets=[
            TargetSpec("100% đơn vị thành viên tổ chức phát động phong trào thi đua."),
            TargetSpec(
                "100% các phòng, đơn vị thuộc đạt danh hiệu “Tập thể lao động tiên tiến” trở lên.",
                TargetKind.DIVISION_TITLE_SHARE,
                Title.ADVANCED_COLLECTIVE,
                100,
            ),
        ],
    )
    covenant_open(bloc_year=year, user=users["gd.vhttdl"], on=today)
    covenant_sign(bloc_year=year, user=users["gd.vhttdl"], unit=leader, on=today)
    return 1


def _exemplary(units: dict[str, OrgUnit], users: dict[str, Any], today: datetime.date) -> int:
    if ExemplaryModel.objects.filter(name=MODEL_NAME).exists():
        return 0
    village = units["tandinh_ha"]
    model = model_propose(
        user=users["truongthon.ha"],
        name=MODEL_NAME,
        kind=ModelKind.COLLECTIVE,
        proposing_unit=village,
        culture_office=units["tandinh"],
        committee=units["bcd"],
        collective=village,
        achievements=(
            "Hương ước thôn quy định việc cưới gọn nhẹ, việc tang văn minh; 100% đám cưới, đám "
            "tang trong năm thực hiện đúng hương ước."
        ),
        movement_content="Thực hiện nếp sống văn minh trong việc cưới, việc tang",
        period="2021-2026",
        evidence="Biên bản họp thôn Hạ; xác nhận của Ban công tác Mặt trận thôn.",
        on=today,
    )
    verification_record(
        model=model,
        user=users["vanhoa.tandinh"],
        visited_on=today,
        findings="Đã kiểm tra tại gia đình và các hộ làm theo.",
        confirmed=True,
    )
    committee_review_record(
        model=model,
        user=users["thuky.bcd"],
        held_on=today,
        approved=True,
        minutes="Ban Chỉ đạo thống nhất công nhận điển hình tiên tiến.",
    )
    commendation_record(
        model=model,
        user=users["thuky.bcd"],
        review=ReviewKind.INTERIM,
        year=today.year,
        held_on=today,
        citation="Biểu dương tại hội nghị sơ kết Phong trào.",
    )
    adoption_record(
        model=model,
        user=users["truongthon.trung"],
        unit=units["tandinh_trung"],
        adopted_on=today,
        note="Bổ sung hương ước thôn Trung.",
    )
    return 1


def seed_emulation(*, today: datetime.date | None = None) -> int:
    """Add the demo bloc and exemplary model if missing; return how many were added."""
    day = today or timezone.localdate()
    # Every act of the demo is dated ``day``: built as of that day, it is within its grace.
    with recorded_as_of(day), transaction.atomic():
        units = _units()
        users = _users(
            "chutich.tinh",
            "gd.vhttdl",
            "truongthon.ha",
            "truongthon.trung",
            "vanhoa.tandinh",
            "thuky.bcd",
        )
        return _bloc(units, users, day) + _exemplary(units, users, day)
