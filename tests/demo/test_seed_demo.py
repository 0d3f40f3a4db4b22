"""seed_demo builds a realistic, idempotent demo province."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.organisation.models import Delegation, OrgUnit, Position, Role, UnitKind
from project.demo import data
from project.demo.names import FAMILY_NAMES
from tests.demo.conftest import Household, run_seed
from workflows.nominations.models import Candidate

LDTBXH = "Sở Lao động - Thương binh và Xã hội"
VHTTDL = "Sở Văn hóa, Thể thao và Du lịch"
ALL_ROLE_CODES = (
    "director",
    "deputy_director",
    "office_chief",
    "office_reviewer",
    "records_clerk",
    "division_head",
    "deputy_division_head",
    "drafter",
    "committee_head",
    "committee_standing_deputy",
    "committee_secretary",
    "committee_member",
    "commune_chairman",
    "commune_vice_chairman",
    "culture_officer",
    "council_member",
    "village_head",
    "front_committee_head",
    "provincial_chairman",
    "provincial_vice_chairman",
    "unit_admin",
)


def _counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "users": get_user_model().objects.count(),
        "positions": Position.objects.count(),
        "households": Household.objects.count(),
        "residents": Household.residents.through.objects.count(),
        "delegations": Delegation.objects.count(),
    }


def test_tree_has_the_province_departments_committee_and_communes(demo):
    province = demo.unit("Tỉnh Bắc Giang")
    assert (province.kind, province.code, province.parent) == (UnitKind.PROVINCE, "UBND", None)
    assert province.collective_body_name == "Ủy ban nhân dân"
    assert province.place_name == "Bắc Giang"

    ldtbxh = demo.unit(LDTBXH)
    assert (ldtbxh.kind, ldtbxh.code, ldtbxh.short_name) == (
        UnitKind.DEPARTMENT,
        "LĐTĐ&XH",
        "Sở LĐTBXH",
    )
    assert ldtbxh.parent == province
    children = {u.name: (u.kind, u.code) for u in ldtbxh.children.all()}
    assert children == {
        "Văn phòng Sở": (UnitKind.DEPARTMENT_OFFICE, "VP"),
        "Phòng Bảo trợ xã hội": (UnitKind.DIVISION, "BTXH"),
        "Phòng Người có công": (UnitKind.DIVISION, "NCC"),
        "Ban Biên tập Trang thông tin điện tử": (UnitKind.DIVISION, "BBT"),
    }

    vhttdl = demo.unit(VHTTDL)
    assert vhttdl.code == "VHTTDL"
    assert set(vhttdl.children.values_list("name", flat=True)) == {
        "Văn phòng Sở",
        "Phòng Quản lý Văn hóa và Gia đình",
    }

    committee = OrgUnit.objects.get(kind=UnitKind.STEERING_COMMITTEE)
    assert committee.name.startswith("Ban Chỉ đạo Phong trào “Toàn dân đoàn kết")
    assert committee.name.endswith("và công tác gia đình tỉnh Bắc Giang")
    assert (committee.code, committee.collective_body_name) == ("BCĐ", "Ban Chỉ đạo")
    assert committee.parent == province

    communes = OrgUnit.objects.filter(kind=UnitKind.COMMUNE)
    assert communes.count() == 2
    for commune in communes:
        assert commune.parent == province
        assert (commune.code, commune.collective_body_name) == ("UBND", "Ủy ban nhân dân")
        villages = commune.children.filter(kind__in=[UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP])
        assert 3 <= villages.count() <= 4


def test_abolished_district_is_kept_as_history(demo):
    district = OrgUnit.objects.get(kind=UnitKind.DISTRICT)
    assert district.valid_to == datetime.date(2025, 6, 30)
    today = timezone.localdate()
    assert not OrgUnit.objects.active_on(today).filter(pk=district.pk).exists()
    assert OrgUnit.objects.active_on(datetime.date(2025, 6, 30)).filter(pk=district.pk).exists()
    assert district in demo.unit("Xã Tân Dĩnh").predecessors.all()


def test_subtree_of_the_province_is_one_query(demo, django_assert_num_queries):
    province = demo.unit("Tỉnh Bắc Giang")
    with django_assert_num_queries(1):
        subtree = list(OrgUnit.objects.under(province))
    assert len(subtree) == OrgUnit.objects.count() == len(data.UNITS)
    names = {u.name for u in subtree}
    assert {LDTBXH, VHTTDL, "Phòng Bảo trợ xã hội", "Thôn Hạ", "Tổ dân phố Tân Mỹ"} <= names


def test_several_hundred_households_with_vietnamese_heads(demo):
    households = list(Household.objects.select_related("village"))
    assert 300 <= len(households) <= 400
    families = {name for name, _weight in FAMILY_NAMES}
    assert all(h.head_name.split()[0] in families for h in households)
    assert all(len(h.head_name.split()) >= 3 for h in households)
    assert all(1 <= h.member_count <= 7 for h in households)
    assert len({h.head_name for h in households}) > 150  # varied, not one name repeated
    villages = {h.village for h in households}
    assert {v.kind for v in villages} == {UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP}
    assert len(villages) == 7
    first = Household.objects.get(village__name="Thôn Hạ", code="HA-002")
    assert first.address.endswith("thôn Hạ, xã Tân Dĩnh, tỉnh Bắc Giang")


def test_households_are_generated_deterministically(demo):
    before = dict(Household.objects.values_list("code", "head_name"))
    # the demo's recognition decision names Thôn Đồng Sen's households: its candidates go first
    Candidate.objects.all().delete()
    Household.residents.through.objects.all().delete()
    Household.objects.all().delete()
    run_seed("--no-logins")
    assert dict(Household.objects.values_list("code", "head_name")) == before


def test_every_role_has_a_holder_today(demo):
    today = timezone.localdate()
    assert set(Role.objects.values_list("code", flat=True)) >= set(ALL_ROLE_CODES)
    for code in ALL_ROLE_CODES:
        assert Position.objects.active_on(today).filter(role__code=code).exists(), code


def test_people_sit_at_the_right_units(demo):
    ldtbxh = demo.unit(LDTBXH)
    deputies = Position.objects.filter(role__code="deputy_director", unit=ldtbxh)
    assert deputies.count() == 2
    office = demo.unit("Văn phòng Sở", LDTBXH)
    assert Position.objects.filter(role__code="office_chief", unit=office).exists()
    assert Position.objects.filter(role__code="drafter", unit=office).exists()
    assert Position.objects.filter(
        role__code="division_head", unit=demo.unit("Phòng Bảo trợ xã hội")
    ).exists()

    standing = demo.user("gd.vhttdl")
    held = {(p.role.code, p.unit.kind) for p in standing.positions.select_related("role", "unit")}
    assert held == {
        ("director", UnitKind.DEPARTMENT),
        ("committee_standing_deputy", UnitKind.STEERING_COMMITTEE),
    }
    head = demo.user("pct.tinh")
    assert set(head.positions.values_list("role__code", flat=True)) == {
        "provincial_vice_chairman",
        "committee_head",
    }
    acting = Position.objects.get(acting=True)
    assert (acting.role.code, acting.unit.name) == ("division_head", "Phòng Người có công")

    for village in OrgUnit.objects.filter(kind__in=[UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP]):
        codes = set(village.positions.values_list("role__code", flat=True))
        assert codes == {"village_head", "front_committee_head"}, village.name


def test_village_head_lives_in_their_own_household(demo):
    head = demo.user("truongthon.ha")
    household = Household.objects.get(residents=head)
    assert household.village.name == "Thôn Hạ"
    assert household.head_name == "Ngô Văn Bình"


def test_logins_work_with_vietnamese_names(demo, client):
    user = demo.user("pgd.ldtbxh")
    assert (user.last_name, user.first_name) == ("Ngô Minh", "Tuấn")
    assert user.email == "pgd.ldtbxh@example.gov.vn"
    assert not user.is_staff
    assert not user.is_superuser
    assert demo.user("admin").is_superuser
    assert client.login(username="vanthu.ldtbxh", password=data.DEMO_PASSWORD)
    usernames = [person.username for person in data.PEOPLE]
    people = get_user_model().objects.filter(username__in=usernames)
    assert people.count() == len(usernames)
    assert set(people.filter(is_staff=True).values_list("username", flat=True)) == {data.UNIT_ADMIN}
    # The real signer of seed 004 is not among the fictional people.
    assert not get_user_model().objects.filter(first_name="Huấn", last_name="Trương Đức").exists()


def test_output_lists_the_logins_and_password(demo):
    assert "Tên đăng nhập" in demo.output
    assert f"Mật khẩu chung của mọi tài khoản demo: {data.DEMO_PASSWORD}" in demo.output
    for line in ("chutich.tandinh", "Hoàng Văn Sơn", "commune_chairman", "UBND xã Tân Dĩnh"):
        assert line in demo.output
    assert "Q. Trưởng phòng (division_head)" in demo.output
    # the unit administrator is among the logins, with the role that lets them in the admin
    assert f"{data.UNIT_ADMIN} " in demo.output
    assert "Quản trị hệ thống (unit_admin)" in demo.output


def test_second_run_changes_nothing_and_says_so(demo):
    before = _counts()
    output = run_seed("--no-logins")
    assert _counts() == before
    assert "Không có thay đổi" in output
    assert "Tên đăng nhập" not in output


def test_second_run_repairs_what_was_changed(demo):
    province = demo.unit("Tỉnh Bắc Giang")
    OrgUnit.objects.filter(pk=province.pk).update(place_name="Hà Nội")
    get_user_model().objects.filter(username="tp.btxh").update(first_name="X")
    output = run_seed("--no-logins")
    assert "Đã cập nhật" in output
    province.refresh_from_db()
    assert province.place_name == "Bắc Giang"
    assert demo.user("tp.btxh").first_name == "Hải"


def test_only_the_unit_administrator_works_in_the_admin(demo, client):
    village_chairman = demo.user("chutich.damai")
    assert not village_chairman.has_perm("approvals_org.view_orgunit")
    client.force_login(village_chairman)
    assert client.get("/admin/approvals_org/orgunit/").status_code == 302

    unit_admin = demo.user(data.UNIT_ADMIN)
    assert unit_admin.has_perm("approvals_org.view_orgunit")
    assert not unit_admin.has_perm("approvals_audit.view_auditevent")
    client.force_login(unit_admin)
    response = client.get("/admin/approvals_org/orgunit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phòng Bảo trợ xã hội" in page
    assert "Phường Đa Mai" not in page


def test_reseeding_an_old_demo_takes_the_admin_away_from_ordinary_logins(demo):
    """Demos seeded before made every login staff and gave them a group reading everything."""
    from django.contrib.auth.models import Group, Permission

    users = get_user_model().objects.filter(username__in=[p.username for p in data.PEOPLE])
    users.update(is_staff=True)
    old = Group.objects.create(name=data.RETIRED_GROUPS[0])
    old.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    old.user_set.set(users)

    output = run_seed("--no-logins")

    assert "Đã cập nhật" in output
    assert set(users.filter(is_staff=True).values_list("username", flat=True)) == {data.UNIT_ADMIN}
    assert not Group.objects.filter(name__in=data.RETIRED_GROUPS).exists()
    assert not demo.user("chutich.damai").has_perm("plans.view_plan")
    assert "Không có thay đổi" in run_seed("--no-logins")
