"""Roll every agency's registers over into a year (the year's end; idempotent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from approvals.exceptions import ApprovalError
from approvals.organisation.models import OrgUnit
from approvals.registers.rollover import registers_roll_over

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Roll the registers of every agency (or of the agencies given) over into a year: "
        "the latest earlier grouping is copied, numbers start again at 1. A second run "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="The year to roll over into.")
        parser.add_argument(
            "--user", required=True, help="Username of the person running it (audited)."
        )
        parser.add_argument(
            "--agency", action="append", type=int, default=[], help="Id of an agency (repeatable)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model()._default_manager.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("No such user: %(name)s.") % {"name": options["user"]})
        agencies = None
        if options["agency"]:
            agencies = list(OrgUnit.objects.filter(pk__in=options["agency"]))
            missing = set(options["agency"]) - {a.pk for a in agencies}
            if missing:
                raise CommandError(
                    _("No such agency: %(codes)s.")
                    % {"codes": ", ".join(str(pk) for pk in sorted(missing))}
                )
        try:
            counts = registers_roll_over(year=options["year"], user=user, agencies=agencies)
        except ApprovalError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(agencies)s agencies, %(registers)s registers rolled over into %(year)s.")
                % counts
            )
        )
