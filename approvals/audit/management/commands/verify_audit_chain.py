"""Verify the audit hash chain and the signatures recorded in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.audit.models import AuditChain
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
        parser.add_argument(
            "--all",
            action="store_true",
            help="Verify every chain (a site that splits its chains per unit has several).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Verify the chain (or every chain); print OK or raise CommandError at a break."""
        if not options["all"]:
            self._verify(options["chain"])
            return
        names = list(AuditChain.objects.order_by("name").values_list("name", flat=True))
        failures: list[str] = []
        for name in names:
            try:
                self._verify(name)
            except CommandError as exc:
                failures.append(str(exc))
        if failures:
            raise CommandError("\n".join(failures))
        self.stdout.write(
            self.style.SUCCESS(_("All %(count)d chains verified.") % {"count": len(names)})
        )

    def _verify(self, chain: str) -> None:
        report = chain_verify(chain=chain)
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
