"""Import a village's household list from an XLSX or CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.exceptions import ApprovalError
from approvals.organisation.models import OrgUnit
from workflows.nominations.imports import households_import

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Import a village's households from an XLSX or CSV file (columns “Mã hộ”, “Chủ hộ”, "
        "optional “Địa chỉ”, “Số nhân khẩu”). A file with a bad row imports nothing; every "
        "bad row is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add the village id, the file and ``--user``."""
        parser.add_argument("village", type=int, help="Id of the village or residential group.")
        parser.add_argument("path", type=Path, help="The .xlsx or .csv file.")
        parser.add_argument(
            "--user", required=True, help="Username of the person importing (needs the role)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Import the file as the user; print the count or raise CommandError with the rows."""
        path = Path(options["path"])
        try:
            village = OrgUnit.objects.get(pk=options["village"])
            user = get_user_model().objects.get_by_natural_key(options["user"])
        except (OrgUnit.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = households_import(village=village, user=user, data=data, filename=path.name)
        except ApprovalError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)d households imported into %(unit)s (SHA-256 %(sha256)s).")
                % {"count": result.count, "unit": village.name, "sha256": result.sha256}
            )
        )
