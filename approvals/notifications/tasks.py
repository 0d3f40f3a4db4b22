"""The reminder pass as a Celery task (beat runs it; eager in tests and without a broker)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from approvals.notifications.services import reminders_run


@shared_task(name="approvals.notifications.send_reminders", ignore_result=True)
def send_reminders() -> dict[str, Any]:
    """Run one reminder pass; return its report as plain data."""
    report = reminders_run()
    data = asdict(report)
    data["day"] = report.day.isoformat()
    return data
