"""Verify the audit hash chain and the signatures recorded in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.audit.services import MAIN_CHAIN, chain_verify

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Verify an audit chain: every event's hash, the links between events, the chain "
        "head and the signatures. Exits with an error naming the first broken event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--chain``."""
        parser.add_argument(
            "--chain",
            default=MAIN_CHAIN,
            help=f"Name of the chain to verify (default: {MAIN_CHAIN}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Verify the chain; print OK or raise CommandError with the first break."""
        report = chain_verify(chain=options["chain"])
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "OK: %(events)d events verified, %(signatures)d signatures checked "
                        "(chain “%(chain)s”)."
                    )
                    % {
                        "events": report.events_checked,
                        "signatures": report.signatures_checked,
                        "chain": report.chain,
                    }
                )
            )
            return
        lines = [
            _("Chain “%(chain)s” is broken. %(events)d events before the break are intact.")
            % {"chain": report.chain, "events": report.events_checked}
        ]
        lines += [brk.message for brk in report.breaks]
        raise CommandError("\n".join(lines))
