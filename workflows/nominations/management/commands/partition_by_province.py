"""Partition the candidates and the audit events by province (PostgreSQL, country scale)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from approvals import partitioning
from approvals.audit.models import AuditEvent
from approvals.organisation.models import OrgUnit
from workflows.nominations.models import Candidate
from workflows.nominations.tallies import CANDIDATE_TRIGGERS

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


@dataclass(frozen=True)
class Target:
    """A table to partition, its key column, the key values and who points at its id."""

    table: str
    key: str
    values: list[int]
    refs: tuple[partitioning.Reference, ...]
    triggers: tuple[str, ...] = ()  # the table's own triggers, kept through partitioning


def _refs(model: type[models.Model]) -> tuple[partitioning.Reference, ...]:
    """Foreign keys of other models to ``model``: checked by triggers once partitioned."""
    return tuple(
        partitioning.Reference(table=other._meta.db_table, column=str(field.column))
        for other in apps.get_models()
        if other is not model
        for field in other._meta.concrete_fields
        if field.is_relation and field.related_model is model
    )


def targets() -> list[Target]:
    """Candidates by province, audit events by their chain's root unit (0: main chain).

    The provinces are the roots of the organisation tree. The candidates' tally triggers
    (migration 0008) are created again on the partitioned table; a missing one is reported.
    """
    roots = list(
        OrgUnit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    return [
        Target(
            Candidate._meta.db_table, "province_id", roots, _refs(Candidate), CANDIDATE_TRIGGERS
        ),
        Target(AuditEvent._meta.db_table, "partition", [0, *roots], _refs(AuditEvent)),
    ]


class Command(BaseCommand):
    help = (
        "Partition the candidates and the audit events by province (PostgreSQL "
        "declarative LIST partitioning, one partition per province and a default one). "
        "Without options, print what is left to do; --check exits with an error if "
        "anything is; --apply does it (run again after adding a province)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--check`` and ``--apply``."""
        parser.add_argument(
            "--check", action="store_true", help="Exit with an error unless the layout is done."
        )
        parser.add_argument(
            "--apply", action="store_true", help="Partition the tables, or add new partitions."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Report, check or apply the partitioned layout."""
        if connection.vendor != "postgresql":
            raise CommandError(
                _("Partitioning by province needs PostgreSQL; this database is %(vendor)s.")
                % {"vendor": connection.vendor}
            )
        if options["apply"]:
            self._apply()
        problems = self._problems()
        for problem in problems:
            self.stdout.write(_("To do: %(problem)s") % {"problem": problem})
        if not problems:
            self.stdout.write(self.style.SUCCESS(_("The tables are partitioned by province.")))
        elif options["check"]:
            raise CommandError(_("The partitioned layout is not complete."))
        else:
            self.stdout.write(_("Run with --apply to do it."))

    def _problems(self) -> list[str]:
        with connection.cursor() as cursor:
            return [
                problem
                for target in targets()
                for problem in partitioning.layout_problems(
                    cursor,
                    target.table,
                    target.key,
                    target.values,
                    list(target.refs),
                    target.triggers,
                )
            ]

    @transaction.atomic
    def _apply(self) -> None:
        with connection.cursor() as cursor:
            for target in targets():
                if not partitioning.is_partitioned(cursor, target.table):
                    partitioning.partition_table(
                        cursor, target.table, target.key, target.values, target.refs
                    )
                    self.stdout.write(
                        _("%(table)s partitioned by %(key)s: %(count)d partitions and a default.")
                        % {"table": target.table, "key": target.key, "count": len(target.values)}
                    )
                    continue
                added = partitioning.add_partitions(cursor, target.table, target.key, target.values)
                if added:
                    self.stdout.write(
                        _("%(table)s: partitions added for %(values)s.")
                        % {"table": target.table, "values": ", ".join(map(str, added))}
                    )
                missing = partitioning.missing_reference_triggers(
                    cursor, target.table, list(target.refs)
                )
                for ref in missing:
                    partitioning.reference_triggers(cursor, target.table, ref)
