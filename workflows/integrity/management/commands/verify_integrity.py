"""Verify everything that must never change once written: the audit chain and its
signatures, the registers against their events, and the content of signed plans; and
that the tallies the database keeps for the dashboard agree with the rows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.checkpoints.verification import checkpoints_verify
from workflows.integrity.checks import site_checks

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Verify the audit chain (verify_audit_chain), the registers against their audit "
        "events, the signed plans against their signatures, the issued decisions' PDFs with "
        "pyHanko, and the dashboard's tallies "
        "against a fresh count. Exits with an error listing every problem found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--skip-plans`` (rendering every signed plan takes a while)."""
        parser.add_argument(
            "--skip-plans",
            action="store_true",
            help="Do not re-render signed plans to compare them with their signatures.",
        )
        parser.add_argument(
            "--checkpoints",
            type=Path,
            metavar="DIR",
            help="Also check the signed audit checkpoints in DIR: their signatures, and that "
            "every chain still holds the recorded head at the recorded index.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run every check; print what is intact, then fail with everything that is not."""
        failures: list[str] = []
        try:
            call_command("verify_audit_chain", stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:
            failures.append(str(exc))

        for check in site_checks(skip_plans=options["skip_plans"]):
            problems = check.run()
            failures += [p.message for p in problems]
            if not problems:
                self.stdout.write(self.style.SUCCESS(check.intact))
        if options["checkpoints"] is not None:
            failures += self._checkpoints(options["checkpoints"])
        if failures:
            raise CommandError("\n".join(failures))

    def _checkpoints(self, directory: Path) -> list[str]:
        if not directory.is_dir():
            return [_("The checkpoint directory %(path)s does not exist.") % {"path": directory}]
        report = checkpoints_verify(directory)
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "OK: %(files)d signed checkpoint(s); the database still holds "
                        "all %(heads)d chain head(s) they recorded."
                    )
                    % {"files": report.files_checked, "heads": report.heads_checked}
                )
            )
        return [finding.message for finding in report.findings]
