"""One transaction per step of a process, without a savepoint per service inside it.

Every service opens its own atomic block, so that it can run alone. Nested in a caller's
transaction each block is a savepoint: two statements (``SAVEPOINT``/``RELEASE``) per
service, five or six services in one step of a flow. A flow step runs as one unit: if
anything in it fails, the whole step is rolled back and the error goes to the user.
Inside :func:`one_step` the services therefore join the step's transaction without
savepoints of their own (``transaction.atomic(savepoint=False)``).

What keeps this safe: a failure inside a joined service marks the step's transaction for
rollback (Django's ``needs_rollback``); the step's own block, which keeps its savepoint
(or is the transaction), rolls it all back. Code that caught such an error and went on
writing would get Django's refusal of its next query, never half a step committed; the
services a step calls catch no error of a joined service.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_JOINED: ContextVar[bool] = ContextVar("approvals_services_join_the_step", default=False)


@contextmanager
def one_step() -> Iterator[None]:
    """One step's transaction (a savepoint when nested) that the services inside join."""
    with transaction.atomic():
        token = _JOINED.set(True)
        try:
            yield
        finally:
            _JOINED.reset(token)


@contextmanager
def service_atomic() -> Iterator[None]:
    """A service's atomic block: its own savepoint, except inside :func:`one_step`.

    Usable as ``with service_atomic():`` and as the decorator ``@service_atomic()``.
    """
    with transaction.atomic(savepoint=not _JOINED.get()):
        yield


__all__ = ["one_step", "service_atomic"]
