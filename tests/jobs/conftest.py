"""Jobs with a broker: the site's Celery app pointed at a test Redis (or a dead port), and
real worker processes on the test database (PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from project.celery import app

ROOT = Path(__file__).resolve().parents[2]
#: The Redis database the worker tests use (db 7 of the local server unless told).
REDIS_URL = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
#: A broker that never answers: nothing listens on port 1.
DEAD_BROKER = "redis://127.0.0.1:1/0"


def _reset_pools() -> None:
    """Forget the app's broker connections, so the next send connects to the new URL."""
    app._pool = None
    with contextlib.suppress(AttributeError):
        app.amqp._producer_pool = None


#: The app's settings a block below overrides.
_OVERRIDDEN = ("broker_url", "task_always_eager", "task_default_queue")


@contextlib.contextmanager
def celery_broker(url: str, queue: str = "celery") -> Iterator[None]:
    """The site's Celery app sends to ``url`` (queue ``queue``), not eagerly, within the block.

    Celery reads Django's settings live; the block's values go into the app's own layer of
    changes and are taken out again at the end (not overwritten with the values read at the
    start, which a test's changed settings may already have altered), so every later test
    reads the test settings again."""
    changes = app.conf.changes
    saved = {key: changes[key] for key in _OVERRIDDEN if key in changes}
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    _reset_pools()
    try:
        yield
    finally:
        for key in _OVERRIDDEN:
            changes.pop(key, None)
        changes.update(saved)
        _reset_pools()


@pytest.fixture
def dead_broker(settings: Any) -> Iterator[None]:
    """A broker that does not answer (Redis down)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = DEAD_BROKER
    with celery_broker(DEAD_BROKER):
        yield


class Workers:
    """Real ``celery worker`` processes on the test database and one private queue."""

    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []

    def env(self) -> dict[str, str]:
        db = connection.settings_dict
        url = "postgres://{user}@{host}:{port}/{name}".format(
            user=db["USER"] or "postgres",
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            name=db["NAME"],
        )
        if db.get("PASSWORD"):
            url = url.replace("@", f":{db['PASSWORD']}@", 1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.worker_settings",
            DATABASE_URL=url,
            CELERY_BROKER_URL=REDIS_URL,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            PYTHONPATH=str(ROOT),
        )
        return env

    def start(self, log_dir: Path) -> subprocess.Popen[bytes]:
        log = log_dir / f"worker-{len(self.processes) + 1}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "--pool=solo",
            "-Q",
            self.queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--hostname=jobs-test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
                command, cwd=ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        self.logs.append(log)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            with contextlib.suppress(Exception):
                self.kill(process)

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:]
            for log in self.logs
            if log.exists()
        )


@pytest.fixture
def workers(settings: Any, tmp_path: Path) -> Iterator[Workers]:
    """Start workers with ``workers.start(tmp_path)``; all are killed and the queue purged at
    the end, whatever happened."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:  # the tests need the broker: say so, never skip
        pytest.fail(f"Redis at {REDIS_URL} does not answer ({exc}); set JOBS_TEST_REDIS_URL")
    queue = f"jobs-test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS_URL
    pool = Workers(queue)
    try:
        with celery_broker(REDIS_URL, queue):
            yield pool
    finally:
        pool.stop_all()
        with contextlib.suppress(Exception):
            redis.Redis.from_url(REDIS_URL).delete(queue)


def wait_for(
    condition: Callable[[], Any], *, timeout: float, what: str, workers: Workers | None = None
) -> Any:
    """Poll ``condition`` until it is true (its value) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    logs = workers.log_tail() if workers is not None else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")
