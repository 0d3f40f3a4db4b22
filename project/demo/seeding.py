"""Build the demo province idempotently.

:func:`seed` looks every row up by its natural key (unit: parent and name; user: username;
position: user, unit, role and start; household: village and code) and creates only what is
missing, or corrects fields that differ from :mod:`project.demo.data`. A second run changes
nothing and its :class:`SeedReport` says so.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import CommandError
from django.db import models, transaction
from django.utils import timezone

from approvals.delegations import delegation_create
from approvals.exceptions import ApprovalError
from approvals.organisation.models import (
    Action,
    ActionKind,
    ActionRule,
    Delegation,
    OrgUnit,
    Position,
    Reach,
    Role,
    UnitKind,
)
from approvals.registers.models import DocumentKind, Register
from approvals.registers.services import register_configure
from project.demo import data
from project.demo.names import NameGenerator
from project.demo.nominations import seed_decision
from project.demo.plans import seed_plans
from project.demo.signing import seed_signing
from workflows.nominations.models import Household
from workflows.nominations.signals import households_added

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Rights on the registers app's actions, given when that app defines the actions:
#: (action code, role code, reach, kind of the holder's unit; blank for any kind).
REGISTER_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("approvals_registers.issue_number", "records_clerk", Reach.SAME_UNIT, ""),
    ("approvals_registers.void_number", "records_clerk", Reach.SAME_UNIT, ""),
    ("approvals_registers.issue_number", "records_clerk", Reach.HOLDER_PARENT, ""),
    ("approvals_registers.void_number", "records_clerk", Reach.HOLDER_PARENT, ""),
    ("approvals_registers.configure_register", "director", Reach.SAME_UNIT, UnitKind.DEPARTMENT),
    ("approvals_registers.close_register", "director", Reach.SAME_UNIT, UnitKind.DEPARTMENT),
    (
        "approvals_registers.configure_register",
        "committee_head",
        Reach.SAME_UNIT,
        UnitKind.STEERING_COMMITTEE,
    ),
    (
        "approvals_registers.close_register",
        "committee_head",
        Reach.SAME_UNIT,
        UnitKind.STEERING_COMMITTEE,
    ),
    # A commune's chairman sets up its decision register; its records clerk numbers.
    ("approvals_registers.configure_register", "commune_chairman", Reach.SAME_UNIT, ""),
)
#: Which of the director's actions are delegated first: signing routine papers.
_DELEGATION_PREFERENCE: dict[str, int] = {
    ActionKind.SIGN: 0,
    ActionKind.RECORD: 1,
    ActionKind.REVIEW: 2,
    ActionKind.APPROVE: 3,
}
#: Actions the demo director keeps for himself: closing a register ends a year's numbering.
NOT_DELEGATED = ("approvals_registers.close_register",)
#: The abbreviation of "Quyết định", which the department numbers in a register of its own.
DECISION_ABBREVIATION = "QĐ"


@dataclass
class LoginRow:
    """One line of the logins table."""

    username: str
    full_name: str
    role: str
    unit: str


@dataclass
class SeedReport:
    """What a run created or corrected, and the resulting logins."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    logins: list[LoginRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the run wrote anything."""
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def summary(self) -> str:
        """One line per kind of row created or corrected."""
        if not self.changed:
            return "Không có thay đổi: dữ liệu demo đã đầy đủ (nothing to change)."
        parts = [f"{label}: +{count}" for label, count in sorted(self.created.items())]
        parts += [f"{label}: {count} sửa" for label, count in sorted(self.updated.items())]
        return "Đã cập nhật dữ liệu demo — " + ", ".join(parts)


def _sync(
    report: SeedReport,
    label: str,
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
) -> Any:
    """Get the row matching ``lookup``, creating it or correcting ``values`` as needed."""
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(exclude=["path", "depth", "password"])
        obj.save()
        report.created[label] += 1
        return obj
    stale = [name for name, value in values.items() if getattr(obj, name) != value]
    if stale:
        for name in stale:
            setattr(obj, name, values[name])
        obj.save(update_fields=stale)
        report.updated[label] += 1
    return obj


