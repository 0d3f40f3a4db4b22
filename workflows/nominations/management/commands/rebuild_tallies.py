"""Recompute the tallies of the dashboard's shares from the candidates and households."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workflows.nominations.tallies import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the tallies of households and of candidates per village (kept by database "
        "triggers for the dashboard's shares) in one transaction, printing what was wrong."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        """Rebuild; print each difference repaired, or that there was none."""
        problems = tallies_rebuild()
        for problem in problems:
            self.stdout.write(_("Repaired: %(problem)s") % {"problem": problem.message})
        if problems:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Tallies rebuilt: %(count)d differences repaired.") % {"count": len(problems)}
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("The tallies agree with the rows.")))
