"""The example app's configuration."""

from __future__ import annotations

from pathlib import Path

import polib
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def compile_catalogues() -> None:
    """Write a .mo beside each of the app's .po files that is newer than it.

    The site compiles only its own packages' catalogues; a new app ships its .mo files or
    compiles them itself. This runs when Django imports the app's configuration, before
    any translation is loaded.
    """
    for po_path in Path(__file__).resolve().parent.glob("locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        except OSError:
            continue  # a read-only installation ships its compiled catalogues


compile_catalogues()


class MovementReportConfig(AppConfig):
    """Movement result reports: a commune reports, the department reviews and approves."""

    name = "examples.movement_report"
    label = "movement_report"
    verbose_name = _("Movement result reports")
    default_auto_field = "django.db.models.BigAutoField"
