"""The shared cache: Django's own Redis backend, made tolerant of Redis being down.

Redis holds what several app processes share (the cache, rate-limit counters). When it is
unreachable, Django's backend raises on every call and each page that touches the cache
answers 500: losing a cache would become an outage. `TolerantRedisCache` instead logs a
warning and carries on with a small local-memory cache in this process:

- a read is a miss, so the page is computed as if nothing were cached;
- a write goes to the local cache, so a rate limit keeps counting (per process, as with no
  Redis at all) instead of letting everything through or refusing everyone;
- for `RETRY_SECONDS` after a failure the process does not try Redis again, so a down Redis
  costs one refused connection every few seconds, not one per cache call.

Why not django-redis with IGNORE_EXCEPTIONS: it turns every failure into None, so a rate
limit's counter reads "unknown" and must either let every request through or refuse every
one; and it swaps Django's maintained backend for a whole second client stack. This is one
small subclass of the backend that ships with Django.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("core.cache")

# After a failure, how long this process goes straight to its local cache.
RETRY_SECONDS = 5.0
# At most one warning per process in this many seconds while Redis stays down.
WARN_EVERY_SECONDS = 60.0


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        fallback_params = {
            key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION") if key in params
        }
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": 5000}
        self.fallback = LocMemCache(f"ogp-redis-fallback-{id(self)}", fallback_params)
        self._down_until = 0.0
        self._last_warning = 0.0

    # --- state --------------------------------------------------------------------------

    @property
    def redis_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + RETRY_SECONDS
        if now - self._last_warning >= WARN_EVERY_SECONDS or not self._last_warning:
            self._last_warning = now
            logger.warning(
                "Redis unavailable (%s: %s); using this process's local cache for %.0f s. "
                "Rate limits count per process until Redis is back.",
                operation,
                error,
                RETRY_SECONDS,
            )

    def _call(self, operation: str, *args, **kwargs):
        if not self.redis_down:
            try:
                return getattr(super(), operation)(*args, **kwargs)
            except RedisError as error:
                self._failed(operation, error)
        return getattr(self.fallback, operation)(*args, **kwargs)

    def ping(self) -> bool:
        """True when Redis answers now (the health check); a success ends the fallback."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self._failed("ping", error)
            return False
        self._down_until = 0.0
        return True

    # --- the cache API ------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
