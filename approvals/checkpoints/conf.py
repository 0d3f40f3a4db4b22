"""The checkpoints' settings, with their defaults.

- ``APPROVALS_CHECKPOINT_DIR``: the append-only directory (default ``MEDIA_ROOT/checkpoints``).
- ``APPROVALS_CHECKPOINT_UNIT``: the code of the unit whose seal signs (default: the root
  unit of the organisation tree).
- ``APPROVALS_CHECKPOINT_SITE``: the site's name written into each checkpoint (default: the
  unit's code).
- ``APPROVALS_CHECKPOINT_INTERVAL_MINUTES``: Celery beat's interval (default 60).
- ``APPROVALS_CHECKPOINT_ON_ISSUE``: write one after every issued document (default on).
- ``APPROVALS_CHECKPOINT_WITNESSES``: URLs an HTTP witness receives each checkpoint at.
- ``APPROVALS_CHECKPOINT_WITNESS_TIMEOUT``: seconds to wait for a witness (default 10).
- ``APPROVALS_CHECKPOINT_SIGNERS``: SHA-256 fingerprints of the certificates allowed to sign
  checkpoints; empty: any certificate the site's trust roots issued.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

#: Beat's interval when the settings name none.
DEFAULT_INTERVAL_MINUTES = 60
#: Seconds to wait for a witness when the settings name none.
DEFAULT_WITNESS_TIMEOUT = 10


def checkpoint_dir() -> Path:
    configured = getattr(settings, "APPROVALS_CHECKPOINT_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT) / "checkpoints"


def interval_minutes() -> int:
    value = getattr(settings, "APPROVALS_CHECKPOINT_INTERVAL_MINUTES", None)
    return int(value or DEFAULT_INTERVAL_MINUTES)


def on_issue() -> bool:
    return bool(getattr(settings, "APPROVALS_CHECKPOINT_ON_ISSUE", True))


def witnesses() -> list[str]:
    value = getattr(settings, "APPROVALS_CHECKPOINT_WITNESSES", None) or []
    return [value] if isinstance(value, str) else [str(url) for url in value]


def witness_timeout() -> float:
    value = getattr(settings, "APPROVALS_CHECKPOINT_WITNESS_TIMEOUT", None)
    return float(value or DEFAULT_WITNESS_TIMEOUT)


def unit_code() -> str:
    return str(getattr(settings, "APPROVALS_CHECKPOINT_UNIT", "") or "")


def site_name() -> str:
    return str(getattr(settings, "APPROVALS_CHECKPOINT_SITE", "") or "")


def allowed_signers() -> frozenset[str]:
    value = getattr(settings, "APPROVALS_CHECKPOINT_SIGNERS", None) or []
    items = [value] if isinstance(value, str) else list(value)
    return frozenset(str(item).lower().replace(":", "") for item in items if item)