class DemoSeeder:
    """Writes :mod:`project.demo.data` into the database."""

    def __init__(self, *, today: datetime.date | None = None, plans: bool = True) -> None:
        self.today = today or timezone.localdate()
        self.with_plans = plans
        self.report = SeedReport()
        self.units: dict[str, OrgUnit] = {}
        self.users: dict[str, User] = {}
        self.positions: dict[tuple[str, str, str], Position] = {}
        self._password_hash = ""

    # -- entry point ----------------------------------------------------------------------

    def run(self) -> SeedReport:
        """Build everything in one transaction."""
        with transaction.atomic():
            roles = {role.code: role for role in Role.objects.all()}
            missing = sorted(
                {p.role for person in data.PEOPLE for p in person.positions} - roles.keys()
            )
            if missing:
                msg = f"Missing roles (run migrate first): {', '.join(missing)}"
                raise CommandError(msg)
            self._units()
            self._admin()
            for person in data.PEOPLE:
                self._person(person, roles)
            self._households()
            self._unit_admin_group()
            self._register_rules(roles)
            self._registers()
            self._delegation()
            signing = seed_signing(users=self.users, units=self.units)
            if signing:
                self.report.created["chứng thư số (thử nghiệm)"] += signing
            created = (
                seed_plans(users=self.users, units=self.units, year=self.today.year)
                if self.with_plans
                else 0
            )
            if created:
                self.report.created["kế hoạch"] += created
            decided = (
                seed_decision(users=self.users, units=self.units, today=self.today)
                if self.with_plans
                else 0
            )
            if decided:
                self.report.created["quyết định công nhận"] += decided
        self._logins()
        return self.report

    # -- organisation tree --------------------------------------------------------------

    def _units(self) -> None:
        for spec in data.UNITS:
            parent = self.units[spec.parent] if spec.parent else None
            self.units[spec.key] = _sync(
                self.report,
                "đơn vị",
                OrgUnit,
                {"parent": parent, "name": spec.name},
                {
                    "code": spec.code,
                    "kind": spec.kind,
                    "short_name": spec.short_name,
                    "place_name": spec.place_name,
                    "collective_body_name": spec.collective_body_name,
                    "valid_from": spec.valid_from,
                    "valid_to": spec.valid_to,
                    "standing_agency": (
                        self.units[spec.standing_agency] if spec.standing_agency else None
                    ),
                },
            )
        for key, predecessor_keys in data.SUCCESSORS.items():
            unit = self.units[key]
            have = set(unit.predecessors.values_list("pk", flat=True))
            for predecessor_key in predecessor_keys:
                predecessor = self.units[predecessor_key]
                if predecessor.pk not in have:
                    unit.predecessors.add(predecessor)
                    self.report.created["kế thừa đơn vị"] += 1

    # -- people ---------------------------------------------------------------------------

    def _hash(self) -> str:
        # One hash for every new demo login: hashing is deliberately slow.
        if not self._password_hash:
            self._password_hash = make_password(data.DEMO_PASSWORD)
        return self._password_hash

    def _user(self, username: str, values: dict[str, Any]) -> User:
        user_model = get_user_model()
        user = user_model._default_manager.filter(username=username).first()
        if user is None:
            user = user_model(username=username, password=self._hash(), **values)
            user.save()
            self.report.created["người dùng"] += 1
        else:
            stale = [name for name, value in values.items() if getattr(user, name) != value]
            if stale:
                for name in stale:
                    setattr(user, name, values[name])
                user.save(update_fields=stale)
                self.report.updated["người dùng"] += 1
        return user

    def _admin(self) -> None:
        self.users[data.ADMIN_USERNAME] = self._user(
            data.ADMIN_USERNAME,
            {
                "first_name": "Quản trị",
                "last_name": "",
                "email": f"{data.ADMIN_USERNAME}@{data.EMAIL_DOMAIN}",
                "is_staff": True,
                "is_superuser": True,
                "is_active": True,
            },
        )

    def _person(self, person: data.PersonSpec, roles: dict[str, Role]) -> None:
        user = self._user(
            person.username,
            {
                "first_name": person.given,
                "last_name": person.family,
                "email": f"{person.username}@{data.EMAIL_DOMAIN}",
                "is_staff": person.staff,
                "is_superuser": False,
                "is_active": True,
            },
        )
        self.users[person.username] = user
        for spec in person.positions:
            position = _sync(
                self.report,
                "chức vụ",
                Position,
                {
                    "user": user,
                    "unit": self.units[spec.unit],
                    "role": roles[spec.role],
                    "valid_from": spec.valid_from,
                },
                {"title": spec.title, "acting": spec.acting, "basis": spec.basis, "valid_to": None},
            )
            self.positions[(person.username, spec.role, spec.unit)] = position

    def _unit_admin_group(self) -> None:
        """Give the unit administrators, and nobody else, the admin's model permissions;
        remove the groups of earlier demos (an existing database is brought in line)."""
        retired, _by_model = Group.objects.filter(name__in=data.RETIRED_GROUPS).delete()
        if retired:
            self.report.updated["nhóm quyền cũ đã xóa"] += 1
        group = _sync(self.report, "nhóm quyền", Group, {"name": data.UNIT_ADMIN_GROUP}, {})
        wanted = set()
        for name in data.UNIT_ADMIN_PERMISSIONS:
            app_label, codename = name.split(".")
            wanted |= set(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).values_list("pk", flat=True)
            )
        have = set(group.permissions.values_list("pk", flat=True))
        if wanted != have:
            group.permissions.set(wanted)
            self.report.updated["quyền quản trị đơn vị"] += 1
        staff = {self.users[person.username].pk for person in data.PEOPLE if person.staff}
        members = set(group.user_set.values_list("pk", flat=True))
        if members != staff:
            group.user_set.set(staff)
            self.report.updated["thành viên nhóm"] += 1

    # -- households -----------------------------------------------------------------------

    def _households(self) -> None:
        heads = {p.household_of: p for p in data.PEOPLE if p.household_of}
        names = NameGenerator(data.HOUSEHOLD_SEED)
        villages = [spec for spec in data.UNITS if spec.households]
        existing = set(
            Household.objects.filter(village__in=[self.units[v.key] for v in villages]).values_list(
                "village_id", "code"
            )
        )
        new: list[Household] = []
        for spec in villages:
            village = self.units[spec.key]
            house = 0
            for number in range(1, spec.households + 1):
                # Draw for every household, new or not, so the sequence never shifts.
                drawn = names.name().full
                members = names.member_count()
                house += names.house_gap(4)
                head = heads.get(spec.key) if number == 1 else None
                code = f"{spec.code}-{number:03d}"
                if (village.pk, code) in existing:
                    continue
                new.append(
                    Household(
                        village=village,
                        code=code,
                        head_name=head.full_name if head else drawn,
                        address=f"Số nhà {house}, {spec.address}",
                        member_count=members,
                    )
                )
        if new:
            Household.objects.bulk_create(new, batch_size=500)
            households_added.send(Household, household_ids=[h.pk for h in new])
            self.report.created["hộ gia đình"] += len(new)
        for village_key, person in heads.items():
            household = Household.objects.get(
                village=self.units[village_key], code=_first(village_key)
            )
            user = self.users[person.username]
            if not household.residents.filter(pk=user.pk).exists():
                household.residents.add(user)
                self.report.created["thành viên hộ"] += 1

    # -- delegation ("TUQ.") --------------------------------------------------------------

    def _delegation(self) -> None:
        delegator = self.users[data.DELEGATOR]
        delegate = self.users[data.DELEGATE]
        position = self.positions[(data.DELEGATOR, data.DELEGATOR_ROLE, data.DELEGATOR_UNIT)]
        year = self.today.year
        instrument = data.delegation_instrument(year)
        if Delegation.objects.filter(
            delegator=delegator, delegate=delegate, instrument=instrument
        ).exists():
            return
        candidates = (
            Action.objects.filter(rules__role=position.role)
            .exclude(kind__in=[ActionKind.DECIDE, ActionKind.PREPARE])
            .exclude(code__in=NOT_DELEGATED)
            .distinct()
        )
        actions = sorted(candidates, key=lambda a: (_DELEGATION_PREFERENCE.get(a.kind, 9), a.code))
        actions = actions[: data.DELEGATED_ACTIONS]
        if not actions:
            self.report.notes.append(
                "Giám đốc Sở chưa có quyền nào để ủy quyền (TUQ.); bỏ qua giấy ủy quyền."
            )
            return
        valid_from = datetime.date(year, 1, 2)
        valid_to = datetime.date(year, 12, 31)
        delegation_create(
            delegator=delegator,
            delegator_position=position,
            delegate=delegate,
            actions=actions,
            instrument=instrument,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        self.report.created["ủy quyền"] += 1

    # -- registers ------------------------------------------------------------------------

    def _register_rules(self, roles: dict[str, Role]) -> None:
        """Who keeps the registers: the clerk numbers, the head configures and closes.

        ``number_issue`` checks the right at the issuing agency itself (the Sở, the
        committee), so the clerk's rule is "at the same unit": the clerk's position is at
        the agency (see ``data.PEOPLE``), not at its office, which is below the agency.
        """
        codes = [code for code, _role, _reach, _kind in REGISTER_RULES]
        actions = {a.code: a for a in Action.objects.filter(code__in=codes)}
        for code, role_code, reach, holder_kind in REGISTER_RULES:
            action = actions.get(code)
            if action is None:
                continue
            _sync(
                self.report,
                "quy tắc quyền",
                ActionRule,
                {
                    "action": action,
                    "role": roles[role_code],
                    "reach": reach,
                    "holder_unit_kind": holder_kind,
                },
                {},
            )

    def _registers(self) -> None:
        """Configure this year's outgoing registers (Decree 30/2020, Art. 15)."""
        kinds = list(DocumentKind.objects.order_by("name"))
        decisions = [k for k in kinds if k.abbreviation == DECISION_ABBREVIATION]
        others = [k for k in kinds if k.abbreviation != DECISION_ABBREVIATION]
        if not kinds:
            self.report.notes.append("Chưa có loại văn bản nào; bỏ qua cấu hình sổ đăng ký.")
            return
        year = self.today.year
        plans = [
            (
                data.DEPARTMENT_REGISTERS_AGENCY,
                data.DEPARTMENT_REGISTERS_OWNER,
                [
                    (f"Sổ đăng ký văn bản đi năm {year}", others),
                    (f"Sổ đăng ký quyết định năm {year}", decisions),
                ],
            ),
            (
                data.COMMITTEE_REGISTERS_AGENCY,
                data.COMMITTEE_REGISTERS_OWNER,
                [
                    (f"Sổ đăng ký văn bản đi của Ban Chỉ đạo năm {year}", kinds),
                ],
            ),
            (
                data.COMMUNE_REGISTERS_AGENCY,
                data.COMMUNE_REGISTERS_OWNER,
                [(f"Sổ đăng ký quyết định năm {year}", decisions)],
            ),
        ]
        for agency_key, owner, registers in plans:
            agency = self.units[agency_key]
            if Register.objects.of(agency, year).exists():
                continue
            for name, covered in registers:
                if not covered:
                    continue
                try:
                    with transaction.atomic():
                        register_configure(
                            agency=agency,
                            year=year,
                            name=name,
                            kinds=covered,
                            user=self.users[owner],
                        )
                except ApprovalError as error:
                    self.report.notes.append(f"Không cấu hình được “{name}”: {error}")
                    continue
                self.report.created["sổ đăng ký"] += 1

    # -- output ---------------------------------------------------------------------------

    def _logins(self) -> None:
        rows = self.report.logins
        rows.append(LoginRow(data.ADMIN_USERNAME, "Quản trị hệ thống", "superuser", "—"))
        usernames = [person.username for person in data.PEOPLE]
        positions = (
            Position.objects.filter(user__username__in=usernames)
            .active_on(self.today)
            .select_related("user", "role", "unit", "unit__parent")
            .order_by("pk")
        )
        by_user: dict[str, list[Position]] = {}
        for position in positions:
            by_user.setdefault(position.user.username, []).append(position)
        for person in data.PEOPLE:
            for index, position in enumerate(by_user.get(person.username, [])):
                role = position.printed_title
                if position.acting:
                    role = f"Q. {role}"
                rows.append(
                    LoginRow(
                        person.username if index == 0 else "",
                        person.full_name if index == 0 else "",
                        f"{role} ({position.role.code})",
                        _unit_label(position.unit),
                    )
                )


def _first(village_key: str) -> str:
    spec = next(s for s in data.UNITS if s.key == village_key)
    return f"{spec.code}-001"


def _unit_label(unit: OrgUnit) -> str:
    label = unit.short_name or unit.name
    if unit.kind in {UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP} and unit.parent is not None:
        return f"{label}, {unit.parent.name}"
    return label


def seed(*, today: datetime.date | None = None, plans: bool = True) -> SeedReport:
    """Build or complete the demo province and return what was done."""
    return DemoSeeder(today=today, plans=plans).run()
