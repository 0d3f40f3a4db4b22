"""Compile the project's .po catalogues to .mo without system gettext."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from project.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) with polib."

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_catalogues(force=True)
        count = len(written)
        self.stdout.write(
            ngettext("%(count)d catalogue compiled.", "%(count)d catalogues compiled.", count)
            % {"count": count}
        )
