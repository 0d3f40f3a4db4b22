"""A configuration mistake stops manage.py, gunicorn and celery with one line naming the
variable and what is wrong, never a traceback (project/config.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from project import config

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LONG_KEY = "test-" + "k" * 60
#: Variables of the developer's or CI's shell that would change what the settings read.
#: DJANGO_ALLOW_ASYNC_UNSAFE is set in this process by the browser tests (Playwright's loop);
#: check --deploy refuses it (async.E001), as it should on a real server.
CLEARED = {
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "LOGIN_THROTTLE_ATTEMPTS",
    "LOG_FORMAT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "APPROVALS_RULES_CACHE_SECONDS",
}


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean["DJANGO_SETTINGS_MODULE"] = "project.settings"
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and tools, fixed arguments
        command, cwd=ROOT, env=clean, capture_output=True, text=True, check=False, timeout=120
    )


def assert_one_line(done: subprocess.CompletedProcess[str], name: str, problem: str) -> None:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert lines == [line for line in lines if line.startswith("configuration error:")], lines
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"configuration error: {name}: ")
    assert problem in lines[0]


@pytest.mark.parametrize(
    ("env", "name", "problem"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL", "is empty"),
        ({"DATABASE_URL": "approvals"}, "DATABASE_URL", "is not a URL"),
        ({"DATABASE_URL": "postgress://u@h/db"}, "DATABASE_URL", "unknown scheme 'postgress'"),
        ({"DATABASE_URL": "postgres://u@h:port/db"}, "DATABASE_URL", "malformed URL"),
        ({"DEBUG": "false"}, "SECRET_KEY", "must be set when DEBUG is false"),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY", "too short (5 characters"),
        ({"LOGIN_THROTTLE_ATTEMPTS": "abc"}, "LOGIN_THROTTLE_ATTEMPTS", "whole number, got 'abc'"),
        ({"LOGIN_THROTTLE_WINDOW": "-5"}, "LOGIN_THROTTLE_WINDOW", "at least 0"),
        ({"REMINDERS_INTERVAL_MINUTES": "soon"}, "REMINDERS_INTERVAL_MINUTES", "a number"),
        ({"DEBUG": "maybe"}, "DEBUG", "true or false, got 'maybe'"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT", "text or json"),
    ],
)
def test_manage_py_says_which_variable_is_wrong_in_one_line(env, name, problem):
    assert_one_line(run([sys.executable, "manage.py", "check"], **env), name, problem)


def test_a_long_secret_key_with_debug_off_passes():
    done = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=LONG_KEY,
        ALLOWED_HOSTS="vanhoa.example.gov.vn",
    )
    assert done.returncode == 0, done.stderr


def test_gunicorn_stops_with_the_one_line():
    done = run(
        [str(BIN / "gunicorn"), "-c", "ops/gunicorn.conf.py", "project.wsgi"],
        DATABASE_URL="",
        BIND="127.0.0.1:0",
        WEB_CONCURRENCY="1",
    )
    errors = [line for line in done.stderr.splitlines() if "[INFO]" not in line and line.strip()]
    done.stderr = "\n".join(errors)  # gunicorn's own "Starting gunicorn" line is not an error
    assert_one_line(done, "DATABASE_URL", "is empty")


def test_celery_stops_with_the_one_line():
    done = run(
        [str(BIN / "celery"), "-A", "project", "worker"],
        LOGIN_THROTTLE_ATTEMPTS="five",
        CELERY_BROKER_URL="memory://",
    )
    assert_one_line(done, "LOGIN_THROTTLE_ATTEMPTS", "whole number, got 'five'")


def test_the_readers(monkeypatch):
    monkeypatch.setenv("X_INT", " 12 ")
    monkeypatch.setenv("X_FLOAT", "0.05")
    monkeypatch.setenv("X_BOOL", "Off")
    monkeypatch.delenv("X_MISSING", raising=False)
    assert config.env_int("X_INT", 3) == 12
    assert config.env_int("X_MISSING", 3) == 3
    assert config.env_float("X_FLOAT", 15) == 0.05
    assert config.env_bool("X_BOOL", default=True) is False
    monkeypatch.setenv("X_FLOAT", "nan")
    with pytest.raises(config.ConfigError, match="X_FLOAT: must be at least"):
        config.env_float("X_FLOAT", 15, minimum=0.01)
    with pytest.raises(SystemExit):  # a ConfigError stops the process
        config.env_float("X_FLOAT", 15)


def test_production_serves_static_files_with_whitenoise():
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.MIDDLEWARE, settings.STORAGES['staticfiles']['BACKEND']]))"
    )
    production = run(
        [sys.executable, "-W", "ignore", "-c", script], DEBUG="false", SECRET_KEY=LONG_KEY
    )
    assert production.returncode == 0, production.stderr
    middleware, storage = json.loads(production.stdout)
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert storage == "project.storage.StaticFilesStorage"
    demo = run([sys.executable, "-W", "ignore", "-c", script])
    middleware, storage = json.loads(demo.stdout)
    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in middleware
    assert storage == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_production_keeps_the_rules_a_minute_per_process_and_development_not_at_all():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.APPROVALS_RULES_CACHE_SECONDS)"
    )
    production = run(
        [sys.executable, "-W", "ignore", "-c", script], DEBUG="false", SECRET_KEY=LONG_KEY
    )
    assert production.returncode == 0, production.stderr
    assert float(production.stdout) == 60
    assert float(run([sys.executable, "-W", "ignore", "-c", script]).stdout) == 0
    chosen = run(
        [sys.executable, "-W", "ignore", "-c", script],
        DEBUG="false",
        SECRET_KEY=LONG_KEY,
        APPROVALS_RULES_CACHE_SECONDS="5",
    )
    assert float(chosen.stdout) == 5
    wrong = run([sys.executable, "-c", script], APPROVALS_RULES_CACHE_SECONDS="soon")
    assert_one_line(wrong, "APPROVALS_RULES_CACHE_SECONDS", "a number")
