"""Verify everything that must never change once written: the audit chain and its
signatures, the registers against their events, and the content of signed plans; and
that the tallies the database keeps for the dashboard agree with the rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.registers.integrity import registers_verify
from workflows.nominations.tallies import tallies_verify
from workflows.plans.integrity import DECISIONS, issued_files_verify, plans_verify

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

    def handle(self, *args: Any, **options: Any) -> None:
        """Run every check; print what is intact, then fail with everything that is not."""
        failures: list[str] = []
        try:
            call_command("verify_audit_chain", stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:
            failures.append(str(exc))

        register_problems = registers_verify()
        failures += [p.message for p in register_problems]
        if not register_problems:
            self.stdout.write(
                self.style.SUCCESS(_("OK: the registers agree with the audit trail."))
            )

        if not options["skip_plans"]:
            plan_problems = plans_verify()
            failures += [p.message for p in plan_problems]
            if not plan_problems:
                self.stdout.write(
                    self.style.SUCCESS(_("OK: every signed plan has the content that was signed."))
                )

        decision_problems = issued_files_verify(DECISIONS)
        failures += [p.message for p in decision_problems]
        if not decision_problems:
            self.stdout.write(
                self.style.SUCCESS(
                    _("OK: every issued decision's PDF carries valid digital signatures.")
                )
            )

        tally_problems = tallies_verify()
        failures += [p.message for p in tally_problems]
        if not tally_problems:
            self.stdout.write(
                self.style.SUCCESS(_("OK: the dashboard's tallies agree with a fresh count."))
            )
        if failures:
            raise CommandError("\n".join(failures))
