"""The demo province as data: units, people and their positions.

Everything here is fictional except the names of the public bodies, which follow the
seed documents (a plan of Sở Lao động - Thương binh và Xã hội Bắc Giang, 2024) and the
two-level local government in force since 01/07/2025 (district level abolished).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from approvals.organisation.models import UnitKind

#: The one password of every demo login (printed by the command, never for production).
DEMO_PASSWORD = "demo12345"
#: E-mail domain of the placeholder addresses.
EMAIL_DOMAIN = "example.gov.vn"
#: Seed of the household-name generator; changing it changes every generated household.
HOUSEHOLD_SEED = 20240205

#: Positions in departments and the steering committee start here (seed 004 is of 2024).
POSITIONS_FROM = datetime.date(2024, 1, 1)
#: The two-level local government: communes directly under the province.
TWO_LEVEL_FROM = datetime.date(2025, 7, 1)
#: The last day of the district level.
DISTRICTS_UNTIL = datetime.date(2025, 6, 30)

ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class UnitSpec:
    """One unit of the tree; ``key`` is local to this module, ``parent`` names another key."""

    key: str
    name: str
    code: str
    kind: str
    parent: str | None = None
    short_name: str = ""
    place_name: str = ""
    collective_body_name: str = ""
    #: For a committee: the key of its standing agency (cơ quan thường trực).
    standing_agency: str | None = None
    valid_from: datetime.date = datetime.date(2000, 1, 1)
    valid_to: datetime.date | None = None
    #: Households to generate (villages and residential groups only).
    households: int = 0
    #: How addresses of this village's households read, after the house number.
    address: str = ""


@dataclass(frozen=True)
class PositionSpec:
    """A role held at a unit."""

    role: str
    unit: str
    title: str = ""
    acting: bool = False
    basis: str = ""
    valid_from: datetime.date = POSITIONS_FROM


@dataclass(frozen=True)
class PersonSpec:
    """A demo login: ``family`` holds family and middle name (Django's ``last_name``)."""

    username: str
    family: str
    given: str
    positions: tuple[PositionSpec, ...] = field(default_factory=tuple)
    #: Key of the village whose first household is this person's own.
    household_of: str = ""
    #: May sign in to the admin (unit administrators only; see ``UNIT_ADMIN_PERMISSIONS``).
    staff: bool = False

    @property
    def full_name(self) -> str:
        """Family name first, as Vietnamese write it."""
        return f"{self.family} {self.given}"


_UBND = "Ủy ban nhân dân"
_COMMUNE_PLACE = "Bắc Giang"

UNITS: tuple[UnitSpec, ...] = (
    UnitSpec(
        "province",
        "Tỉnh Bắc Giang",
        "UBND",
        UnitKind.PROVINCE,
        short_name="UBND tỉnh Bắc Giang",
        place_name="Bắc Giang",
        collective_body_name=_UBND,
    ),
    # Sở Lao động - Thương binh và Xã hội, symbol as written in seed 004.
    UnitSpec(
        "ldtbxh",
        "Sở Lao động - Thương binh và Xã hội",
        "LĐTĐ&XH",
        UnitKind.DEPARTMENT,
        parent="province",
        short_name="Sở LĐTBXH",
        place_name="Bắc Giang",
    ),
    UnitSpec(
        "ldtbxh_vp",
        "Văn phòng Sở",
        "VP",
        UnitKind.DEPARTMENT_OFFICE,
        parent="ldtbxh",
        short_name="VP Sở LĐTBXH",
        place_name="Bắc Giang",
    ),
    UnitSpec(
        "ldtbxh_btxh",
        "Phòng Bảo trợ xã hội",
        "BTXH",
        UnitKind.DIVISION,
        parent="ldtbxh",
        short_name="Phòng BTXH",
        place_name="Bắc Giang",
    ),
    UnitSpec(
        "ldtbxh_ncc",
        "Phòng Người có công",
        "NCC",
        UnitKind.DIVISION,
        parent="ldtbxh",
        short_name="Phòng NCC",
        place_name="Bắc Giang",
    ),
    UnitSpec(
        "ldtbxh_bbt",
        "Ban Biên tập Trang thông tin điện tử",
        "BBT",
        UnitKind.DIVISION,
        parent="ldtbxh",
        short_name="BBT Website",
        place_name="Bắc Giang",
    ),
    # Sở Văn hóa, Thể thao và Du lịch: standing agency of the steering committee.
    UnitSpec(
        "vhttdl",
        "Sở Văn hóa, Thể thao và Du lịch",
        "VHTTDL",
        UnitKind.DEPARTMENT,
        parent="province",
        short_name="Sở VHTTDL",
        place_name="Bắc Giang",
    ),
    UnitSpec(
        "vhttdl_vp",
        "Văn phòng Sở",
        "VP",
        UnitKind.DEPARTMENT_OFFICE,
        parent="vhttdl",
        short_name="VP Sở VHTTDL",
        place_name="Bắc Giang",
    ),
    UnitSpec(
        "vhttdl_qlvhgd",
        "Phòng Quản lý Văn hóa và Gia đình",
        "QLVHGĐ",
        UnitKind.DIVISION,
        parent="vhttdl",
        short_name="Phòng QLVH&GĐ",
        place_name="Bắc Giang",
    ),
    UnitSpec(
        "bcd",
        "Ban Chỉ đạo Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” "
        "và công tác gia đình tỉnh Bắc Giang",
        "BCĐ",
        UnitKind.STEERING_COMMITTEE,
        parent="province",
        short_name="BCĐ Phong trào tỉnh",
        place_name="Bắc Giang",
        collective_body_name="Ban Chỉ đạo",
        standing_agency="vhttdl",
    ),
    # History: a district abolished on 01/07/2025 with the two-level local government.
    UnitSpec(
        "langgiang",
        "Huyện Lạng Giang",
        "UBND",
        UnitKind.DISTRICT,
        parent="province",
        short_name="UBND huyện Lạng Giang",
        place_name="Lạng Giang",
        collective_body_name=_UBND,
        valid_to=DISTRICTS_UNTIL,
    ),
    # A rural commune with villages (thôn).
    UnitSpec(
        "tandinh",
        "Xã Tân Dĩnh",
        "UBND",
        UnitKind.COMMUNE,
        parent="province",
        short_name="UBND xã Tân Dĩnh",
        place_name="Tân Dĩnh",
        collective_body_name=_UBND,
        valid_from=TWO_LEVEL_FROM,
    ),
    UnitSpec(
        "tandinh_ha",
        "Thôn Hạ",
        "HA",
        UnitKind.VILLAGE,
        parent="tandinh",
        valid_from=TWO_LEVEL_FROM,
        households=58,
        address="thôn Hạ, xã Tân Dĩnh, tỉnh Bắc Giang",
    ),
    UnitSpec(
        "tandinh_trung",
        "Thôn Trung",
        "TRUNG",
        UnitKind.VILLAGE,
        parent="tandinh",
        valid_from=TWO_LEVEL_FROM,
        households=47,
        address="thôn Trung, xã Tân Dĩnh, tỉnh Bắc Giang",
    ),
    UnitSpec(
        "tandinh_thuong",
        "Thôn Thượng",
        "THUONG",
        UnitKind.VILLAGE,
        parent="tandinh",
        valid_from=TWO_LEVEL_FROM,
        households=52,
        address="thôn Thượng, xã Tân Dĩnh, tỉnh Bắc Giang",
    ),
    UnitSpec(
        "tandinh_dongsen",
        "Thôn Đồng Sen",
        "DONGSEN",
        UnitKind.VILLAGE,
        parent="tandinh",
        valid_from=TWO_LEVEL_FROM,
        households=41,
        address="thôn Đồng Sen, xã Tân Dĩnh, tỉnh Bắc Giang",
    ),
    # An urban ward with residential groups (tổ dân phố).
    UnitSpec(
        "damai",
        "Phường Đa Mai",
        "UBND",
        UnitKind.COMMUNE,
        parent="province",
        short_name="UBND phường Đa Mai",
        place_name="Đa Mai",
        collective_body_name=_UBND,
        valid_from=TWO_LEVEL_FROM,
    ),
    UnitSpec(
        "damai_tanmy",
        "Tổ dân phố Tân Mỹ",
        "TANMY",
        UnitKind.RESIDENTIAL_GROUP,
        parent="damai",
        valid_from=TWO_LEVEL_FROM,
        households=55,
        address="tổ dân phố Tân Mỹ, phường Đa Mai, tỉnh Bắc Giang",
    ),
    UnitSpec(
        "damai_maison",
        "Tổ dân phố Mai Sơn",
        "MAISON",
        UnitKind.RESIDENTIAL_GROUP,
        parent="damai",
        valid_from=TWO_LEVEL_FROM,
        households=49,
        address="tổ dân phố Mai Sơn, phường Đa Mai, tỉnh Bắc Giang",
    ),
    UnitSpec(
        "damai_thanhmai",
        "Tổ dân phố Thanh Mai",
        "THANHMAI",
        UnitKind.RESIDENTIAL_GROUP,
        parent="damai",
        valid_from=TWO_LEVEL_FROM,
        households=46,
        address="tổ dân phố Thanh Mai, phường Đa Mai, tỉnh Bắc Giang",
    ),
)

#: Units the district's successors took over (kept as reorganisation history).
SUCCESSORS: dict[str, tuple[str, ...]] = {"tandinh": ("langgiang",)}

_P = PositionSpec
_COMMUNE_FROM = TWO_LEVEL_FROM
_TDP_HEAD = "Tổ trưởng tổ dân phố"
_CLERK_BASIS = "Quyết định số 12/QĐ-VP ngày 05/01/2024 giao nhiệm vụ văn thư cơ quan"

#: The demo's unit administrator (Sở LĐTBXH): the one demo login besides ``admin`` that
#: may sign in to the admin.
UNIT_ADMIN = "quantri.ldtbxh"

PEOPLE: tuple[PersonSpec, ...] = (
    # Provincial People's Committee.
    PersonSpec(
        "chutich.tinh",
        "Lê Quang",
        "Vinh",
        (_P("provincial_chairman", "province", basis="Nghị quyết số 15/NQ-HĐND ngày 12/12/2023"),),
    ),
    PersonSpec(
        "pct.tinh",
        "Phan Thị Thu",
        "Hằng",
        (
            _P(
                "provincial_vice_chairman",
                "province",
                basis="Nghị quyết số 16/NQ-HĐND ngày 12/12/2023",
            ),
            _P("committee_head", "bcd", basis="Quyết định số 88/QĐ-UBND ngày 15/01/2024"),
        ),
    ),
    # Sở Lao động - Thương binh và Xã hội.
    PersonSpec(
        "gd.ldtbxh",
        "Đặng Văn",
        "Khải",
        (_P("director", "ldtbxh", basis="Quyết định số 1021/QĐ-UBND ngày 20/12/2023"),),
    ),
    PersonSpec(
        "pgd.ldtbxh",
        "Ngô Minh",
        "Tuấn",
        (
            _P("deputy_director", "ldtbxh", basis="Quyết định số 1022/QĐ-UBND ngày 20/12/2023"),
            _P("committee_member", "bcd", basis="Quyết định số 88/QĐ-UBND ngày 15/01/2024"),
        ),
    ),
    PersonSpec(
        "pgd2.ldtbxh",
        "Bùi Thị Thanh",
        "Hương",
        (_P("deputy_director", "ldtbxh", basis="Quyết định số 1023/QĐ-UBND ngày 20/12/2023"),),
    ),
    PersonSpec("cvp.ldtbxh", "Hoàng Văn", "Dũng", (_P("office_chief", "ldtbxh_vp"),)),
    PersonSpec("kiemtra.ldtbxh", "Vũ Thị Mai", "Anh", (_P("office_reviewer", "ldtbxh_vp"),)),
    # The records clerk works in the office and keeps the registers of the whole Sở
    # (the rule's reach "holder_parent": the unit directly above the holder's).
    PersonSpec(
        "vanthu.ldtbxh",
        "Đỗ Thị",
        "Ngọc",
        (_P("records_clerk", "ldtbxh_vp", title="Văn thư", basis=_CLERK_BASIS),),
    ),
    PersonSpec("chuyenvien.vp.ldtbxh", "Trần Thu", "Trang", (_P("drafter", "ldtbxh_vp"),)),
    PersonSpec("tp.btxh", "Thân Văn", "Hải", (_P("division_head", "ldtbxh_btxh"),)),
    PersonSpec("ptp.btxh", "Phạm Thị", "Lan", (_P("deputy_division_head", "ldtbxh_btxh"),)),
    PersonSpec("chuyenvien.btxh", "Nguyễn Đức", "Anh", (_P("drafter", "ldtbxh_btxh"),)),
    PersonSpec(
        "qtp.ncc",
        "Trần Văn",
        "Bình",
        (
            _P(
                "division_head",
                "ldtbxh_ncc",
                acting=True,
                basis="Quyết định số 45/QĐ-LĐTĐ&XH ngày 02/01/2024 giao quyền Trưởng phòng",
            ),
        ),
    ),
    PersonSpec(
        "truongban.bbt",
        "Giáp Thị",
        "Nhung",
        (_P("division_head", "ldtbxh_bbt", title="Trưởng ban"),),
    ),
    # The Sở's administrator: works in the admin, on the Sở's subtree only.
    PersonSpec(
        UNIT_ADMIN,
        "Lương Văn",
        "Toàn",
        (
            _P(
                "unit_admin",
                "ldtbxh",
                basis="Quyết định số 15/QĐ-LĐTĐ&XH ngày 08/01/2024 phân công quản trị hệ thống",
            ),
        ),
        staff=True,
    ),
    # Sở Văn hóa, Thể thao và Du lịch.
    PersonSpec(
        "gd.vhttdl",
        "Nguyễn Thị Thanh",
        "Bình",
        (
            _P("director", "vhttdl", basis="Quyết định số 1030/QĐ-UBND ngày 22/12/2023"),
            _P(
                "committee_standing_deputy", "bcd", basis="Quyết định số 88/QĐ-UBND ngày 15/01/2024"
            ),
        ),
    ),
    PersonSpec("pgd.vhttdl", "Vũ Mạnh", "Cường", (_P("deputy_director", "vhttdl"),)),
    PersonSpec(
        "vanthu.vhttdl",
        "Bùi Thị",
        "Hạnh",
        (
            _P("records_clerk", "vhttdl_vp", title="Văn thư", basis=_CLERK_BASIS),
            # The standing agency keeps the committee's register too.
            _P("records_clerk", "bcd", title="Văn thư"),
        ),
    ),
    PersonSpec("tp.qlvhgd", "Đỗ Quang", "Huy", (_P("division_head", "vhttdl_qlvhgd"),)),
    PersonSpec(
        "chuyenvien.qlvhgd",
        "Lê Thị Thu",
        "Hà",
        (_P("drafter", "vhttdl_qlvhgd", title="Chuyên viên văn hóa cơ sở"),),
    ),
    PersonSpec("thuky.bcd", "Ngô Thị", "Phương", (_P("committee_secretary", "bcd"),)),
    # Xã Tân Dĩnh.
    PersonSpec(
        "chutich.tandinh",
        "Hoàng Văn",
        "Sơn",
        (_P("commune_chairman", "tandinh", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "phochutich.tandinh",
        "Nguyễn Thị",
        "Hoa",
        (_P("commune_vice_chairman", "tandinh", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "vanhoa.tandinh",
        "Dương Văn",
        "Long",
        (_P("culture_officer", "tandinh", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "vanthu.tandinh",
        "Trần Thị",
        "Mai",
        (_P("records_clerk", "tandinh", title="Văn thư", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "hoidong.tandinh",
        "Lê Thị",
        "Liên",
        (_P("council_member", "tandinh", valid_from=_COMMUNE_FROM),),
    ),
    # Phường Đa Mai.
    PersonSpec(
        "chutich.damai",
        "Vũ Thu",
        "Hà",
        (_P("commune_chairman", "damai", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "phochutich.damai",
        "Trần Quang",
        "Khánh",
        (_P("commune_vice_chairman", "damai", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "vanhoa.damai",
        "Phạm Ngọc",
        "Yến",
        (_P("culture_officer", "damai", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "hoidong.damai",
        "Đặng Hữu",
        "Nam",
        (_P("council_member", "damai", valid_from=_COMMUNE_FROM),),
    ),
    # Villages of Tân Dĩnh.
    PersonSpec(
        "truongthon.ha",
        "Ngô Văn",
        "Bình",
        (_P("village_head", "tandinh_ha", valid_from=_COMMUNE_FROM),),
        household_of="tandinh_ha",
    ),
    PersonSpec(
        "mattran.ha",
        "Nguyễn Thị",
        "Lụa",
        (_P("front_committee_head", "tandinh_ha", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "truongthon.trung",
        "Thân Đức",
        "Thắng",
        (_P("village_head", "tandinh_trung", valid_from=_COMMUNE_FROM),),
        household_of="tandinh_trung",
    ),
    PersonSpec(
        "mattran.trung",
        "Lê Văn",
        "Tài",
        (_P("front_committee_head", "tandinh_trung", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "truongthon.thuong",
        "Nguyễn Hữu",
        "Lợi",
        (_P("village_head", "tandinh_thuong", valid_from=_COMMUNE_FROM),),
        household_of="tandinh_thuong",
    ),
    PersonSpec(
        "mattran.thuong",
        "Hà Thị",
        "Nhàn",
        (_P("front_committee_head", "tandinh_thuong", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "truongthon.dongsen",
        "Bùi Văn",
        "Chiến",
        (_P("village_head", "tandinh_dongsen", valid_from=_COMMUNE_FROM),),
        household_of="tandinh_dongsen",
    ),
    PersonSpec(
        "mattran.dongsen",
        "Trần Thị",
        "Oanh",
        (_P("front_committee_head", "tandinh_dongsen", valid_from=_COMMUNE_FROM),),
    ),
    # Residential groups of Đa Mai.
    PersonSpec(
        "totruong.tanmy",
        "Phạm Văn",
        "Tiến",
        (_P("village_head", "damai_tanmy", title=_TDP_HEAD, valid_from=_COMMUNE_FROM),),
        household_of="damai_tanmy",
    ),
    PersonSpec(
        "mattran.tanmy",
        "Đỗ Thị",
        "Thủy",
        (_P("front_committee_head", "damai_tanmy", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "totruong.maison",
        "Nguyễn Văn",
        "Kiên",
        (_P("village_head", "damai_maison", title=_TDP_HEAD, valid_from=_COMMUNE_FROM),),
        household_of="damai_maison",
    ),
    PersonSpec(
        "mattran.maison",
        "Vũ Thị",
        "Tuyết",
        (_P("front_committee_head", "damai_maison", valid_from=_COMMUNE_FROM),),
    ),
    PersonSpec(
        "totruong.thanhmai",
        "Lý Thị",
        "Vân",
        (_P("village_head", "damai_thanhmai", title=_TDP_HEAD, valid_from=_COMMUNE_FROM),),
        household_of="damai_thanhmai",
    ),
    PersonSpec(
        "mattran.thanhmai",
        "Hoàng Minh",
        "Phong",
        (_P("front_committee_head", "damai_thanhmai", valid_from=_COMMUNE_FROM),),
    ),
)

#: The written delegation ("TUQ.") of the demo: director of Sở LĐTBXH to the office chief.
DELEGATOR = "gd.ldtbxh"
DELEGATOR_ROLE = "director"
DELEGATOR_UNIT = "ldtbxh"
DELEGATE = "cvp.ldtbxh"
#: How many of the director's actions are delegated (signing routine papers, at most).
DELEGATED_ACTIONS = 3


def delegation_instrument(year: int) -> str:
    """The written instrument of the demo delegation for ``year``."""
    return f"Giấy ủy quyền số 01/GUQ-LĐTĐ&XH ngày 02/01/{year} của Giám đốc Sở"


#: Whose registers the demo configures, and which login configures them.
DEPARTMENT_REGISTERS_AGENCY = "ldtbxh"
DEPARTMENT_REGISTERS_OWNER = "gd.ldtbxh"
COMMITTEE_REGISTERS_AGENCY = "bcd"
COMMITTEE_REGISTERS_OWNER = "pct.tinh"
#: Xã Tân Dĩnh numbers its recognition decisions in a register of its own.
COMMUNE_REGISTERS_AGENCY = "tandinh"
COMMUNE_REGISTERS_OWNER = "chutich.tandinh"

#: The group giving the demo's unit administrators the model permissions of their work in
#: the admin; the admin itself keeps them to their unit's subtree.
UNIT_ADMIN_GROUP = "Quản trị đơn vị (demo)"
UNIT_ADMIN_PERMISSIONS: tuple[str, ...] = (
    "approvals_org.view_orgunit",
    "approvals_org.add_orgunit",
    "approvals_org.change_orgunit",
    "approvals_org.view_position",
    "approvals_org.add_position",
    "approvals_org.change_position",
    "approvals_org.view_role",
    "approvals_org.view_delegation",
    "auth.view_user",
    "approvals_registers.view_register",
    "approvals_registers.view_registerentry",
    "plans.view_plan",
    "nominations.view_household",
    "nominations.change_household",
    "nominations.view_dossier",
    "nominations.view_candidate",
    "exemplary.view_exemplarymodel",
)
#: Groups of earlier demos, removed by a new seeding: the viewer group let every demo login
#: read every unit's data in the admin.
RETIRED_GROUPS: tuple[str, ...] = ("Xem dữ liệu (demo)",)
