"""Copy the audit checkpoints to another place for safekeeping, checking every copy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.checkpoints.services import checkpoints_export

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Copy the audit checkpoints (APPROVALS_CHECKPOINT_DIR, or --source) not yet in DEST "
        "and check each copy's SHA-256; never overwrites. Fails on any conflict."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path)
        parser.add_argument("--source", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        report = checkpoints_export(options["destination"], source=options["source"])
        self.stdout.write(
            _("%(copied)d file(s) copied, %(present)d already there.")
            % {"copied": len(report.copied), "present": len(report.present)}
        )
        if report.conflicts:
            raise CommandError("\n".join(report.conflicts))
