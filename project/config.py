"""Readers of the environment for project/settings.py that fail with one clear line.

A configuration mistake (an empty ``DATABASE_URL``, a word where a number is expected, a
short ``SECRET_KEY`` in production) raises :class:`ConfigError` naming the variable and
what is wrong. It is a ``SystemExit`` whose message is ``configuration error: NAME: what``:
raised while the settings load, ``manage.py``, gunicorn and celery print that one line and
stop with status 1, never a traceback (no ``except Exception`` on the way swallows it).
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url

#: Django's own check (security.W009) wants at least this many characters.
SECRET_KEY_MIN_LENGTH = 50
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigError(SystemExit):
    """A setting read from the environment is missing or malformed: stops the process."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"configuration error: {name}: {problem}")
        self.name = name
        self.problem = problem


def env_bool(name: str, *, default: bool) -> bool:
    """Read a boolean ("1", "true", "yes", "on" / "0", "false", "no", "off")."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(name, f"expected true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = 0) -> int:
    """Read a whole number, at least ``minimum`` (None: any)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    """Read a number (a fraction allowed), at least ``minimum``."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(name, f"expected a number, got {raw!r}") from None
    if not value >= minimum:  # also refuses nan
        raise ConfigError(name, f"must be at least {minimum:g}, got {raw!r}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database(name: str, default: str, *, conn_max_age: int) -> dict[str, Any]:
    """Parse a database URL (``postgres://user@host:5432/db``, ``sqlite:///path``)."""
    raw = os.environ.get(name, default)
    if not raw.strip():
        raise ConfigError(name, "is empty (unset it for the SQLite demo, or give a URL)")
    if "://" not in raw:
        raise ConfigError(name, f"is not a URL like postgres://user@host:5432/name: {raw!r}")
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(raw, conn_max_age=conn_max_age))
    except dj_database_url.UnknownSchemeError:
        scheme = raw.split("://", 1)[0]
        raise ConfigError(
            name, f"unknown scheme {scheme!r} (use postgres://... or sqlite:///...)"
        ) from None
    except ValueError as error:
        raise ConfigError(name, f"malformed URL: {error}") from None
    if not parsed.get("NAME"):
        raise ConfigError(name, "names no database")
    return parsed


def secret_key(*, debug: bool, demo_key: str) -> str:
    """``SECRET_KEY``: required and long with DEBUG off; the demo key with DEBUG on."""
    key = os.environ.get("SECRET_KEY", "")
    if debug:
        return key or demo_key
    if not key:
        raise ConfigError("SECRET_KEY", "must be set when DEBUG is false")
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise ConfigError(
            "SECRET_KEY",
            f"too short ({len(key)} characters; at least {SECRET_KEY_MIN_LENGTH} when DEBUG "
            "is false)",
        )
    return key
