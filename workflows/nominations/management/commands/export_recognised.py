"""Write a dossier's recognised list (XLSX, CSV) or its decision (PDF, DOCX) to a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workflows.nominations.exports import decision_document, recognised_csv, recognised_xlsx
from workflows.nominations.models import Dossier

if TYPE_CHECKING:
    from django.core.management.base import CommandParser

FORMATS = ("xlsx", "csv", "pdf", "docx")


class Command(BaseCommand):
    help = (
        "Export a nomination dossier: the recognised list as XLSX or CSV (UTF-8 with BOM), "
        "or the recognition decision as PDF or DOCX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add the dossier id, ``--format`` and ``--output``."""
        parser.add_argument("dossier", type=int, help="Id of the nomination dossier.")
        parser.add_argument("--format", choices=FORMATS, default="xlsx", dest="fmt")
        parser.add_argument("--output", "-o", type=Path, required=True, help="File to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        """Render the export and write it to ``--output``."""
        try:
            dossier = Dossier.objects.select_related(
                "deciding_unit", "proposing_unit", "register_entry", "signature"
            ).get(pk=options["dossier"])
        except Dossier.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        fmt: str = options["fmt"]
        if fmt == "xlsx":
            data = recognised_xlsx(dossier)
        elif fmt == "csv":
            data = recognised_csv(dossier)
        else:
            data = decision_document(dossier, fmt=fmt)
        output = Path(options["output"])
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(size)d bytes to %(path)s.") % {"size": len(data), "path": output}
            )
        )
