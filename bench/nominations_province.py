"""The nominations benchmarks' bulk-created province: communes, villages, people, households."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

YEAR = 2026
D = datetime.date
FAIL_EVERY = 50  # one household in 50 fails the review meeting's vote


@dataclass
class CommuneStaff:
    """A commune and the people who appraise, decide and number there."""

    unit: Any
    chairman: Any
    officer: Any
    clerk: Any
    villages: list[tuple[Any, Any]] = field(default_factory=list)  # (village, head)


@dataclass
class Province:
    """The bulk-created province."""

    unit: Any
    secretary: Any
    communes: list[CommuneStaff]
    households: int

    @property
    def villages(self) -> Iterator[tuple[CommuneStaff, Any, Any]]:
        """Every (commune, village, village head)."""
        for commune in self.communes:
            for village, head in commune.villages:
                yield commune, village, head


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _with_paths(units: list[Any], parent: Any) -> None:
    from approvals.organisation.models import OrgUnit

    for unit in units:
        unit.path = f"{parent.path}{unit.pk}/"
        unit.depth = parent.depth + 1
    OrgUnit.objects.bulk_update(units, ["path", "depth"], batch_size=1000)


def build_province(*, households: int, villages: int, communes: int) -> Province:
    """Bulk-create the tree, the people and the households; configure the registers."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from approvals.organisation.models import (
        Action,
        ActionRule,
        OrgUnit,
        Position,
        Reach,
        Role,
        UnitKind,
    )
    from approvals.registers.models import DocumentKind
    from approvals.registers.services import register_configure
    from workflows.nominations.models import Household

    user_model = get_user_model()
    roles = {r.code: r for r in Role.objects.all()}
    since = D(2020, 1, 1)
    with transaction.atomic():
        province = OrgUnit(
            name="UBND tỉnh Bắc Giang",
            code="UBND",
            kind=UnitKind.PROVINCE,
            collective_body_name="Ủy ban nhân dân",
            place_name="Bắc Giang",
        )
        province.save()
        committee = OrgUnit(
            name="Ban Chỉ đạo Phong trào tỉnh",
            code="BCĐ",
            kind=UnitKind.STEERING_COMMITTEE,
            parent=province,
            collective_body_name="Ban Chỉ đạo",
        )
        committee.save()
        commune_units = OrgUnit.objects.bulk_create(
            OrgUnit(
                name=f"Xã số {n}",
                code="UBND",
                kind=UnitKind.COMMUNE,
                parent=province,
                collective_body_name="Ủy ban nhân dân",
                place_name="Bắc Giang",
            )
            for n in range(1, communes + 1)
        )
        _with_paths(commune_units, province)
        village_units: list[Any] = []
        owners: list[Any] = []
        for commune, count in zip(commune_units, spread(villages, communes), strict=True):
            made = OrgUnit.objects.bulk_create(
                OrgUnit(
                    name=f"Thôn {n} {commune.name}", code="T", kind=UnitKind.VILLAGE, parent=commune
                )
                for n in range(1, count + 1)
            )
            _with_paths(made, commune)
            village_units.extend(made)
            owners.extend([commune] * count)

        def person(username: str) -> Any:
            return user_model(username=username, first_name="Văn", last_name="Nguyễn", password="!")

        people: list[tuple[Any, Any, str]] = [
            (person("thuky_bcd"), committee, "committee_secretary")
        ]
        for commune in commune_units:
            for prefix, role in (
                ("ct", "commune_chairman"),
                ("vhxh", "culture_officer"),
                ("vt", "records_clerk"),
            ):
                people.append((person(f"{prefix}_{commune.pk}"), commune, role))
        for village in village_units:
            people.append((person(f"tt_{village.pk}"), village, "village_head"))
        users = user_model.objects.bulk_create([p[0] for p in people], batch_size=2000)
        Position.objects.bulk_create(
            (
                Position(user=user, unit=unit, role=roles[role], valid_from=since)
                for user, (_u, unit, role) in zip(users, people, strict=True)
            ),
            batch_size=2000,
        )
        ActionRule.objects.get_or_create(
            action=Action.objects.get(code="approvals_registers.configure_register"),
            role=roles["commune_chairman"],
            reach=Reach.SAME_UNIT,
        )
    by_unit: dict[tuple[int, str], Any] = {
        (unit.pk, role): user for user, (_u, unit, role) in zip(users, people, strict=True)
    }
    staff = [
        CommuneStaff(
            commune,
            by_unit[commune.pk, "commune_chairman"],
            by_unit[commune.pk, "culture_officer"],
            by_unit[commune.pk, "records_clerk"],
        )
        for commune in commune_units
    ]
    by_commune = {s.unit.pk: s for s in staff}
    for village, commune in zip(village_units, owners, strict=True):
        by_commune[commune.pk].villages.append((village, by_unit[village.pk, "village_head"]))
    decision = DocumentKind.objects.get(code="decision")
    for s in staff:
        register_configure(
            agency=s.unit,
            year=YEAR,
            name=f"Sổ quyết định {YEAR}",
            kinds=[decision],
            user=s.chairman,
        )

    rows = (
        Household(village=village, code=f"H{n:05d}", head_name=f"Hộ {n}")
        for village, count in zip(village_units, spread(households, villages), strict=True)
        for n in range(1, count + 1)
    )
    while chunk := list(itertools.islice(rows, 10_000)):
        Household.objects.bulk_create(chunk)
    return Province(unit=province, secretary=users[0], communes=staff, households=households)
