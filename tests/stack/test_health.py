"""/healthz (the process answers) and /readyz (database, cache, broker; pending migrations)."""

from __future__ import annotations

import socket

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"


@override_settings(
    DEBUG=False,
    SECURE_SSL_REDIRECT=True,
    SECURE_REDIRECT_EXEMPT=[r"^healthz$", r"^readyz$"],
    ALLOWED_HOSTS=["vanhoa.example.gov.vn"],
)
def test_the_probes_answer_over_http_on_loopback_with_production_settings(client):
    # the proxy probes http://127.0.0.1:8000/healthz: no HTTPS redirect, no host refusal
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    # any other page is still redirected to https
    assert client.get("/login/", HTTP_HOST="vanhoa.example.gov.vn").status_code == 301


def test_the_probes_need_no_sign_in(client):
    assert client.get("/").status_code == 302  # the site itself asks for the sign-in
    assert client.get("/readyz").status_code == 200


@override_settings(CELERY_BROKER_URL="")
def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok"},
        "failed": [],
    }


@override_settings(CELERY_BROKER_URL="memory://")
def test_readyz_checks_the_broker_when_there_is_one(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_a_broker_that_does_not_answer_fails_readyz(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"].startswith("failed: ")
    assert body["checks"]["database"] == "ok"


def test_a_database_that_does_not_answer_fails_readyz(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["database"] == "failed: OperationalError"


def test_pending_migrations_fail_readyz(client, monkeypatch):
    executor = MigrationExecutor(connection)
    last = executor.loader.graph.leaf_nodes()[0]
    migration = executor.loader.graph.nodes[last]
    # as if the newest migration of one app had not been applied
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [(migration, False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "1 pending migrations"


def test_a_dead_cache_fails_readyz(client):
    location = f"redis://127.0.0.1:{closed_port()}/0"
    caches = {"default": {"BACKEND": "project.cache.TolerantRedisCache", "LOCATION": location}}
    with override_settings(CACHES=caches):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
