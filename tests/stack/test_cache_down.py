"""Redis down (CACHE_URL to a port nobody listens on): pages keep working, the sign-in
throttle degrades with a warning instead of a 500 (project/cache.py)."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.stack.test_health import closed_port

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def dead_cache():
    location = f"redis://127.0.0.1:{closed_port()}/0"
    caches = {
        "default": {
            "BACKEND": "project.cache.TolerantRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches):
        yield


def test_the_cache_reads_empty_and_drops_writes(dead_cache, caplog):
    caplog.set_level(logging.WARNING, logger="project.cache")
    cache.set("k", 1)
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    cache.delete_many(["k"])
    with pytest.raises(ValueError, match="k"):  # as a missing counter: the throttle copes
        cache.incr("k")
    assert any("cache unavailable (set)" in r.getMessage() for r in caplog.records)
    with pytest.raises(Exception):  # noqa: B017, PT011 - /readyz asks it directly
        cache.ping()


def test_signing_in_works_while_redis_is_down(dead_cache, client, user, caplog):
    user.set_password(PASSWORD)
    user.save()
    caplog.set_level(logging.WARNING, logger="project.cache")
    wrong = client.post("/login/", {"username": user.username, "password": "wrong"})
    assert wrong.status_code == 200  # the form again, not a 500
    right = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)
