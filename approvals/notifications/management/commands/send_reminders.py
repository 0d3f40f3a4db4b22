"""Run one reminder pass by hand and print what it did."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from approvals.notifications.services import reminders_run


class Command(BaseCommand):
    help = "Send the reminders and escalations due today (one pass; nothing is sent twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reminders_run()
        day = f"{report.day:%d/%m/%Y}"
        if report.skipped:
            self.stdout.write(
                _("%(day)s is not a working day: no reminder is sent.") % {"day": day}
            )
            return
        self.stdout.write(
            _(
                "%(day)s: %(checked)d deadlines checked, %(reminders)d reminders and "
                "%(escalations)d escalations sent, %(emails)d e-mails, %(failed)d failed."
            )
            % {
                "day": day,
                "checked": report.deadlines_checked,
                "reminders": report.reminders_sent,
                "escalations": report.escalations_sent,
                "emails": report.emails_sent,
                "failed": report.failed,
            }
        )
        for failure in report.failures:
            self.stderr.write(_("Not sent, will be retried: %(what)s") % {"what": failure})
