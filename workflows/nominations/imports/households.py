"""Adding a village's households from a list, all of them or none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ConcurrentUpdate, ValidationFailed
from approvals.organisation.models import UnitKind
from approvals.organisation.resolver import require
from workflows.nominations import services
from workflows.nominations.imports.checking import Checker
from workflows.nominations.imports.reading import (
    PROGRESS_EVERY,
    Column,
    Progress,
    Table,
    file_sha256,
    read_table,
)
from workflows.nominations.models import Household
from workflows.nominations.signals import households_added

if TYPE_CHECKING:
    from approvals.organisation.models import OrgUnit
    from approvals.organisation.resolver import Authority

IMPORT_HOUSEHOLDS = "nominations.import_households"

_HOUSEHOLD_KINDS = (UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP)

#: PositiveSmallIntegerField holds up to this on every database Django supports.
_MAX_MEMBERS = 32_767


@dataclass(frozen=True)
class ImportResult:
    """The households written by one import, and the file they came from."""

    households: list[Household]
    filename: str
    sha256: str

    @property
    def count(self) -> int:
        """How many households were imported."""
        return len(self.households)


HOUSEHOLD_COLUMNS = (
    Column("code", "Mã hộ", ("Mã hộ", "Mã hộ gia đình", "code", "household code")),
    Column("head_name", "Chủ hộ", ("Chủ hộ", "Họ tên chủ hộ", "head_name", "head of household")),
    Column("address", "Địa chỉ", ("Địa chỉ", "address"), required=False),
    Column(
        "member_count",
        "Số nhân khẩu",
        ("Số nhân khẩu", "Số khẩu", "member_count", "members"),
        required=False,
    ),
)


def households_import_check(*, village: OrgUnit, user: Any) -> Authority:
    """The user's authority to add households to ``village``, or the refusal (no file read)."""
    authority = require(user, services.REGISTER, unit=village)
    if village.kind not in _HOUSEHOLD_KINDS:
        raise ValidationFailed(
            _("Households belong to a village or residential group, not to %(unit)s.")
            % {"unit": village.name}
        )
    return authority


def households_import(
    *,
    village: OrgUnit,
    user: Any,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Add a village's households from an XLSX or CSV list, all of them or none.

    Headers in Vietnamese or English: “Mã hộ”/code and “Chủ hộ”/head_name are required,
    “Địa chỉ”/address and “Số nhân khẩu”/member_count optional (a missing member count
    column means 1; a present one must be filled). A code already used in the village is
    refused, not updated: this import only adds households. ``progress(done, total)`` is
    told the rows checked, then all of them once written.
    """
    authority = households_import_check(village=village, user=user)
    table = read_table(data, filename, HOUSEHOLD_COLUMNS)
    with transaction.atomic():
        households = _households(table, village, filename, progress)
        try:
            with transaction.atomic():
                created = Household.objects.bulk_create(households, batch_size=1000)
                households_added.send(Household, household_ids=[h.pk for h in created])
        except IntegrityError as exc:
            raise ConcurrentUpdate(
                _("Someone else added households to %(unit)s at the same time; try again.")
                % {"unit": village.name}
            ) from exc
        digest = file_sha256(data)
        audit_record(
            actor=user,
            action=IMPORT_HOUSEHOLDS,
            subject=village,
            authority=authority,
            payload={"count": len(created), "filename": filename, "sha256": digest},
        )
    if progress is not None:
        progress(len(created), len(created))
    return ImportResult(households=created, filename=filename, sha256=digest)


def _households(
    table: Table, village: OrgUnit, filename: str, progress: Progress | None
) -> list[Household]:
    check = Checker(table)
    existing = set(Household.objects.filter(village=village).values_list("code", flat=True))
    first_row: dict[str, int] = {}
    households: list[Household] = []
    for checked, row in enumerate(table.rows):
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked, len(table.rows))
        code = check.text(row, "code", required=True)
        head_name = check.text(row, "head_name", required=True)
        address = check.text(row, "address", required=False) if "address" in row.cells else ""
        members: int | None = 1
        if "member_count" in row.cells:
            members = check.whole(row, "member_count", low=1, high=_MAX_MEMBERS)
        if code in first_row:
            check.add(
                row.number,
                "code",
                _("the code %(code)s is already in row %(row)s")
                % {"code": code, "row": first_row[code]},
            )
        elif code in existing:
            check.add(
                row.number,
                "code",
                _(
                    "%(unit)s already has a household with the code %(code)s; an import only "
                    "adds new households"
                )
                % {"unit": village.name, "code": code},
            )
        if code:
            first_row.setdefault(code, row.number)
        households.append(
            Household(
                village=village,
                code=code,
                head_name=head_name,
                address=address,
                member_count=members or 1,
            )
        )
    check.raise_if_any(filename)
    return households


__all__ = [
    "HOUSEHOLD_COLUMNS",
    "IMPORT_HOUSEHOLDS",
    "ImportResult",
    "households_import",
    "households_import_check",
]
