"""Dashboards read from the replica when the site has one; nothing else does."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from project.replica import REPLICA, ReplicaReadsMiddleware, ReplicaRouter, reading_from_replica


@pytest.fixture
def replica(monkeypatch):
    """The site has a replica (``DATABASE_REPLICA_URL`` set); no connection is opened."""
    monkeypatch.setattr("project.replica.replica_configured", lambda: True)


def _serve(method: str, path: str) -> tuple[Any, bool]:
    """Where the view's reads went, and whether the mark outlived the request."""
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["read"] = ReplicaRouter().db_for_read(None)
        return HttpResponse()

    request = getattr(RequestFactory(), method)(path)
    request.resolver_match = resolve(path)

    def respond(r: HttpRequest) -> HttpResponse:
        middleware.process_view(r, view, (), {})
        return view(r)

    middleware = ReplicaReadsMiddleware(respond)
    middleware(request)
    return seen["read"], reading_from_replica()


@pytest.mark.parametrize("path", ["/nominations/dashboard/", "/api/dashboard/"])
def test_dashboards_read_from_the_replica(path, replica):
    read, after = _serve("get", path)
    assert read == REPLICA
    assert after is False


def test_other_pages_and_posts_read_from_the_primary(replica):
    assert _serve("get", "/nominations/")[0] is None
    assert _serve("post", "/nominations/dashboard/")[0] is None


def test_without_a_replica_everything_reads_from_the_primary():
    assert _serve("get", "/nominations/dashboard/")[0] is None


def test_the_replica_is_never_migrated_and_never_written():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "nominations") is False
    assert router.allow_migrate("default", "nominations") is None
    assert router.db_for_write(None) is None
