"""Settings of a real Celery worker started by the tests (tests/jobs/test_worker.py): the
tests' settings with a broker, no eager tasks and a fast heartbeat. The database is the
test database, named by ``DATABASE_URL``; the broker by ``CELERY_BROKER_URL``."""

from __future__ import annotations

import os
from pathlib import Path

from tests.settings import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
JOBS_HEARTBEAT_SECONDS = 0.2
if os.environ.get("MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
