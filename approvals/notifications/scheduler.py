"""Reminder passes in a background thread, for a site running without a Celery broker."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections

from approvals.notifications.services import reminders_run

__all__ = ["ReminderThread"]

logger = logging.getLogger(__name__)


class ReminderThread(threading.Thread):
    """Runs one reminder pass at once, then one every ``interval`` seconds until stopped."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="reminders", daemon=True)
        if interval <= 0:
            msg = "The interval between reminder passes must be positive."
            raise ValueError(msg)
        self.interval = interval
        self.passes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Loop until :meth:`stop`; a failing pass is logged and the next one still runs."""
        while not self._stop_event.is_set():
            close_old_connections()
            try:
                reminders_run()
            except Exception:
                logger.exception("A reminder pass failed")
            finally:
                self.passes += 1
                connections.close_all()
            self._stop_event.wait(self.interval)

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to end and wait for the pass under way."""
        self._stop_event.set()
        self.join(timeout)
