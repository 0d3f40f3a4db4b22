"""The kinds of background job and their handlers, registered by the processes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from approvals.jobs.exceptions import JobKindUnknown

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from approvals.jobs.models import Job
    from approvals.jobs.runner import JobContext


@dataclass(frozen=True)
class JobOutcome:
    """What a finished job leaves: plain data shown on its page, and optionally one file."""

    data: dict[str, Any] = field(default_factory=dict)
    file_name: str = ""
    file_content: bytes = b""
    summary: str = ""


#: A handler does the job's work inside the job's transaction and reports its progress.
Handler = Callable[["Job", "JobContext"], JobOutcome]


@dataclass(frozen=True)
class JobKind:
    code: str
    label: Promise | str
    handler: Handler


_KINDS: dict[str, JobKind] = {}


def register(code: str, *, label: Promise | str, handler: Handler) -> None:
    """Register (or replace, for tests and reloads) the handler of one kind of job."""
    _KINDS[code] = JobKind(code=code, label=label, handler=handler)


def kind_of(code: str) -> JobKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise JobKindUnknown() from None


def kinds() -> list[JobKind]:
    return list(_KINDS.values())


__all__ = ["Handler", "JobKind", "JobOutcome", "kind_of", "kinds", "register"]
