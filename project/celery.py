"""The Celery app of the site: configured from Django's settings (``CELERY_*``).

With ``CELERY_BROKER_URL`` set, run a worker and beat (``celery -A project worker -B``);
beat sends the reminder pass every ``REMINDERS_INTERVAL_MINUTES``. Without a broker, tasks
run eagerly and ``rundemo`` runs the passes in a thread instead.
"""

from __future__ import annotations

import datetime
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    ["approvals.notifications", "approvals.checkpoints", "approvals.jobs", "workflows.api"]
)


def beat_schedule(
    interval_minutes: float, checkpoint_minutes: int = 60
) -> dict[str, dict[str, object]]:
    """The periodic tasks: the reminder pass every ``interval_minutes``; the API's expired
    idempotency keys purged every hour; dead or lost background jobs
    marked failed every minute; an audit checkpoint every ``checkpoint_minutes``."""
    return {
        "send-reminders": {
            "task": "approvals.notifications.send_reminders",
            "schedule": datetime.timedelta(minutes=interval_minutes),
        },
        "purge-idempotency-keys": {
            "task": "workflows.api.purge_idempotency_keys",
            "schedule": datetime.timedelta(hours=1),
        },
        "sweep-jobs": {
            "task": "approvals.jobs.sweep",
            "schedule": datetime.timedelta(minutes=1),
        },
        "write-audit-checkpoint": {
            "task": "approvals.checkpoints.write_checkpoint",
            "schedule": datetime.timedelta(minutes=checkpoint_minutes),
        },
    }


@app.on_after_configure.connect
def _schedule(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    from approvals.checkpoints.conf import interval_minutes

    sender.conf.beat_schedule = beat_schedule(
        settings.REMINDERS_INTERVAL_MINUTES, interval_minutes()
    )
