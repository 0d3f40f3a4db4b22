"""gunicorn's settings for the site (``gunicorn -c ops/gunicorn.conf.py project.wsgi``).

Sync workers: Django's ORM is synchronous, and one request at a time per process keeps each
database connection simple. Read from the environment: ``BIND`` (or ``PORT`` on 127.0.0.1;
default 127.0.0.1:8000), ``WEB_CONCURRENCY`` (workers, default 2 x cores + 1),
``GUNICORN_TIMEOUT`` (seconds one request may take, default 60).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise SystemExit(f"configuration error: {name}: expected a whole number, got {raw!r}")
    return int(raw)


bind = [os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM (systemd stop, honcho's Ctrl-C) a worker finishes its request within this time.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# The app is imported once in the master and shared by the forked workers: each worker
# answers its first requests at full speed (without it the load test's first minute
# ran at about a seventh of the throughput) and uses less memory. No database connection
# is opened at import, so none is shared across the fork.
preload_app = True
# A worker is replaced after this many requests (a slow leak cannot grow for ever).
max_requests = 2000
max_requests_jitter = 200
# Behind nginx on loopback: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog: str | None = "-"
errorlog = "-"
# Client, request line, status, size, duration in ms (%(M)s), referrer-free (privacy).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# The app's own request log (project/request_log.py) adds the user; with LOG_FORMAT=json
# prefer it and turn this one off with GUNICORN_ACCESS_LOG=false.
if os.environ.get("GUNICORN_ACCESS_LOG", "true").strip().lower() in {"0", "false", "no", "off"}:
    accesslog = None
proc_name = "vanhoa-web"


def on_starting(server: Any) -> None:
    """Load the settings in the master before any worker starts: a configuration mistake
    stops gunicorn with its one line (project/config.py) instead of workers booting and
    dying in a loop."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all
