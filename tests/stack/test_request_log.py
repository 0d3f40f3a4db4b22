"""One log line per request (project/request_log.py); JSON lines with LOG_FORMAT=json
(project/logging.py)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from project.logging import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def request_records(caplog):
    return [r for r in caplog.records if r.name == "project.requests"]


def test_each_request_is_logged_with_method_path_status_duration_and_user(client, caplog, user):
    caplog.set_level(logging.INFO, logger="project.requests")
    client.get("/login/?next=/secret-search")
    client.force_login(user)
    client.get("/no-such-page/")
    first, second = request_records(caplog)
    assert (first.method, first.path, first.status, first.user) == ("GET", "/login/", 200, "-")
    assert first.duration_ms >= 0
    assert "secret-search" not in first.getMessage()  # no query string in the log
    assert first.getMessage().startswith("GET /login/ 200 ")
    assert (second.path, second.status, second.user) == ("/no-such-page/", 404, str(user.pk))
    assert second.getMessage().endswith(f"user={user.pk}")


def test_nothing_is_logged_below_info(client, caplog):
    caplog.set_level(logging.WARNING, logger="project.requests")
    client.get("/login/")
    assert request_records(caplog) == []


def test_the_json_formatter_writes_one_object_per_line_with_the_extra_fields():
    record = logging.LogRecord(
        "project.requests", logging.INFO, __file__, 1, "GET %s", ("/",), None
    )
    record.status = 200
    record.duration_ms = 1.5
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "project.requests"
    assert entry["message"] == "GET /"
    assert (entry["status"], entry["duration_ms"]) == (200, 1.5)
    assert entry["time"].endswith("+00:00")


def test_the_json_formatter_keeps_an_exception_on_the_same_line():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: bad\nvalue" in json.loads(line)["exception"]


def test_log_format_json_switches_every_log_to_json_lines():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    env.update({"DJANGO_SETTINGS_MODULE": "project.settings", "LOG_FORMAT": "json"})
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('approvals.anything').warning('Tên %s', 'Hà Nội', extra={'n': 3})"
    )
    done = subprocess.run(  # noqa: S603 - our interpreter, a fixed script
        [sys.executable, "-W", "ignore", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    entry = json.loads(lines[0])
    assert entry["message"] == "Tên Hà Nội"
    assert (entry["logger"], entry["level"], entry["n"]) == ("approvals.anything", "WARNING", 3)
