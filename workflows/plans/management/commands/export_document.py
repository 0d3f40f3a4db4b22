"""Write an issued document's signed PDF exactly as its recipients get it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.signing.models import SignedFile, SignedStage

if TYPE_CHECKING:
    from django.core.management.base import CommandParser

KINDS = {"plan": "plans.plan", "decision": "nominations.dossier"}


class Command(BaseCommand):
    help = (
        "Write the issued, digitally signed PDF of a plan or a recognition decision (plan ID, "
        "decision ID — the dossier's id — or 'latest': the most recently issued) to --out, "
        "exactly as its recipients get it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("id", help="The document's id, or 'latest'.")
        parser.add_argument("--out", required=True, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, ident = options["kind"], options["id"]
        rows = SignedFile.objects.filter(subject_type=KINDS[kind], stage=SignedStage.ISSUED)
        if ident == "latest":
            row = rows.order_by("-created_at", "-pk").first()
        elif ident.isdigit():
            row = rows.filter(subject_id=ident).order_by("-pk").first()
        else:
            raise CommandError(_("Give a number or 'latest', not “%(id)s”.") % {"id": ident})
        if row is None:
            raise CommandError(
                _("No issued, signed %(kind)s %(id)s was found.") % {"kind": kind, "id": ident}
            )
        data = row.read()
        Path(options["out"]).write_bytes(data)
        self.stdout.write(
            _("Wrote %(name)s (%(size)d bytes, SHA-256 %(sha)s) to %(out)s.")
            % {"name": row.name, "size": len(data), "sha": row.sha256, "out": options["out"]}
        )
