"""The shared cache (Redis, ``CACHE_URL``) that never takes a page down with it.

The cache holds only counters of throttles (sign-in lock-outs, the API's and the document
check's rates): when Redis does not answer, a read gives nothing and a write is dropped,
with a warning in the log, so pages keep working (without throttling until Redis is back).
``/readyz`` (project/health.py) reports the cache as failing meanwhile.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: What a client of an unreachable Redis raises (a refused or timed-out socket included).
UNREACHABLE = (RedisError, OSError)


class TolerantRedisCache(RedisCache):
    """Django's Redis cache; an unreachable Redis reads as empty and ignores writes."""

    def ping(self) -> None:
        """Ask Redis for an answer; raises when it gives none (for /readyz)."""
        self._cache.get_client(write=True).ping()

    def _failed(self, operation: str, error: BaseException) -> None:
        logger.warning("cache unavailable (%s): %r", operation, error)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        """The value, or ``default`` when Redis does not answer."""
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            self._failed("get", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        """The values found, none when Redis does not answer."""
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            self._failed("get_many", error)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        """Whether the key is set; False when Redis does not answer."""
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            self._failed("has_key", error)
            return False

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        """Set when absent; False (nothing stored) when Redis does not answer."""
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            self._failed("add", error)
            return False

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        """Store the value; dropped when Redis does not answer."""
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            self._failed("set", error)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = 300, version: int | None = None
    ) -> list[Any]:
        """Store the values; all reported as not stored when Redis does not answer."""
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            self._failed("set_many", error)
            return list(data)

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        """Renew the timeout; False when Redis does not answer."""
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            self._failed("touch", error)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        """Remove the key; False when Redis does not answer."""
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            self._failed("delete", error)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        """Remove the keys; nothing when Redis does not answer."""
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            self._failed("delete_many", error)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add to a counter; ``ValueError`` (as for a missing key) when Redis does not answer."""
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._failed("incr", error)
            raise ValueError(key) from error

    def clear(self) -> None:
        """Empty the cache; nothing when Redis does not answer."""
        try:
            super().clear()
        except UNREACHABLE as error:
            self._failed("clear", error)
