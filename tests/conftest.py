"""Shared fixtures: an organisation tree and its people; PostgreSQL-only tests."""

from __future__ import annotations

import contextlib
import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any

import freezegun
import freezegun.api
import pytest

# Digital signatures keep the real clock when a test freezes time: certificates, CRLs and
# timestamps of the test PKI are made now, and cryptography refuses freezegun's datetimes.
freezegun.configure(
    extend_ignore_list=[
        "approvals.signing",
        "pyhanko",
        "pyhanko_certvalidator",
        "cryptography",
        "asn1crypto",
    ]
)
freezegun.api.call_stack_inspection_limit = 15


def _prime_cryptography_datetime() -> None:
    """cryptography's Rust side caches ``datetime.datetime`` the first time it builds a
    certificate; build one now, unfrozen, so a frozen test never makes freezegun's class
    the one every later certificate is checked against."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "prime")])
    now = datetime.datetime.now(datetime.UTC)
    (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


_prime_cryptography_datetime()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` need several real connections and row locks."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); runs in CI's PG leg")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (Vietnamese), whatever the test before it
    asked for: a request under /en/ leaves English active in the thread after it ends."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


class Clock:
    """The site's clock, frozen and moved by the test: an act is recorded on the day it
    happens (or within its grace, :mod:`approvals.acts`), so a scenario dated in the past
    moves the clock to each act's day before recording it."""

    def __init__(self, frozen: Any) -> None:
        self._frozen = frozen

    def to(self, day: datetime.date, hour: int = 9) -> None:
        """Move to ``hour`` o'clock of ``day`` in the site's time zone; time runs on from there."""
        from django.conf import settings

        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self._frozen.move_to(datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone))

    @contextlib.contextmanager
    def at(self, day: datetime.date, hour: int = 9) -> Iterator[None]:
        """Within the block, it is ``day``; afterwards the clock stays there."""
        self.to(day, hour)
        yield


@pytest.fixture
def clock() -> Iterator[Clock]:
    """A clock the test moves (:meth:`Clock.to`); it ticks on from where it is put."""
    with freezegun.freeze_time(tick=True) as frozen:
        yield Clock(frozen)


