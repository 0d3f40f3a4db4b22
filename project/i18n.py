"""Compile the gettext catalogues with polib, so no system gettext is needed."""

from __future__ import annotations

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("approvals", "workflows", "project")


def compile_catalogues(*, force: bool = False) -> list[Path]:
    """Write a .mo beside every .po that is newer than it; return the files written."""
    written: list[Path] = []
    for package in PACKAGES:
        for po_path in sorted((ROOT / package).glob("**/locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            fresh = mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime
            if fresh and not force:
                continue
            try:
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            except OSError:
                continue  # a read-only installation ships its compiled catalogues
            written.append(mo_path)
    return written
