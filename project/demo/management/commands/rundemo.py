"""Start the demo in one command: translations, migrations, demo data, server."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext, ngettext

from approvals.notifications.scheduler import ReminderThread
from project.i18n import compile_catalogues

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Compile translations, apply migrations, seed the demo province, print the logins "
        "and run the development server."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "addrport", nargs="?", default=DEFAULT_ADDRPORT, help="Address and port to serve on."
        )
        parser.add_argument(
            "--no-server",
            action="store_true",
            help="Stop after seeding (for tests and CI).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_catalogues()
        count = len(written)
        self.stdout.write(
            ngettext(
                "Translations: %(count)d catalogue compiled.",
                "Translations: %(count)d catalogues compiled.",
                count,
            )
            % {"count": count}
        )
        call_command("migrate", interactive=False, verbosity=min(options["verbosity"], 1))
        call_command("seed_demo", stdout=self.stdout, stderr=self.stderr)
        if options["no_server"]:
            return
        addrport: str = options["addrport"]
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Open http://%(addrport)s/ and sign in with one of the accounts above "
                    "(administration: http://%(addrport)s/admin/)."
                )
                % {"addrport": addrport}
            )
        )
        reminders = _start_reminders()
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if reminders is not None:
                reminders.stop(timeout=5)


def _start_reminders() -> ReminderThread | None:
    """Without a Celery broker, run the reminder passes in a thread of the server."""
    if settings.CELERY_BROKER_URL:
        return None
    thread = ReminderThread(interval=settings.REMINDERS_INTERVAL_MINUTES * 60)
    thread.start()
    return thread
