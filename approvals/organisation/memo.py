"""Answers about who holds what, kept for one request.

A page asks where its user may act several times (the menu, the start buttons, the
inbox's lists, the page's own filter), each for other action codes. Inside
:func:`request_memo` (the :class:`RequestMemoMiddleware` opens one around every request)
the user's positions and delegations on a day are read once and every later question is
answered from them. Any change to a position, delegation, unit or rule saved through
Django in the same request empties the memo, so a request that changes who holds what
reads the new state at once. Outside a request (services, tasks, tests) nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponseBase

T = TypeVar("T")

_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("approvals_org_memo", default=None)


@contextmanager
def request_memo() -> Iterator[dict[Any, Any]]:
    """Inside the block, holdings read once are reused (the block's own, fresh memo)."""
    memo: dict[Any, Any] = {}
    token = _MEMO.set(memo)
    try:
        yield memo
    finally:
        _MEMO.reset(token)


def current_memo() -> dict[Any, Any] | None:
    """The open block's memo, or None outside one."""
    return _MEMO.get()


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per open block and key (every time outside a block).

    What is remembered must depend only on positions, delegations, units and rules (the
    saves that empty the memo) and on what the key names; callers must not change it.
    """
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def memo_forget(**_kwargs: Any) -> None:
    """Empty the open block's memo (connected to the saves of what it remembers)."""
    memo = _MEMO.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    """Opens a :func:`request_memo` around each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with request_memo():
            return self.get_response(request)