class Org:
    """A small province: two departments with divisions, two communes with villages."""

    def __init__(self) -> None:
        from approvals.organisation.models import ActionKind, Reach, UnitKind
        from tests.factories import (
            ActionFactory,
            ActionRuleFactory,
            OrgUnitFactory,
            PositionFactory,
            RoleFactory,
            UserFactory,
        )

        unit = OrgUnitFactory
        self.province = unit(
            name="UBND tỉnh Bắc Giang",
            code="UBND",
            kind=UnitKind.PROVINCE,
            collective_body_name="Ủy ban nhân dân",
            place_name="Bắc Giang",
        )
        self.dept_a = unit(name="Sở Lao động - TB&XH", code="LĐTBXH", parent=self.province)
        self.division_a = unit(
            name="Văn phòng Sở LĐTBXH",
            code="VP",
            kind=UnitKind.DEPARTMENT_OFFICE,
            parent=self.dept_a,
        )
        self.dept_b = unit(
            name="Sở Văn hóa, Thể thao và Du lịch", code="VHTTDL", parent=self.province
        )
        self.division_b = unit(
            name="Phòng Quản lý Văn hóa", code="QLVH", kind=UnitKind.DIVISION, parent=self.dept_b
        )
        self.commune_x = unit(
            name="Xã Tân Dĩnh",
            code="UBND",
            kind=UnitKind.COMMUNE,
            parent=self.province,
            collective_body_name="Ủy ban nhân dân",
        )
        self.commune_y = unit(
            name="Xã Xuân Hương",
            code="UBND",
            kind=UnitKind.COMMUNE,
            parent=self.province,
            collective_body_name="Ủy ban nhân dân",
        )
        self.village_x1 = unit(
            name="Thôn Hạ", code="TH", kind=UnitKind.VILLAGE, parent=self.commune_x
        )
        self.village_y1 = unit(
            name="Thôn Đông", code="TĐ", kind=UnitKind.VILLAGE, parent=self.commune_y
        )

        role = RoleFactory
        self.r_director = role(code="director", name="Giám đốc", title="Giám đốc", is_head=True)
        self.r_deputy_director = role(
            code="deputy_director",
            name="Phó Giám đốc",
            title="Phó Giám đốc",
            head_role=self.r_director,
        )
        self.r_drafter = role(code="drafter", name="Chuyên viên")
        self.r_division_head = role(
            code="division_head", name="Trưởng phòng", title="Chánh Văn phòng", is_head=True
        )
        self.r_chairman = role(
            code="commune_chairman", name="Chủ tịch UBND", title="Chủ tịch", is_head=True
        )
        self.r_village_head = role(code="village_head", name="Trưởng thôn", is_head=True)

        self.sign = ActionFactory(
            code="testapp.sign_document",
            name="Ký ban hành",
            kind=ActionKind.SIGN,
            excludes_author=True,
        )
        self.approve = ActionFactory(
            code="testapp.approve_document",
            name="Duyệt",
            kind=ActionKind.APPROVE,
            excludes_author=True,
        )
        self.submit = ActionFactory(
            code="testapp.submit_document", name="Trình", kind=ActionKind.PREPARE
        )
        self.decide = ActionFactory(
            code="testapp.decide_case",
            name="Quyết định công nhận",
            kind=ActionKind.DECIDE,
            excludes_beneficiary=True,
        )
        for r in (self.r_director, self.r_deputy_director):
            ActionRuleFactory(
                action=self.sign,
                role=r,
                reach=Reach.UNIT_OR_ABOVE,
                holder_unit_kind=UnitKind.DEPARTMENT,
            )
        ActionRuleFactory(action=self.approve, role=self.r_division_head, reach=Reach.SAME_UNIT)
        ActionRuleFactory(action=self.submit, role=self.r_drafter, reach=Reach.SAME_UNIT)
        ActionRuleFactory(
            action=self.decide,
            role=self.r_chairman,
            reach=Reach.UNIT_OR_ABOVE,
            holder_unit_kind=UnitKind.COMMUNE,
        )

        person = UserFactory
        self.director_a = person(username="gd_a", first_name="Minh", last_name="Lê Văn")
        self.deputy_a = person(username="pgd_a", first_name="Hùng", last_name="Trần Đức")
        self.deputy_b = person(username="pgd_b", first_name="Lan", last_name="Phạm Thị")
        self.drafter_a = person(username="cv_a", first_name="Hoa", last_name="Nguyễn Thị")
        self.office_head_a = person(username="cvp_a", first_name="Nam", last_name="Đỗ Văn")
        self.chairman_x = person(username="ct_x", first_name="Sơn", last_name="Hoàng Văn")
        self.chairman_y = person(username="ct_y", first_name="Hà", last_name="Vũ Thu")
        self.village_head_x1 = person(username="tt_x1", first_name="Bình", last_name="Ngô Văn")

        pos = PositionFactory
        self.p_director_a = pos(user=self.director_a, unit=self.dept_a, role=self.r_director)
        self.p_deputy_a = pos(user=self.deputy_a, unit=self.dept_a, role=self.r_deputy_director)
        self.p_deputy_b = pos(user=self.deputy_b, unit=self.dept_b, role=self.r_deputy_director)
        self.p_drafter_a = pos(user=self.drafter_a, unit=self.division_a, role=self.r_drafter)
        self.p_office_head_a = pos(
            user=self.office_head_a, unit=self.division_a, role=self.r_division_head
        )
        self.p_chairman_x = pos(user=self.chairman_x, unit=self.commune_x, role=self.r_chairman)
        self.p_chairman_y = pos(user=self.chairman_y, unit=self.commune_y, role=self.r_chairman)
        self.p_village_head_x1 = pos(
            user=self.village_head_x1, unit=self.village_x1, role=self.r_village_head
        )


@pytest.fixture
def org(db: None) -> Org:
    """The small province of :class:`Org`, built fresh for the test."""
    return Org()
