"""Write one audit checkpoint now (beat writes them on its interval)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.checkpoints.services import checkpoint_write
from approvals.exceptions import ApprovalError


class Command(BaseCommand):
    help = "Sign every audit chain's head now and write it to APPROVALS_CHECKPOINT_DIR."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row = checkpoint_write(reason="command")
        except ApprovalError as exc:
            raise CommandError(str(exc)) from exc
        message = (
            _("%(name)s: %(chains)d chain(s), timestamped.")
            if row.timestamped
            else _("%(name)s: %(chains)d chain(s), not timestamped.")
        )
        self.stdout.write(message % {"name": row.name, "chains": row.chains})
