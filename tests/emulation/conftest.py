"""Fixtures: the Văn hóa - Xã hội bloc of Vĩnh Phúc province (seed 003) and its people."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from approvals.organisation.models import OrgUnit, Role, UnitKind
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from workflows.emulation.services import bloc_create

D = datetime.date
YEAR = 2021

# name, symbol code, kind, the head's printed title, the head (family name, given name)
MEMBERS = [
    ("Sở Giáo dục và Đào tạo", "GDĐT", UnitKind.DEPARTMENT, "Giám đốc", ("Nguyễn Văn", "Hưng")),
    (
        "Sở Lao động - Thương binh và Xã hội",
        "LĐTBXH",
        UnitKind.DEPARTMENT,
        "Giám đốc",
        ("Trần Thị", "Thu"),
    ),
    ("Sở Thông tin và Truyền thông", "TTTT", UnitKind.DEPARTMENT, "Giám đốc", ("Lê Quang", "Vinh")),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        "VHTTDL",
        UnitKind.DEPARTMENT,
        "Giám đốc",
        ("Phạm Văn", "Thắng"),
    ),
    ("Sở Y tế", "YT", UnitKind.DEPARTMENT, "Giám đốc", ("Đỗ Thị", "Hạnh")),
    ("Sở Khoa học và Công nghệ", "KHCN", UnitKind.DEPARTMENT, "Giám đốc", ("Vũ Đức", "Minh")),
    ("Ban Dân tộc", "BDT", UnitKind.DEPARTMENT, "Trưởng ban", ("Hoàng Minh", "Ái")),
    (
        "Đài Phát thanh và Truyền hình tỉnh",
        "PTTH",
        UnitKind.AGENCY,
        "Giám đốc",
        ("Bùi Văn", "Long"),
    ),
    ("Vườn quốc gia Tam Đảo", "VQGTĐ", UnitKind.AGENCY, "Giám đốc", ("Ngô Văn", "Sơn")),
]


class Province:
    """Vĩnh Phúc with the nine members of the bloc, an outsider and the emulation office."""

    def __init__(self) -> None:
        self.roles = {r.code: r for r in Role.objects.all()}
        self.province = OrgUnitFactory(
            name="UBND tỉnh Vĩnh Phúc",
            code="UBND",
            kind=UnitKind.PROVINCE,
            collective_body_name="Ủy ban nhân dân",
            place_name="Vĩnh Phúc",
        )
        self.units: dict[str, OrgUnit] = {}
        self.heads: dict[str, Any] = {}
        for name, code, kind, title, (family, given) in MEMBERS:
            unit: Any = OrgUnitFactory(name=name, code=code, kind=kind, parent=self.province)
            self.units[code] = unit
            self.heads[code] = self.person(
                f"head_{code}", family, given, "director", unit, title=title
            )
        self.members = [self.units[code] for _n, code, *_rest in MEMBERS]
        # Ban Dân tộc leads the bloc in 2021 (seed 003); Sở Y tế is its deputy
        self.leader, self.deputy = self.units["BDT"], self.units["YT"]
        # Sở TT&TT's deputy director signs "KT. GIÁM ĐỐC"
        self.deputy_tttt = self.person(
            "pgd_TTTT", "Lý Thị", "Mai", "deputy_director", self.units["TTTT"]
        )
        self.drafter_gddt = self.person("cv_GDĐT", "Kiều Văn", "Nam", "drafter", self.units["GDĐT"])
        self.outsider = OrgUnitFactory(name="Sở Tư pháp", code="STP", parent=self.province)
        self.outsider_head = self.person("head_STP", "Đặng Văn", "Tú", "director", self.outsider)
        # the province's emulation office receives the blocs' proposals
        self.emulation_office = OrgUnitFactory(
            name="Ban Thi đua - Khen thưởng tỉnh",
            code="BTĐKT",
            kind=UnitKind.DEPARTMENT_OFFICE,
            parent=self.province,
        )
        self.emulation_chief = self.person(
            "tdkt", "Tạ Văn", "Quân", "office_chief", self.emulation_office, title="Trưởng ban"
        )
        self.bloc = bloc_create(
            user=self.emulation_chief, province=self.province, name="Khối thi đua Văn hóa - Xã hội"
        )

    def person(
        self, username: str, family: str, given: str, role: str, unit: OrgUnit, title: str = ""
    ) -> Any:
        user = UserFactory(username=username, last_name=family, first_name=given)
        PositionFactory(
            user=user, unit=unit, role=self.roles[role], title=title, valid_from=D(2019, 1, 1)
        )
        return user


@pytest.fixture
def vinh_phuc(db: None) -> Province:
    return Province()
