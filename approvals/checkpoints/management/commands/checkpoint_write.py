"""Write one audit checkpoint now (beat writes them on its interval)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from approvals.checkpoints.services import checkpoint_write
from approvals.exceptions import ApprovalError


class Command(BaseCommand):
    help = "Sign every audit chain's head now and write it to APPROVALS_CHECKPOINT_DIR."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row = checkpoint_write(reason="command")
        except ApprovalError as exc:
            raise CommandError(str(exc)) from exc
        stamp = "timestamped" if row.timestamped else "not timestamped"
        self.stdout.write(f"{row.name}: {row.chains} chain(s), {stamp}.")
